package credentials

import (
	"fmt"
	"html/template"
	"math/rand"
	"reflect"
	"strings"
	"testing"
)

// referenceEvaluate is Evaluate as it was before the staffing table evaluated every consultant
// of a tenant on each request (issue 14): the rule, written plainly, that the faster one must
// agree with.
func referenceEvaluate(reqs []Requirement, creds []Credential, sub Subject, today string) []Status {
	out := make([]Status, 0, len(reqs))
	for i := range reqs {
		r := &reqs[i]
		st := Status{Requirement: r, State: StateLacking}
		if r.Rule == RuleSupervision {
			st.Supervisors, st.Hours = sub.Supervisors, sub.SupervisionFY
			if len(sub.Supervisors) > 0 {
				st.State = StateMet
			}
		} else {
			var best *Credential
			for j := range creds {
				c := &creds[j]
				if c.RequirementID != r.ID {
					continue
				}
				switch {
				case c.Status == StatusSubmitted:
					st.Pending++
				case c.Good(today):
					if best == nil || (best.ExpiresOn != "" && (c.ExpiresOn == "" || c.ExpiresOn > best.ExpiresOn)) {
						best = c
					}
				case c.Verified() && c.ExpiresOn > st.ExpiredOn:
					st.ExpiredOn = c.ExpiresOn
				}
			}
			if best != nil {
				st.Credential, st.Until, st.ExpiredOn = best, best.ExpiresOn, ""
				st.State = StateMet
				if n, ok := DaysBetween(today, best.ExpiresOn); ok && n <= ExpiringSoonDays {
					st.State = StateExpiring
				}
			} else if st.ExpiredOn != "" {
				st.State = StateExpired
			}
		}
		if !st.Met() && st.State != StateExpired && r.DeadlineDays > 0 {
			if due := AddDays(sub.HiredOn, r.DeadlineDays); due != "" {
				st.DueOn = due
				st.State = StateDue
				if due < today {
					st.State = StateOverdue
				}
			} else {
				st.NoHireDate = true
			}
		}
		out = append(out, st)
	}
	return out
}

// randomDay is a day around today, or now and then something that is not quite a date.
func randomDay(rng *rand.Rand, today string) string {
	switch rng.Intn(12) {
	case 0:
		return ""
	case 2: // about ExpiringSoonDays ahead, or today
		return AddDays(today, []int{0, -1, ExpiringSoonDays - 1, ExpiringSoonDays, ExpiringSoonDays + 1}[rng.Intn(5)])
	case 1:
		return []string{"2026-02-30", "2026-13-01", "26-01-01", "2026-1-05", "2026-03-05x", "not a date", "9999-12-31", "2026-02-28"}[rng.Intn(8)]
	}
	return AddDays(today, rng.Intn(900)-450)
}

// TestEvaluateAgreesWithTheRule: Evaluate (one parse of the hire date, expiries compared as
// text before they are parsed) says what the plain rule says, on random requirements,
// credentials, hire dates and days, odd dates included; and so does the staffing table's
// evaluation from the facts alone, but for the credential it names.
func TestEvaluateAgreesWithTheRule(t *testing.T) {
	rng := rand.New(rand.NewSource(14))
	statuses := []string{StatusSubmitted, StatusVerified, StatusReturned}
	for round := 0; round < 3000; round++ {
		today := AddDays("2026-06-15", rng.Intn(800)-400)
		var reqs []Requirement
		for i := 0; i < 1+rng.Intn(7); i++ {
			r := Requirement{ID: fmt.Sprintf("r%d", i), Name: fmt.Sprintf("R%d", i), Rule: RuleCredential, Level: LevelRequired}
			if rng.Intn(5) == 0 {
				r.Rule = RuleSupervision
			}
			if rng.Intn(3) == 0 {
				r.Level = LevelRecommended
			}
			if rng.Intn(2) == 0 {
				r.DeadlineDays = []int{1, 30, 90, 365, 3650}[rng.Intn(5)]
			}
			reqs = append(reqs, r)
		}
		var creds []Credential
		for i := 0; i < rng.Intn(9); i++ {
			creds = append(creds, Credential{ID: fmt.Sprintf("c%d", i), RequirementID: fmt.Sprintf("r%d", rng.Intn(len(reqs)+1)),
				Status: statuses[rng.Intn(len(statuses))], ExpiresOn: randomDay(rng, today)})
		}
		sub := Subject{HiredOn: randomDay(rng, today)}
		if rng.Intn(2) == 0 {
			sub.Supervisors, sub.SupervisionFY = []string{"Helen"}, "1 h of 24 h this fiscal year"
		}
		want := referenceEvaluate(reqs, creds, sub, today)
		got := Evaluate(reqs, creds, sub, today)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d, today %s, %+v, %+v:\n got %+v\nwant %+v", round, today, creds, sub, got, want)
		}
		facts := make([]fact, len(creds))
		for i, c := range creds {
			facts[i] = fact{RequirementID: c.RequirementID, Status: c.Status, ExpiresOn: c.ExpiresOn}
		}
		table := newEvaluator(today).evaluate(nil, reqs, facts, nil, sub)
		for i := range want {
			w := want[i]
			w.Credential = nil
			if !reflect.DeepEqual(table[i], w) {
				t.Fatalf("round %d: the table's evaluation of %s is %+v, want %+v", round, reqs[i].ID, table[i], w)
			}
		}
	}
}

// TestCellsHTMLIsTheTemplate: a row's cells written by hand are byte for byte what the
// template wrote, for every tag and text, hostile ones included.
func TestCellsHTMLIsTheTemplate(t *testing.T) {
	tpl := template.Must(template.New("cells").Parse(`{{range .}}<td><span class="usa-tag {{.Tag}}">{{.Text}}</span></td>{{end}}`))
	texts := []string{"Met", "Met until 2027-01-01", "Overdue since 2026-01-01", `<script>alert("x" + 'y')</script> & co`,
		"nul\x00here", "bad utf-8 \xff\xfe", "Ünïcödé — “quoted” \u2028", ""}
	tags := []string{"bg-success-darker", "bg-warning text-ink", "bg-base-dark", "bg-error-dark", `x" onclick="y`, "a+b<c>&'"}
	rng := rand.New(rand.NewSource(7))
	for round := 0; round < 200; round++ {
		cells := make([]Cell, rng.Intn(8))
		for i := range cells {
			cells[i] = Cell{Tag: tags[rng.Intn(len(tags))], Text: texts[rng.Intn(len(texts))]}
		}
		var want strings.Builder
		if err := tpl.Execute(&want, cells); err != nil {
			t.Fatal(err)
		}
		if got := string(cellsHTML(cells)); got != want.String() {
			t.Fatalf("cells %q:\n got %s\nwant %s", cells, got, want.String())
		}
	}
	if got := string(cellsHTML([]Cell{{Tag: "t", Text: "<b>"}})); !strings.Contains(got, "&lt;b&gt;") {
		t.Fatalf("the text is not escaped: %s", got)
	}
}
