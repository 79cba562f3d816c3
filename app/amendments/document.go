package amendments

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/dates"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/tenants"
)

// The amendment document: a PDF of an amendment as decided (issue 11, section 4), built by a
// report run (app/runs) so that it is stored, downloadable by both sides and the tenant admin,
// and each download audited. The PDF library is codeberg.org/go-pdf/fpdf (see the README).

// DocumentKindName is the report run kind of the amendment document, and DocumentContentType
// the type of its file.
const (
	DocumentKindName    = "amendment_document"
	DocumentContentType = "application/pdf"
)

// DocumentData is what the amendment document shows, in words and amounts ready to print.
type DocumentData struct {
	Number      int
	Program     string
	Funder      string // the funder's name, with its short name when it has one
	FiscalYear  string // "FY 2025–26"
	Status      string // in words
	Class       string // in words
	Rule        string // the rule behind the class, in one sentence
	EffectiveOn string // as people read dates: mm/dd/yyyy
	// NewLabel heads the column of new amounts: "Approved", or "Recorded" for a notice.
	NewLabel      string
	Lines         []DocumentLine
	Before, After money.Cents
	Justification string
	Decisions     []DocumentDecision
	Generated     time.Time // in the tenant's time zone
}

// DocumentLine is one budget line before and after.
type DocumentLine struct {
	Category          string
	Current, Approved money.Cents
	Justification     string
	New               bool // not in the budget before
}

// Change is the line's change.
func (l DocumentLine) Change() money.Cents { return l.Approved - l.Current }

// DocumentDecision is one step's decision.
type DocumentDecision struct {
	Version  int
	Step     string
	Decision string // in words
	Decider  string // the person's name
	Date     string // mm/dd/yyyy
	Comment  string
}

// RenderDocument writes the amendment document as a PDF (Letter size).
func RenderDocument(w io.Writer, d DocumentData) error { return renderDocument(w, d, true) }

// renderDocument writes the PDF; compress false leaves its text readable in the bytes (tests).
func renderDocument(w io.Writer, d DocumentData, compress bool) error {
	const (
		margin = 20.0
		width  = 215.9 - 2*margin // Letter, in mm
		lineH  = 5.5
	)
	pdf := fpdf.New("P", "mm", "Letter", "")
	pdf.SetCompression(compress)
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin)
	title := fmt.Sprintf("Budget amendment %d", d.Number)
	pdf.SetTitle(title, true)
	pdf.SetSubject(d.Program+" — "+d.Funder, true)
	pdf.SetCreator("Holdspace", true)
	pdf.SetLang("en-US")
	if !d.Generated.IsZero() {
		pdf.SetCreationDate(d.Generated)
		pdf.SetModificationDate(d.Generated)
	}
	tr := pdf.UnicodeTranslatorFromDescriptor("") // UTF-8 to the core fonts' cp1252
	generated := d.Generated.Format("01/02/2006")
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-margin + 5)
		pdf.SetFont("Helvetica", "", 8)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(width/2, 4, tr(title+" · generated "+generated+" by Holdspace"), "", 0, "L", false, 0, "")
		pdf.CellFormat(width/2, 4, fmt.Sprintf("Page %d of {nb}", pdf.PageNo()), "", 0, "R", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()

	heading := func(s string) {
		pdf.Ln(4)
		pdf.SetFont("Helvetica", "B", 13)
		pdf.CellFormat(width, 7, tr(s), "B", 1, "L", false, 0, "")
		pdf.Ln(2)
	}
	para := func(s string) {
		pdf.SetFont("Helvetica", "", 10)
		pdf.MultiCell(width, lineH, tr(s), "", "L", false)
	}
	field := func(label, value string) {
		if value == "" {
			return
		}
		pdf.SetFont("Helvetica", "B", 10)
		pdf.CellFormat(38, lineH, tr(label), "", 0, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 10)
		pdf.MultiCell(width-38, lineH, tr(value), "", "L", false)
	}

	pdf.SetFont("Helvetica", "B", 18)
	pdf.CellFormat(width, 10, tr(title), "", 1, "L", false, 0, "")
	pdf.Ln(2)
	field("Program", d.Program)
	field("Funder", d.Funder)
	field("Fiscal year", d.FiscalYear)
	field("Status", d.Status)
	field("Class", d.Class)
	field("Effective date", d.EffectiveOn)
	field("Total before", d.Before.String())
	field("Total after", d.After.String())
	field("Net change", signed(d.After-d.Before))
	if d.Rule != "" {
		pdf.Ln(2)
		para(d.Rule)
	}

	heading("Budget lines, before and after")
	newLabel := d.NewLabel
	if newLabel == "" {
		newLabel = "Approved"
	}
	cols := []float64{width - 3*35, 35, 35, 35}
	pdf.SetFont("Helvetica", "B", 10)
	pdf.SetFillColor(230, 230, 230)
	for i, h := range []string{"Category", "Current", newLabel, "Change"} {
		align := "R"
		if i == 0 {
			align = "L"
		}
		pdf.CellFormat(cols[i], 7, tr(h), "1", 0, align, true, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont("Helvetica", "", 10)
	for _, l := range d.Lines {
		cat := l.Category
		if l.New {
			cat += " (new)"
		} else if l.Approved == 0 && l.Current != 0 {
			cat += " (removed)"
		}
		pdf.CellFormat(cols[0], 6.5, tr(cat), "1", 0, "L", false, 0, "")
		pdf.CellFormat(cols[1], 6.5, l.Current.String(), "1", 0, "R", false, 0, "")
		pdf.CellFormat(cols[2], 6.5, l.Approved.String(), "1", 0, "R", false, 0, "")
		pdf.CellFormat(cols[3], 6.5, signed(l.Change()), "1", 1, "R", false, 0, "")
	}
	pdf.SetFont("Helvetica", "B", 10)
	pdf.CellFormat(cols[0], 7, "Total", "1", 0, "L", true, 0, "")
	pdf.CellFormat(cols[1], 7, d.Before.String(), "1", 0, "R", true, 0, "")
	pdf.CellFormat(cols[2], 7, d.After.String(), "1", 0, "R", true, 0, "")
	pdf.CellFormat(cols[3], 7, signed(d.After-d.Before), "1", 1, "R", true, 0, "")

	heading("Justification")
	if strings.TrimSpace(d.Justification) != "" {
		para(d.Justification)
	} else {
		para("None given.")
	}
	for _, l := range d.Lines {
		if l.Change() == 0 || strings.TrimSpace(l.Justification) == "" {
			continue
		}
		pdf.Ln(1.5)
		pdf.SetFont("Helvetica", "B", 10)
		pdf.MultiCell(width, lineH, tr(l.Category+" ("+signed(l.Change())+")"), "", "L", false)
		para(l.Justification)
	}

	heading("Decisions")
	if len(d.Decisions) == 0 {
		para("No step's decision: a notice-only change is recorded without approval, and the funder is told.")
	}
	for _, dc := range d.Decisions {
		pdf.SetFont("Helvetica", "B", 10)
		pdf.MultiCell(width, lineH, tr(fmt.Sprintf("%s (version %d): %s", dc.Step, dc.Version, dc.Decision)), "", "L", false)
		para("By " + dc.Decider + " on " + dc.Date + ".")
		if strings.TrimSpace(dc.Comment) != "" {
			para("Comment: " + dc.Comment)
		}
		pdf.Ln(1.5)
	}
	pdf.Ln(4)
	para(fmt.Sprintf("The new budget takes effect on %s. Generated on %s.", d.EffectiveOn, generated))
	if pdf.Err() {
		return pdf.Error()
	}
	return pdf.Output(w)
}

// DocumentKind is the amendment document as a kind of report run, for the server to adapt into
// a runs.Kind: its name and label; build, which writes the PDF of an amendment (loaded in the
// run's tenant scope, whoever asked) and returns the file's name; and maySee, which says
// whether the person in ctx may download it: whoever may see the amendment (its program's
// people, the funder's people and the tenant admin).
func (s *Service) DocumentKind() (name, label string,
	build func(ctx context.Context, amendmentID string, w io.Writer) (fileName string, err error),
	maySee func(ctx context.Context, amendmentID string) (bool, error)) {
	build = func(ctx context.Context, amendmentID string, w io.Writer) (string, error) {
		d, err := s.DocumentData(ctx, amendmentID)
		if err != nil {
			return "", err
		}
		// fpdf writes nothing to w until the whole document is made: a failure leaves no half file.
		if err := RenderDocument(w, d); err != nil {
			return "", err
		}
		return fmt.Sprintf("budget-amendment-%d.pdf", d.Number), nil
	}
	maySee = func(ctx context.Context, amendmentID string) (bool, error) {
		_, err := s.Amendment(ctx, amendmentID)
		if apperr.Code(err) == apperr.ENOTFOUND {
			return false, nil
		}
		return err == nil, err
	}
	return DocumentKindName, "Budget amendment (PDF)", build, maySee
}

// DocumentData gathers what the amendment document shows, in ctx's tenant (a task's scope:
// whoever may see the amendment is checked by the run, not here).
func (s *Service) DocumentData(ctx context.Context, id string) (DocumentData, error) {
	a, err := s.taskAmendment(ctx, id)
	if err != nil {
		return DocumentData{}, err
	}
	if a == nil {
		return DocumentData{}, apperr.Errorf(apperr.ENOTFOUND, "No such budget amendment.")
	}
	ten, err := s.tenantOf(ctx)
	if err != nil {
		return DocumentData{}, err
	}
	d := DocumentData{Number: a.Number, Program: a.ProgramName, Status: a.StatusLabel(), Class: a.ClassLabel(),
		EffectiveOn: dates.Show(a.EffectiveOn), Before: a.BeforeCents, After: a.AfterCents,
		Justification: a.Justification, NewLabel: "Approved", Generated: ten.Local(s.now())}
	if a.Status == StatusRecorded {
		d.NewLabel = "Recorded"
	}
	// The funder by its full name, and the fiscal year on its calendar.
	funder, err := s.orgs.Organisation(ctx, a.FunderID)
	if err != nil {
		return DocumentData{}, err
	}
	d.Funder = funder.Name
	if funder.ShortName != "" && funder.ShortName != funder.Name {
		d.Funder += " (" + funder.ShortName + ")"
	}
	k, _ := programs.Known(ten, funder)
	if a.FiscalYear != 0 {
		d.FiscalYear = tenants.FiscalYearLabel(a.FiscalYear, programs.StartMonth(ten, k.Calendar))
	}
	// The rule behind the class, when the lines as approved still give that class.
	r, err := s.rulesOf(ctx, a.FunderID)
	if err != nil {
		return DocumentData{}, err
	}
	if c := Classify(a.Lines, r, 0); c.Class == a.Class {
		d.Rule = c.Rule
	} else {
		d.Rule = classRule(a.Class)
	}
	for _, l := range a.Lines {
		d.Lines = append(d.Lines, DocumentLine{Category: l.Category, Current: l.CurrentCents, Approved: l.ProposedCents,
			Justification: l.Justification, New: l.IsNew()})
	}
	decisions, err := s.decisionsOf(ctx, a.ID)
	if err != nil {
		return DocumentData{}, err
	}
	for _, dc := range decisions {
		d.Decisions = append(d.Decisions, DocumentDecision{Version: dc.Version, Step: dc.StepName, Decision: dc.Label(),
			Decider: dc.DeciderName, Date: ten.Local(dc.DecidedAt).Format("01/02/2006"), Comment: dc.Comment})
	}
	return d, nil
}

// decisionsOf lists an amendment's decisions, every version's, in order, with the deciders'
// names.
func (s *Service) decisionsOf(ctx context.Context, id string) ([]Decision, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []Decision
	err = t.Select(&list).ColumnExpr("?TableColumns").ColumnExpr("COALESCE(NULLIF(u.name, ''), u.email, '') AS decider_name").
		Join("LEFT JOIN users AS u ON u.id = ad.decided_by").
		Where("ad.amendment_id = ?", id).OrderExpr("ad.version, ad.step, ad.decided_at").Scan(ctx)
	return list, err
}

// classRule is the rule behind a class in general, when the figures no longer show it.
func classRule(class string) string {
	switch class {
	case ClassNotice:
		return "It moves money between existing lines within the notice limit: the funder is told and no approval is needed (89 Ill. Adm. Code 1400.240)."
	case ClassApproval:
		return "It needs the funder's prior approval: a new line item, or transfers above the notice limit or the cumulative limit (2 CFR 200.308, 89 Ill. Adm. Code 1400.240)."
	case ClassTotal:
		return "It changes the funding's total, so it goes through every step of the funder's process."
	}
	return ""
}
