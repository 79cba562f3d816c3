package consultation

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/holdspace/holdspace/app/web/webtest"
)

// TestListRowsHTMLIsTheTemplate: the engagements list's rows written in Go are what the
// template writes, with and without the consultant column and the record links.
func TestListRowsHTMLIsTheTemplate(t *testing.T) {
	rng := rand.New(rand.NewSource(31))
	for round := 0; round < 400; round++ {
		d := &EngagementListData{Base: pick(rng, []string{"/t/volume", "/t/a-b"}), ShowConsultant: rng.Intn(2) == 0, RecordLinks: rng.Intn(2) == 0}
		for range rng.Intn(6) {
			r := ListRow{ID: pick(rng, hostile) + "id", ConsultantName: pick(rng, hostile), ProgramName: pick(rng, hostile),
				Focus: pick(rng, hostile), Stage: pick(rng, hostile), TAStage: pick(rng, hostile), Kind: pick(rng, hostile),
				Contacts: rng.Intn(1000) - 1, Hours: pick(rng, hostile), LastContactOn: pick(rng, hostile)}
			for range rng.Intn(3) {
				r.Flags = append(r.Flags, pick(rng, hostile))
			}
			d.Rows = append(d.Rows, r)
		}
		webtest.SameAsTemplate(t, fmt.Sprintf("round %d", round), listRowsTemplate, d, d.RowsHTML())
	}
}

// TestEngagementSessionsHTMLIsTheTemplate: an engagement's latest sessions written in Go are
// what the template writes.
func TestEngagementSessionsHTMLIsTheTemplate(t *testing.T) {
	rng := rand.New(rand.NewSource(33))
	for round := 0; round < 300; round++ {
		d := struct {
			Base string
			Rows []SessionRow
		}{Base: pick(rng, []string{"/t/volume", "/t/a-b"})}
		for range rng.Intn(6) {
			d.Rows = append(d.Rows, SessionRow{ID: pick(rng, hostile) + "id", HeldOn: pick(rng, hostile), Service: pick(rng, hostile),
				Minutes: pick(rng, hostile), Mode: pick(rng, hostile), Summary: pick(rng, hostile)})
		}
		webtest.SameAsTemplate(t, fmt.Sprintf("round %d", round), engagementSessionsTemplate, d, engagementSessionsHTML(d.Base, d.Rows))
	}
}
