package consultants

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/web/webtest"
)

var queueWords = []string{"", "Prairie Families", `<script>alert("x")</script>`, "A & B + C", "O'Neil", "nul\x00", "bad \xff",
	"é ü 漢字", "a.b+c@example.org", "x y@z", "%41%zz"}

func queueWord(r *rand.Rand) string { return queueWords[r.IntN(len(queueWords))] }

// TestQueueRowsHTMLIsTheTemplate: the requests' rows written in Go are what the template
// writes, on random requests (long needs clipped, odd names, addresses and dates).
func TestQueueRowsHTMLIsTheTemplate(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	statuses := []string{RequestOpen, RequestAssigned, RequestClosed, RequestUnconfirmed, "odd<"}
	for round := range 400 {
		d := struct {
			Base  string
			Items []QueueItem
		}{Base: []string{"/t/volume", "/t/a-b"}[r.IntN(2)]}
		for range r.IntN(6) {
			it := QueueItem{Request: Request{ID: queueWord(r) + "id", OrganisationName: queueWord(r), County: queueWord(r),
				Need: strings.Repeat(queueWord(r)+" ", r.IntN(40)), PreferredLanguage: queueWord(r), ContactName: queueWord(r),
				ContactEmail: queueWord(r), ContactPhone: queueWord(r), Status: statuses[r.IntN(len(statuses))]},
				ConsultantName: queueWord(r)}
			if r.IntN(4) > 0 {
				at := time.Date(2026, time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), r.IntN(60), 0, 0, time.FixedZone("x", -6*3600))
				it.ConfirmedAt = &at
			}
			d.Items = append(d.Items, it)
		}
		webtest.SameAsTemplate(t, fmt.Sprintf("round %d", round), queueRowsTemplate, d, queueRowsHTML(d.Base, d.Items))
	}
}

// TestAssignmentRowsHTMLIsTheTemplate: the assignments' rows written in Go are what the
// template writes.
func TestAssignmentRowsHTMLIsTheTemplate(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for round := range 400 {
		d := struct {
			Base, CSRF  string
			Assignments []AssignmentView
		}{Base: "/t/volume", CSRF: queueWord(r) + "tok"}
		for range r.IntN(6) {
			a := AssignmentView{ConsultantName: queueWord(r), AgencyName: queueWord(r), ProgramName: queueWord(r)}
			a.ID, a.RequestID, a.StartedOn = queueWord(r)+"id", queueWord(r), queueWord(r)
			d.Assignments = append(d.Assignments, a)
		}
		webtest.SameAsTemplate(t, fmt.Sprintf("round %d", round), assignmentRowsTemplate, d, assignmentRowsHTML(d.Base, d.CSRF, d.Assignments))
	}
}

// TestMineRowsHTMLIsTheTemplate: a program's consultants written in Go are what the template
// writes, with and without their email addresses.
func TestMineRowsHTMLIsTheTemplate(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for round := range 400 {
		d := struct {
			ShowEmail   bool
			Consultants []AssignmentView
		}{ShowEmail: r.IntN(2) == 0}
		for range r.IntN(6) {
			a := AssignmentView{ConsultantName: queueWord(r), AgencyName: queueWord(r), ConsultantEmail: queueWord(r)}
			for range r.IntN(4) {
				a.Languages = append(a.Languages, queueWord(r))
			}
			a.StartedOn = queueWord(r)
			d.Consultants = append(d.Consultants, a)
		}
		webtest.SameAsTemplate(t, fmt.Sprintf("round %d", round), mineRowsTemplate, d, mineRowsHTML(d.Consultants, d.ShowEmail))
	}
}

// TestReviewRowsHTMLIsTheTemplate: the registry's applications written in Go are what the
// template writes, odd names, ids and slugs included, with and without their dates.
func TestReviewRowsHTMLIsTheTemplate(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for round := range 400 {
		d := struct {
			Slug string
			Rows []Profile
		}{Slug: []string{"volume", "a-b", queueWord(r)}[r.IntN(3)]}
		for range r.IntN(6) {
			p := Profile{ID: queueWord(r) + "id", DisplayName: queueWord(r)}
			for _, at := range []**time.Time{&p.SubmittedAt, &p.ReviewedAt} {
				if r.IntN(3) > 0 {
					when := time.Date(2026, time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), 0, 0, 0, time.FixedZone("x", -6*3600))
					*at = &when
				}
			}
			d.Rows = append(d.Rows, p)
		}
		webtest.SameAsTemplate(t, fmt.Sprintf("round %d", round), reviewRowsTemplate, d, reviewRowsHTML(d.Slug, d.Rows))
	}
}

// TestListingsHTMLIsTheTemplate: the public search's cards written in Go are what the
// template writes, taking and not, with and without an agency and facts, on odd texts and ids.
func TestListingsHTMLIsTheTemplate(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for round := range 400 {
		d := struct {
			Base     string
			Listings []SearchListing
		}{Base: []string{"/t/volume/find-a-consultant", "/t/a b/find-a-consultant", queueWord(r)}[r.IntN(3)]}
		for range r.IntN(5) {
			l := SearchListing{ID: queueWord(r) + "id?&=" + queueWord(r), Name: queueWord(r), Agency: queueWord(r), Taking: r.IntN(2) == 0}
			for range r.IntN(4) {
				l.Facts = append(l.Facts, SearchFact{Term: queueWord(r), Values: queueWord(r)})
			}
			d.Listings = append(d.Listings, l)
		}
		webtest.SameAsTemplate(t, fmt.Sprintf("round %d", round), listingsTemplate, d, listingsHTML(d.Base, d.Listings))
	}
}
