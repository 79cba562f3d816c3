package programs

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/tenants"
)

// Limits on what the forms take.
const (
	maxName      = 200
	maxShortName = 40
	maxSiteName  = 120
	// MaxLines is how many budget lines one funding has at most.
	MaxLines = 30
	// Fiscal years offered and accepted: a few past ones (to record what is running) and the
	// next two (to budget ahead).
	yearsBack, yearsAhead = 3, 2
)

// Service is the rules for funders, programs, sites, fundings and consultant agencies: it
// checks input, writes in one transaction with its audit event, and never writes part of a
// bad form.
type Service struct {
	db      *bun.DB
	store   *Store
	tenants *tenants.Store
	audit   *audit.Log
	now     func() time.Time
}

// NewService returns the service.
func NewService(db *bun.DB, ten *tenants.Store, log *audit.Log) *Service {
	return &Service{db: db, store: NewStore(db, ten), tenants: ten, audit: log, now: database.Now}
}

// Store returns the store.
func (s *Service) Store() *Store { return s.store }

// Tenant returns the tenant of ctx.
func (s *Service) Tenant(ctx context.Context) (*tenants.Tenant, error) {
	return s.tenants.RequestTenant(ctx)
}

// OrgInput is what the funder and consultant agency forms send.
type OrgInput struct {
	Name, ShortName string
}

func checkName(fields map[string]string, field, name, what string) string {
	name = strings.Join(strings.Fields(name), " ")
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		fields[field] = "Enter the " + what + "’s name."
	case n > maxName:
		fields[field] = fmt.Sprintf("Use at most %d characters (this is %d).", maxName, n)
	}
	return name
}

func checkShortName(fields map[string]string, short string) string {
	short = strings.Join(strings.Fields(short), " ")
	if n := utf8.RuneCountInString(short); n > maxShortName {
		fields["short_name"] = fmt.Sprintf("Use at most %d characters (this is %d).", maxShortName, n)
	}
	return short
}

// conflictOnName turns a name clash into a message on the name field.
func conflictOnName(err error) error {
	if apperr.Code(err) == apperr.ECONFLICT && apperr.FieldsOf(err) == nil {
		return &apperr.Error{Code: apperr.ECONFLICT, Message: apperr.Message(err),
			Fields: map[string]string{"name": apperr.Message(err) + " Choose another name."}}
	}
	return err
}

var orgWord = map[string]string{tenants.OrgFunder: "funder", tenants.OrgProgram: "program", tenants.OrgConsultantAgency: "agency"}

// createOrg adds a funder or a consultant agency.
func (s *Service) createOrg(ctx context.Context, kind string, in OrgInput) (*tenants.Organisation, error) {
	fields := map[string]string{}
	o := &tenants.Organisation{Kind: kind, Name: checkName(fields, "name", in.Name, orgWord[kind]), ShortName: checkShortName(fields, in.ShortName)}
	if len(fields) > 0 {
		return nil, apperr.Invalid(fields)
	}
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		if err := s.tenants.CreateOrganisation(ctx, o); err != nil {
			return conflictOnName(err)
		}
		return s.audit.Record(ctx, orgWord[kind]+".create", "organisation", o.ID, o.Name)
	})
	return o, err
}

// updateOrg renames a funder or a consultant agency.
func (s *Service) updateOrg(ctx context.Context, kind, id string, in OrgInput) (*tenants.Organisation, error) {
	o, err := s.store.Organisation(ctx, kind, id)
	if err != nil {
		return nil, err
	}
	fields := map[string]string{}
	o.Name, o.ShortName = checkName(fields, "name", in.Name, orgWord[kind]), checkShortName(fields, in.ShortName)
	if len(fields) > 0 {
		return nil, apperr.Invalid(fields)
	}
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		if err := s.tenants.UpdateOrganisation(ctx, o); err != nil {
			return conflictOnName(err)
		}
		return s.audit.Record(ctx, orgWord[kind]+".update", "organisation", o.ID, o.Name)
	})
	return o, err
}

// CreateFunder adds a funder. Errors: EINVALID; ECONFLICT (on the name field).
func (s *Service) CreateFunder(ctx context.Context, in OrgInput) (*tenants.Organisation, error) {
	return s.createOrg(ctx, tenants.OrgFunder, in)
}

// UpdateFunder changes a funder's names. Errors: ENOTFOUND; EINVALID; ECONFLICT.
func (s *Service) UpdateFunder(ctx context.Context, id string, in OrgInput) (*tenants.Organisation, error) {
	return s.updateOrg(ctx, tenants.OrgFunder, id, in)
}

// CreateAgency adds a consultant agency. Errors: EINVALID; ECONFLICT.
func (s *Service) CreateAgency(ctx context.Context, in OrgInput) (*tenants.Organisation, error) {
	return s.createOrg(ctx, tenants.OrgConsultantAgency, in)
}

// UpdateAgency changes a consultant agency's names. Errors: ENOTFOUND; EINVALID; ECONFLICT.
func (s *Service) UpdateAgency(ctx context.Context, id string, in OrgInput) (*tenants.Organisation, error) {
	return s.updateOrg(ctx, tenants.OrgConsultantAgency, id, in)
}

// MissingUsualFunders lists the usual funders of the tenant's state that it has not added yet
// (matched by name or short name).
func (s *Service) MissingUsualFunders(ctx context.Context, t *tenants.Tenant) ([]KnownFunder, error) {
	have, err := s.store.Organisations(ctx, tenants.OrgFunder)
	if err != nil {
		return nil, err
	}
	var missing []KnownFunder
	for _, k := range UsualFunders(t) {
		found := false
		for i := range have {
			if sameFunder(k, &have[i]) {
				found = true
				break
			}
		}
		if !found {
			missing = append(missing, k)
		}
	}
	return missing, nil
}

// AddUsualFunders adds the usual funders of the tenant's state that are missing, and returns
// their names. Running it again adds nothing.
func (s *Service) AddUsualFunders(ctx context.Context) ([]string, error) {
	var added []string
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := s.Tenant(ctx)
		if err != nil {
			return err
		}
		missing, err := s.MissingUsualFunders(ctx, t)
		if err != nil {
			return err
		}
		for _, k := range missing {
			o := &tenants.Organisation{Kind: tenants.OrgFunder, Name: k.Name, ShortName: k.Short}
			if err := s.tenants.CreateOrganisation(ctx, o); err != nil {
				return err
			}
			if err := s.audit.Record(ctx, "funder.create", "organisation", o.ID, o.Name+" ("+OfferFor(t).Added+")"); err != nil {
				return err
			}
			added = append(added, o.Name)
		}
		return nil
	})
	return added, err
}

// ProgramInput is what the program form sends.
type ProgramInput struct {
	Name, ShortName, Kind, County string
	Languages                     []string
}

// CountyChoices are the counties a program can be in: the tenant's counties served, else its
// state's built-in list (nil: any county may be typed).
func CountyChoices(t *tenants.Tenant) []string {
	if len(t.Counties) > 0 {
		return t.Counties
	}
	return tenants.BuiltinCounties(t.State)
}

// LanguageChoices are the languages a program can offer: the tenant's, else the built-in list.
func LanguageChoices(t *tenants.Tenant) []string {
	if len(t.Languages) > 0 {
		return t.Languages
	}
	return tenants.Languages
}

func isProgramKind(k string) bool {
	for _, v := range tenants.ProgramKinds {
		if v.Value == k {
			return true
		}
	}
	return false
}

func inList(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// ProgramCountyChoices are the counties program p (nil for a new one) can be in: its own county
// stays a choice when the tenant no longer lists it. Nil: the county is typed.
func ProgramCountyChoices(t *tenants.Tenant, p *tenants.Organisation) []string {
	list := CountyChoices(t)
	if list != nil && p != nil && p.County != "" && !inList(list, p.County) {
		list = append([]string{p.County}, list...)
	}
	return list
}

// ProgramLanguageChoices are the languages program p (nil for a new one) can offer: its own
// stay choices when the tenant no longer lists them.
func ProgramLanguageChoices(t *tenants.Tenant, p *tenants.Organisation) []string {
	list := LanguageChoices(t)
	if p != nil {
		for _, l := range p.Languages {
			if !inList(list, l) {
				list = append(append([]string(nil), list...), l)
			}
		}
	}
	return list
}

// checkProgram validates a program's fields into o (a new program, or the stored one).
func checkProgram(t *tenants.Tenant, o *tenants.Organisation, in ProgramInput) map[string]string {
	var existing *tenants.Organisation
	if o.ID != "" {
		was := *o
		existing = &was
	}
	fields := map[string]string{}
	o.Name = checkName(fields, "name", in.Name, "program")
	o.ShortName = checkShortName(fields, in.ShortName)
	o.ProgramKind = strings.TrimSpace(in.Kind)
	if !isProgramKind(o.ProgramKind) {
		fields["program_kind"] = "Choose the kind of program from the list."
	}
	o.County = strings.Join(strings.Fields(in.County), " ")
	if choices := ProgramCountyChoices(t, existing); choices != nil {
		if !inList(choices, o.County) {
			fields["county"] = "Choose the program’s county from the list."
		}
	} else if o.County == "" {
		fields["county"] = "Enter the program’s county."
	} else if utf8.RuneCountInString(o.County) > 60 {
		fields["county"] = "Use at most 60 characters."
	}
	o.Languages = nil
	choices := ProgramLanguageChoices(t, existing)
	for _, l := range choices {
		if inList(in.Languages, l) {
			o.Languages = append(o.Languages, l)
		}
	}
	for _, l := range in.Languages {
		if !inList(choices, l) {
			fields["languages"] = "Choose languages from the list (they come from your agency settings)."
		}
	}
	return fields
}

// CreateProgram adds a program. Errors: EINVALID; ECONFLICT (on the name field).
func (s *Service) CreateProgram(ctx context.Context, in ProgramInput) (*tenants.Organisation, error) {
	t, err := s.Tenant(ctx)
	if err != nil {
		return nil, err
	}
	o := &tenants.Organisation{Kind: tenants.OrgProgram}
	if fields := checkProgram(t, o, in); len(fields) > 0 {
		return nil, apperr.Invalid(fields)
	}
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		if err := s.tenants.CreateOrganisation(ctx, o); err != nil {
			return conflictOnName(err)
		}
		return s.audit.Record(ctx, "program.create", "organisation", o.ID, o.Name+" ("+o.ProgramKindLabel()+", "+o.County+")")
	})
	return o, err
}

// UpdateProgram changes a program. Errors: ENOTFOUND; EINVALID; ECONFLICT.
func (s *Service) UpdateProgram(ctx context.Context, id string, in ProgramInput) (*tenants.Organisation, error) {
	o, err := s.store.Organisation(ctx, tenants.OrgProgram, id)
	if err != nil {
		return nil, err
	}
	t, err := s.Tenant(ctx)
	if err != nil {
		return nil, err
	}
	if fields := checkProgram(t, o, in); len(fields) > 0 {
		return nil, apperr.Invalid(fields)
	}
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		if err := s.tenants.UpdateOrganisation(ctx, o); err != nil {
			return conflictOnName(err)
		}
		return s.audit.Record(ctx, "program.update", "organisation", o.ID, o.Name+" ("+o.ProgramKindLabel()+", "+o.County+")")
	})
	return o, err
}

// SiteInput is what the add-a-site form sends.
type SiteInput struct {
	Name, Kind string
}

// AddSite adds a site or classroom to a program. Errors: ENOTFOUND (the program); EINVALID;
// ECONFLICT (on the site_name field).
func (s *Service) AddSite(ctx context.Context, programID string, in SiteInput) (*Site, error) {
	p, err := s.store.Organisation(ctx, tenants.OrgProgram, programID)
	if err != nil {
		return nil, err
	}
	fields := map[string]string{}
	site := &Site{ProgramID: p.ID, Name: strings.Join(strings.Fields(in.Name), " "), Kind: in.Kind}
	switch n := utf8.RuneCountInString(site.Name); {
	case n == 0:
		fields["site_name"] = "Enter the name of the site or classroom."
	case n > maxSiteName:
		fields["site_name"] = fmt.Sprintf("Use at most %d characters (this is %d).", maxSiteName, n)
	}
	if site.Kind != SiteKindSite && site.Kind != SiteKindClassroom {
		fields["site_kind"] = "Choose site or classroom."
	}
	if len(fields) > 0 {
		return nil, apperr.Invalid(fields)
	}
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		if err := s.store.InsertSite(ctx, site); err != nil {
			return err
		}
		return s.audit.Record(ctx, "site.create", "program_site", site.ID, p.Name+": "+site.Name)
	})
	return site, err
}

// RemoveSite removes a program's site. Errors: ENOTFOUND.
func (s *Service) RemoveSite(ctx context.Context, programID, siteID string) (*Site, error) {
	p, err := s.store.Organisation(ctx, tenants.OrgProgram, programID)
	if err != nil {
		return nil, err
	}
	var site *Site
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		if site, err = s.store.DeleteSite(ctx, p.ID, siteID); err != nil {
			return err
		}
		return s.audit.Record(ctx, "site.delete", "program_site", site.ID, p.Name+": "+site.Name)
	})
	return site, err
}

// LineInput is one budget line as typed.
type LineInput struct {
	Category, Amount string
}

// FundingInput is what the funding form sends. FunderID and FiscalYear are read only when a
// funding is added; both stay as they are on an edit.
type FundingInput struct {
	FunderID, FiscalYear string
	IECMHCFunded         bool
	Lines                []LineInput // by row: row i's fields are line_category_i, line_amount_i
}

// FiscalYears are the fiscal years a funding can be for, on a calendar of tenant t: the
// current one, yearsBack before it and yearsAhead after.
func FiscalYears(t *tenants.Tenant, calendar string, now time.Time) []int {
	start := StartMonth(t, calendar)
	cur := tenants.FiscalYear(t.Local(now), start)
	var out []int
	for y := cur + yearsAhead; y >= cur-yearsBack; y-- {
		out = append(out, y)
	}
	return out
}

// checkLines validates the budget lines; rows left wholly blank are skipped. A category is on
// one line only, and the budget is more than $0 (a line at $0 is not kept).
func checkLines(fields map[string]string, in []LineInput) []VersionLine {
	var lines []VersionLine
	if len(in) > MaxLines {
		fields["lines"] = fmt.Sprintf("A funding has at most %d budget lines.", MaxLines)
		in = in[:MaxLines]
	}
	rowOf := map[string]int{}
	var total money.Cents
	for i, l := range in {
		cat, amount := strings.TrimSpace(l.Category), strings.TrimSpace(l.Amount)
		if cat == "" && amount == "" {
			continue
		}
		catField, amountField := fmt.Sprintf("line_category_%d", i), fmt.Sprintf("line_amount_%d", i)
		if !IsBudgetCategory(cat) {
			fields[catField] = "Choose the category of this line from the list."
		} else if prev, dup := rowOf[cat]; dup {
			fields[catField] = fmt.Sprintf("%s is line %d already: put its whole amount on one line.", cat, prev+1)
		} else {
			rowOf[cat] = i
		}
		cents, err := money.Parse(amount)
		if err != nil {
			fields[amountField] = err.Error()
		}
		total += cents
		lines = append(lines, VersionLine{Category: cat, AmountCents: cents})
	}
	switch {
	case len(lines) == 0:
		fields["lines"] = "Add at least one budget line: a category and its amount."
	case total == 0 && len(fields) == 0:
		fields["lines"] = "Enter the amount of at least one line: a budget of $0.00 is no budget."
	}
	return lines
}

// AddFunding records that a funder funds a program for a fiscal year, with its budget lines.
//
// Errors: ENOTFOUND (the program); EINVALID naming each bad field (the funder, the fiscal
// year, each line's category and amount); ECONFLICT when the program already has a funding
// from that funder for that year (on the fiscal_year field).
func (s *Service) AddFunding(ctx context.Context, programID string, in FundingInput) (*Funding, error) {
	p, err := s.store.Organisation(ctx, tenants.OrgProgram, programID)
	if err != nil {
		return nil, err
	}
	t, err := s.Tenant(ctx)
	if err != nil {
		return nil, err
	}
	fields := map[string]string{}
	funder, ferr := s.store.Organisation(ctx, tenants.OrgFunder, strings.TrimSpace(in.FunderID))
	calendar := CalendarState
	if ferr != nil {
		if apperr.Code(ferr) != apperr.ENOTFOUND {
			return nil, ferr
		}
		fields["funder_id"] = "Choose a funder from the list."
	} else {
		k, _ := Known(t, funder)
		calendar = k.Calendar
	}
	fy, err := strconv.Atoi(strings.TrimSpace(in.FiscalYear))
	years := FiscalYears(t, calendar, s.now())
	if err != nil || !inYears(years, fy) {
		fields["fiscal_year"] = fmt.Sprintf("Choose a fiscal year from %s to %s.",
			tenants.FiscalYearLabel(years[len(years)-1], StartMonth(t, calendar)), tenants.FiscalYearLabel(years[0], StartMonth(t, calendar)))
	}
	lines := checkLines(fields, in.Lines)
	if len(fields) > 0 {
		return nil, apperr.Invalid(fields)
	}
	f := &Funding{ProgramID: p.ID, FunderID: funder.ID, FiscalYear: fy, IECMHCFunded: in.IECMHCFunded,
		FunderName: funder.Name, FunderShort: funder.ShortName, ProgramName: p.Name}
	f.FYLabel = tenants.FiscalYearLabel(fy, StartMonth(t, calendar))
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		if err := s.store.InsertFunding(ctx, f); err != nil {
			return err
		}
		// Version 1, effective from the first day of the fiscal year it budgets.
		v, saved, _, err := s.apply(ctx, BudgetChange{FundingID: f.ID, Lines: lines, EffectiveOn: fiscalYearStart(t, f), Reason: ReasonSetUp}, false)
		if err != nil {
			return err
		}
		f.Lines, f.UpdatedAt = saved.Lines, saved.UpdatedAt
		return s.audit.Record(ctx, "funding.create", "funding", f.ID, fundingDetail(p, funder.Name, f)+fmt.Sprintf("; budget version %d", v.Number))
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

func inYears(years []int, y int) bool {
	for _, v := range years {
		if v == y {
			return true
		}
	}
	return false
}

func fundingDetail(p *tenants.Organisation, funder string, f *Funding) string {
	iecmhc := "I/ECMHC not yet funded"
	if f.IECMHCFunded {
		iecmhc = "I/ECMHC funded"
	}
	return fmt.Sprintf("%s from %s, %s: %d lines, %s; %s", p.Name, funder, f.FYLabel, len(f.Lines), f.TotalLabel(), iecmhc)
}

// UpdateFunding changes a funding's budget lines and whether I/ECMHC is funded in it. Changed
// lines make the funding's next budget version ("Edited directly", effective today, or on the
// first day of the fiscal year when that is still to come), in the same transaction; lines as
// they were make none.
//
// Errors: ENOTFOUND (the program or the funding); EINVALID naming each bad line field;
// ECONFLICT (on the lines field, HeldMessage) when the lines change while an amendment of the
// budget waits for a decision.
func (s *Service) UpdateFunding(ctx context.Context, programID, fundingID string, in FundingInput) (*Funding, error) {
	p, err := s.store.Organisation(ctx, tenants.OrgProgram, programID)
	if err != nil {
		return nil, err
	}
	f, err := s.store.Funding(ctx, p.ID, fundingID)
	if err != nil {
		return nil, err
	}
	t, err := s.Tenant(ctx)
	if err != nil {
		return nil, err
	}
	fields := map[string]string{}
	lines := checkLines(fields, in.Lines)
	if len(fields) > 0 {
		return nil, apperr.Invalid(fields)
	}
	kept := make([]VersionLine, 0, len(lines))
	for _, l := range lines {
		if l.AmountCents > 0 {
			kept = append(kept, l)
		}
	}
	changed := !sameLines(kept, f.VersionLines())
	if changed && f.HeldBy != "" {
		return nil, heldError()
	}
	s.Label(t, f)
	effective := max(s.today(t), fiscalYearStart(t, f))
	f.IECMHCFunded = in.IECMHCFunded
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		detail := ""
		if changed {
			v, saved, _, err := s.apply(ctx, BudgetChange{FundingID: f.ID, Lines: kept, EffectiveOn: effective, Reason: ReasonEdited}, true)
			if err != nil {
				return err
			}
			f.Lines = saved.Lines
			detail = fmt.Sprintf("; budget version %d", v.Number)
		}
		if err := s.store.SetIECMHC(ctx, f); err != nil {
			return err
		}
		return s.audit.Record(ctx, "funding.update", "funding", f.ID, fundingDetail(p, f.FunderName, f)+detail)
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Label sets the funding's fiscal year label, on its funder's calendar.
func (s *Service) Label(t *tenants.Tenant, f *Funding) {
	k, _ := Known(t, &tenants.Organisation{Name: f.FunderName, ShortName: f.FunderShort})
	f.FYLabel = tenants.FiscalYearLabel(f.FiscalYear, StartMonth(t, k.Calendar))
}
