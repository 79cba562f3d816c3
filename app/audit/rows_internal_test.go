package audit

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/web/webtest"
)

// TestEventRowsHTMLIsTheTemplate: the audit log's rows written in Go are what the template
// writes, for a tenant's log and the platform's, with odd and hostile values.
func TestEventRowsHTMLIsTheTemplate(t *testing.T) {
	words := []string{"", "admin@illinois.example", `<script>alert("x")</script>`, "A & B + C", "O'Neil", "nul\x00",
		"bad \xff", "é ü 漢字", "10.0.0.1", "session.create", "notes_read"}
	r := rand.New(rand.NewPCG(14, 9))
	word := func() string { return words[r.IntN(len(words))] }
	var actions []string
	for a := range actionWords {
		actions = append(actions, a)
	}
	for round := range 400 {
		d := struct {
			Events   []Event
			Platform bool
		}{Platform: r.IntN(2) == 0}
		for range r.IntN(6) {
			at := time.Unix(r.Int64N(2_000_000_000), r.Int64N(1e9)).In(time.FixedZone("x", 3600*(r.IntN(25)-12)))
			action := word()
			if r.IntN(2) == 0 {
				action = actions[r.IntN(len(actions))]
			}
			d.Events = append(d.Events, Event{TenantID: word(), ActorEmail: word(), Action: action, RecordType: word(),
				RecordID: word(), Detail: word(), IP: word(), CreatedAt: at})
		}
		webtest.SameAsTemplate(t, fmt.Sprintf("round %d", round), eventRowsTemplate, d, eventRowsHTML(d.Events, d.Platform))
	}
}
