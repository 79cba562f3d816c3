package amendments

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
)

func sampleDocument() DocumentData {
	return DocumentData{
		Number: 12, Program: "Prairie Families", Funder: "Illinois State Board of Education Prevention Initiative (ISBE PI)",
		FiscalYear: "FY 2025–26", Status: "Approved", Class: "Needs approval",
		Rule:        "It adds a line item (I/ECMH consultation), which needs the funder's prior approval (2 CFR 200.308).",
		EffectiveOn: "01/01/2026", NewLabel: "Approved",
		Lines: []DocumentLine{
			{Category: "Personnel", Current: 50_000_00, Approved: 37_500_00, Justification: "One position stays vacant."},
			{Category: "Supplies", Current: 2_000_00, Approved: 2_000_00},
			{Category: "I/ECMH consultation", Current: 0, Approved: 12_500_00, New: true, Justification: "A consultant two days a week."},
		},
		Before: 52_000_00, After: 52_000_00, Justification: "Our families need consultation.",
		Decisions: []DocumentDecision{
			{Version: 1, Step: "Program area review", Decision: "Returned for changes", Decider: "Fern Alvarez", Date: "12/01/2025", Comment: "Say who the consultant is."},
			{Version: 2, Step: "Program area review", Decision: "Approved", Decider: "Fern Alvarez", Date: "12/08/2025"},
			{Version: 2, Step: "Fiscal office", Decision: "Approved", Decider: "Gus Okafor", Date: "12/10/2025"},
		},
		Generated: time.Date(2025, 12, 11, 9, 0, 0, 0, time.UTC),
	}
}

// The PDF carries what a person reads: with compression off its text is in the bytes.
func TestRenderDocument(t *testing.T) {
	var buf bytes.Buffer
	if err := renderDocument(&buf, sampleDocument(), false); err != nil {
		t.Fatal(err)
	}
	b := buf.String()
	if !strings.HasPrefix(b, "%PDF-") {
		t.Fatalf("got a file starting %q, want %%PDF-", b[:min(len(b), 8)])
	}
	for _, want := range []string{
		"Budget amendment 12", "Prairie Families", "ISBE PI", "FY 2025\x9626", // the en dash in cp1252
		"Needs approval", "2 CFR 200.308", "Personnel", "$50,000.00", "$37,500.00", "-$12,500.00",
		"I/ECMH consultation \\(new\\)", "+$12,500.00", "$52,000.00", "Our families need consultation.",
		"One position stays vacant.", "A consultant two days a week.",
		"Fern Alvarez", "Gus Okafor", "12/10/2025", "Returned for changes", "Say who the consultant is.",
		"01/01/2026", "Generated on 12/11/2025", "Letter",
	} {
		if want == "Letter" {
			// Letter is 612 × 792 points.
			if !strings.Contains(b, "612.00 792.00") {
				t.Errorf("the page is not Letter size (612 × 792 points)")
			}
			continue
		}
		if !strings.Contains(b, want) {
			t.Errorf("the PDF does not say %q", want)
		}
	}

	t.Run("CompressedByDefault", func(t *testing.T) {
		var c bytes.Buffer
		if err := RenderDocument(&c, sampleDocument()); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(c.String(), "%PDF-") || strings.Contains(c.String(), "Gus Okafor") || c.Len() >= buf.Len() {
			t.Errorf("got %d bytes (uncompressed %d), want a smaller, compressed PDF", c.Len(), buf.Len())
		}
	})
}

// The document of an amendment from the database: its names, amounts and each decision with
// the decider's name; and who may download it.
func TestDocumentFromTheDatabase(t *testing.T) {
	e := newEnv(t)
	f := e.fixture(t, "ill")
	a := e.amendment(t, f, StatusApproved, ClassApproval, 2, "2026-02-10")
	tx, _ := database.For(f.ctx, e.db)
	at := time.Date(2025, 12, 10, 22, 30, 0, 0, time.UTC) // Dec 10 in Chicago
	for i, d := range []struct{ step, by string }{{"Program area review", "fern"}, {"Partnership board", "bo"}, {"State office", "ada"}} {
		dc := &Decision{ID: database.NewID(), AmendmentID: a.ID, Version: 1, Step: i, StepName: d.step, Decision: DecisionApproved,
			Adjusted: []LineValue{}, DecidedBy: f.users[d.by], DecidedAt: at.Add(time.Duration(i) * time.Minute)}
		if _, err := tx.Insert(dc).Exec(f.ctx); err != nil {
			t.Fatal(err)
		}
	}
	e.svc.SetClock(func() time.Time { return time.Date(2025, 12, 11, 15, 0, 0, 0, time.UTC) })

	name, label, build, maySee := e.svc.DocumentKind()
	if name != DocumentKindName || label == "" {
		t.Errorf("got kind %q %q", name, label)
	}
	d, err := e.svc.DocumentData(f.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Program != "ill Prairie Families" || d.Funder != "Illinois State Board of Education Prevention Initiative (ISBE PI)" ||
		d.FiscalYear != "FY 2025–26" || d.EffectiveOn != "01/01/2026" || d.Status != "Approved" || d.NewLabel != "Approved" {
		t.Errorf("got %+v", d)
	}
	if len(d.Decisions) != 3 || d.Decisions[1].Decider != "Bo Ill" || d.Decisions[2].Date != "12/10/2025" {
		t.Errorf("got decisions %+v, want three with the deciders' names and dates in the tenant's time zone", d.Decisions)
	}
	if !strings.Contains(d.Rule, "2 CFR 200.308") {
		t.Errorf("got the rule %q, want the new line's rule", d.Rule)
	}

	var pdf bytes.Buffer
	file, err := build(f.ctx, a.ID, &pdf)
	if err != nil {
		t.Fatal(err)
	}
	if file != "budget-amendment-1.pdf" || !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")) || pdf.Len() < 1000 {
		t.Errorf("got file %q of %d bytes, want budget-amendment-1.pdf, a PDF", file, pdf.Len())
	}
	var plain bytes.Buffer
	if err := renderDocument(&plain, d, false); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ill Prairie Families", "$17,500.00", "$37,500.00", "Fern Ill", "Bo Ill", "Ada Ill"} {
		if !strings.Contains(plain.String(), want) {
			t.Errorf("the PDF does not say %q", want)
		}
	}
	if _, err := build(e.fixture(t, "ncp").ctx, a.ID, &bytes.Buffer{}); err == nil {
		t.Error("built another tenant's amendment's document, want not found")
	}

	t.Run("MaySee", func(t *testing.T) {
		as := func(first, role, org string) context.Context {
			return database.WithScope(context.Background(), database.Scope{TenantID: f.tenant.ID, TenantSlug: f.tenant.Slug,
				UserID: f.users[first], Role: role, OrganisationID: org})
		}
		for _, c := range []struct {
			who  string
			ctx  context.Context
			want bool
		}{
			{"the program's person", as("pat", authz.Program, f.program.ID), true},
			{"the funder's person", as("fern", authz.Funder, f.funder.ID), true},
			{"the tenant admin", as("ada", authz.TenantAdmin, ""), true},
			{"another funder's person", as("otto", authz.Funder, f.other.ID), false},
			{"a consultant", as("cy", authz.Consultant, ""), false},
		} {
			ok, err := maySee(c.ctx, a.ID)
			if err != nil || ok != c.want {
				t.Errorf("%s: got %v, %v; want %v", c.who, ok, err, c.want)
			}
		}
	})
}
