package consultation

import (
	"html/template"
	"math/rand"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/web"
)

// hostileParts are hostile's texts and what an address's part must handle too.
var hostileParts = append([]string{`O'Brien & "Sons"`, "%41 %zz", "/t/x?y=1&z=<>", "javascript:alert(1)", "{{.}}"}, hostile...)

// TestEngagementHTMLIsTheTemplates draws the step indicator, the timeline, the assessments
// section and the caseload's follow-ups and recent sessions with random texts, hostile ones among them, and holds each writer to its template
// byte for byte.
func TestEngagementHTMLIsTheTemplates(t *testing.T) {
	rng := rand.New(rand.NewSource(14))
	pick := func() string { return hostileParts[rng.Intn(len(hostileParts))] }
	oneOf := func(xs ...string) string { return xs[rng.Intn(len(xs))] }
	stage := func() string {
		if rng.Intn(6) == 0 {
			return pick()
		}
		return Stages[rng.Intn(len(Stages))].Value
	}
	funcs := template.FuncMap{"plural": web.Plural}
	steps := template.Must(template.New("steps").Parse(stepsTemplate))
	moves := template.Must(template.New("moves").Parse(movesTemplate))
	section := template.Must(template.New("assessments").Funcs(funcs).Parse(assessmentsTemplate))
	followUps := template.Must(template.New("follow-ups").Funcs(funcs).Parse(caseloadFollowUpsTemplate))
	recent := template.Must(template.New("recent").Parse(caseloadSessionsTemplate))
	check := func(round int, name string, tpl *template.Template, data any, got template.HTML) {
		t.Helper()
		var want strings.Builder
		if err := tpl.Execute(&want, data); err != nil {
			t.Fatal(err)
		}
		if string(got) != want.String() {
			t.Fatalf("%s, round %d:\n got %s\nwant %s", name, round, got, want.String())
		}
	}
	score := func() *int64 {
		if rng.Intn(4) == 0 {
			return nil
		}
		v := rng.Int63n(20000) - 5000
		return &v
	}
	for round := range 400 {
		var ss []CycleStep
		for range rng.Intn(7) {
			ss = append(ss, CycleStep{Label: pick(), TAStage: pick(), Status: oneOf(StepCompleted, StepSkipped, StepCurrent, "upcoming", pick())})
		}
		check(round, "steps", steps, ss, stepsHTML(ss))

		var ms []Move
		for range rng.Intn(6) {
			m := Move{MovedOn: pick(), Reason: pick(), MovedByName: pick()}
			switch rng.Intn(4) {
			case 0: // opened
				m.ToStage = stage()
			case 1: // a change of kind: the same stage
				m.FromStage = stage()
				m.ToStage = m.FromStage
			default:
				m.FromStage, m.ToStage = stage(), stage()
				if rng.Intn(2) == 0 {
					m.Skipped = database.StringList{stage(), stage()}[:1+rng.Intn(2)]
				}
			}
			ms = append(ms, m)
		}
		check(round, "moves", moves, ms, movesHTML(ms))

		s := &AssessmentsSection{Slug: pick(), EngagementID: pick(), CanWrite: rng.Intn(2) == 0}
		for range rng.Intn(3) {
			c := Comparison{Instrument: Instrument{ShortName: pick()}, Better: rng.Intn(4), Worse: rng.Intn(4)}
			if rng.Intn(3) > 0 {
				c.Pre = &Assessment{AdministeredOn: pick()}
			}
			if rng.Intn(3) > 0 {
				c.Post = &Assessment{AdministeredOn: pick()}
			}
			for range rng.Intn(4) {
				r := SubscaleChange{Subscale: Subscale{Name: pick(), MinHundredths: rng.Int63n(1000), MaxHundredths: rng.Int63n(100000), HigherIsBetter: rng.Intn(2) == 0},
					Pre: score(), Post: score(), Change: rng.Int63n(2000) - 1000, Direction: oneOf(ChangeBetter, ChangeWorse, ChangeSame, "", pick())}
				c.Rows = append(c.Rows, r)
			}
			s.Comparisons = append(s.Comparisons, c)
		}
		for range rng.Intn(4) {
			s.Assessments = append(s.Assessments, AssessmentRow{Assessment: Assessment{ID: pick(), Phase: oneOf(PhasePre, PhasePost, pick()), AdministeredOn: pick()}, InstrumentShort: pick()})
		}
		check(round, "assessments", section, s, s.HTML())

		tables := caseloadTables{Base: oneOf("/t/nc-piedmont", "/t/"+pick(), pick()), ShowConsultant: rng.Intn(2) == 0}
		for range rng.Intn(4) {
			tables.FollowUps = append(tables.FollowUps, OverdueFollowUp{FollowUp: FollowUp{EngagementID: pick(), Description: pick(), DueOn: pick(), ProgramName: pick()}, DaysLate: rng.Intn(3) - 1 + rng.Intn(2)*rng.Intn(400)})
		}
		for range rng.Intn(5) {
			tables.Sessions = append(tables.Sessions, RecentSession{ID: pick(), EngagementID: pick(), HeldOn: pick(), Minutes: rng.Intn(600) - 5,
				Mode: oneOf(Modes[0].Value, Modes[len(Modes)-1].Value, pick()), Service: oneOf(Services[0].Value, Services[len(Services)-1].Value, pick()),
				TrainingTopic: pick(), ProgramName: pick(), ConsultantName: pick()})
		}
		check(round, "follow-ups", followUps, tables, caseloadFollowUpsHTML(tables.Base, tables.FollowUps))
		check(round, "recent sessions", recent, tables, caseloadSessionsHTML(tables.Base, tables.ShowConsultant, tables.Sessions))
	}
}
