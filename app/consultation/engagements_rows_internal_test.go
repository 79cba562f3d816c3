package consultation

import (
	"math/rand"
	"testing"
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
		if got, want := string(d.RowsHTML()), render(t, listRowsTemplate, d); got != want {
			t.Fatalf("round %d:\n got %s\nwant %s", round, got, want)
		}
	}
}
