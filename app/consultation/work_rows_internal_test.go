package consultation

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/holdspace/holdspace/app/web"
	"github.com/holdspace/holdspace/app/web/webtest"
)

// TestWorkRowsHTMLIsTheTemplate: the session form's follow-up, referral and resource rows
// written in Go are byte for byte what their templates write, with and without errors, ids
// and chosen options, on hostile texts.
func TestWorkRowsHTMLIsTheTemplate(t *testing.T) {
	rng := rand.New(rand.NewSource(15))
	opts := func() []web.Option {
		out := make([]web.Option, rng.Intn(4))
		for i := range out {
			out[i] = web.Option{Value: pick(rng, hostile), Label: pick(rng, hostile), Selected: rng.Intn(3) == 0}
		}
		return out
	}
	for round := 0; round < 400; round++ {
		rows := make([]FormRow, rng.Intn(5))
		for i := range rows {
			r := FormRow{N: i + rng.Intn(3), A: pick(rng, hostile), B: pick(rng, hostile), Options: opts(), WithOptions: opts()}
			if rng.Intn(3) == 0 {
				r.Error = pick(rng, hostile)
			}
			if rng.Intn(2) == 0 {
				r.ID = pick(rng, hostile)
			}
			rows[i] = r
		}
		name := fmt.Sprintf("round %d", round)
		webtest.SameAsTemplate(t, name+" follow-ups", followUpRowsTemplate, rows, followUpRowsHTML(rows))
		webtest.SameAsTemplate(t, name+" referrals", referralRowsTemplate, rows, referralRowsHTML(rows))
		webtest.SameAsTemplate(t, name+" resources", sharedRowsTemplate, rows, sharedRowsHTML(rows))
	}
}
