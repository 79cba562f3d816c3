package consultation

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/dates"
	"github.com/holdspace/holdspace/app/tenants"
)

// Pre/post assessments of an engagement. Who sees them follows Visible, except funders, who
// see counts and stages only and find none of this. The consultant holding the engagement and
// tenant admins record them; a consultant may change or delete one for EditableDays after
// recording it, a tenant admin at any time.

// engagementForRecords loads an engagement the person in ctx may see (Visible), with its
// program's, consultant's and site's names; funders and anyone outside the rule get ENOTFOUND.
func engagementForRecords(ctx context.Context, db *bun.DB, id string) (*Engagement, error) {
	sc, t, err := database.Scoped(ctx, db)
	if err != nil {
		return nil, err
	}
	if !database.IsID(id) || sc.Role == authz.Funder {
		return nil, apperr.NotFound("engagement")
	}
	e := new(Engagement)
	q := t.Select(e).ColumnExpr("e.*").Apply(engagementNames).Where("e.id = ?", id)
	if err := Visible(q, sc, "e").Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, apperr.NotFound("engagement")
		}
		return nil, err
	}
	return e, nil
}

// engagementNames adds the program's, consultant's and site's names to a query on e.
func engagementNames(q *bun.SelectQuery) *bun.SelectQuery {
	return q.ColumnExpr("o.name AS program_name, COALESCE(cp.display_name, '') AS consultant_name, COALESCE(cp.user_id, '') AS consultant_user, COALESCE(ps.name, '') AS site_name").
		Join("JOIN organisations AS o ON o.tenant_id = e.tenant_id AND o.id = e.program_id").
		Join("LEFT JOIN consultant_profiles AS cp ON cp.tenant_id = e.tenant_id AND cp.id = e.profile_id").
		Join("LEFT JOIN program_sites AS ps ON ps.tenant_id = e.tenant_id AND ps.id = e.site_id")
}

// canWriteRecords reports whether the person may write an engagement's assessments and plan:
// the consultant holding it (Visible already narrowed a consultant to their own) and admins.
func canWriteRecords(sc database.Scope) bool {
	return sc.Role == authz.Consultant || sc.Role == authz.TenantAdmin
}

// recordsFocusText is the engagement's focus in words, for the person in sc (funders never see a
// child/family focus's initials or age band).
func recordsFocusText(e *Engagement, sc database.Scope) string {
	switch e.Focus {
	case FocusSite:
		if e.SiteName != "" {
			return e.SiteName
		}
		return "A site or classroom"
	case FocusStaffGroup:
		if e.FocusLabel != "" {
			return "Staff group: " + e.FocusLabel
		}
		return "A staff group"
	case FocusChildFamily:
		if SeesFocusDetails(sc) && e.ChildInitials != "" {
			return "Child and family " + e.ChildInitials + ", " + e.ChildAgeBand
		}
		return "A child and family"
	}
	return "The whole program"
}

// recordsToday is today's date in the tenant's time zone.
func recordsToday(ctx context.Context, db *bun.DB, now time.Time) (string, error) {
	t, err := tenants.NewStore(db).RequestTenant(ctx)
	if err != nil {
		return "", err
	}
	return t.Local(now).Format(time.DateOnly), nil
}

// Assessments records and compares pre/post assessments.
type Assessments struct {
	db          *bun.DB
	audit       *audit.Log
	instruments *Instruments
}

// NewAssessments returns the assessments service.
func NewAssessments(db *bun.DB, log *audit.Log, ins *Instruments) *Assessments {
	return &Assessments{db: db, audit: log, instruments: ins}
}

// Instruments returns the instruments service.
func (s *Assessments) Instruments() *Instruments { return s.instruments }

// Engagement loads an engagement the person in ctx may see, or ENOTFOUND (funders find none).
func (s *Assessments) Engagement(ctx context.Context, id string) (*Engagement, error) {
	return engagementForRecords(ctx, s.db, id)
}

// AssessmentInput is the assessment form as typed: Scores maps a subscale id to its score.
type AssessmentInput struct {
	InstrumentID   string
	Phase          string
	AdministeredOn string
	Scores         map[string]string
}

// ScoreField is the form field of a subscale's score.
func ScoreField(subscaleID string) string { return "score_" + subscaleID }

// ValidateAssessment checks the form against the instrument and today (YYYY-MM-DD, the
// tenant's), and returns the scores in hundredths by subscale id. Errors: EINVALID naming each
// bad field.
func ValidateAssessment(in AssessmentInput, ins *Instrument, today string) (map[string]int64, error) {
	bad := map[string]string{}
	if ins == nil {
		bad["instrument_id"] = "Choose the instrument."
	}
	if in.Phase != PhasePre && in.Phase != PhasePost {
		bad["phase"] = "Choose pre-assessment or post-assessment."
	}
	on, isDate := dates.ISO(in.AdministeredOn)
	if !isDate {
		bad["administered_on"] = dates.Message("the date it was given")
	} else if on > today {
		bad["administered_on"] = "The date cannot be in the future."
	}
	scores := map[string]int64{}
	if ins != nil {
		for _, sub := range ins.Subscales {
			typed := strings.TrimSpace(in.Scores[sub.ID])
			v, ok := ParseScore(typed)
			switch {
			case typed == "":
				bad[ScoreField(sub.ID)] = "Enter the " + sub.Name + " score."
			case !ok:
				bad[ScoreField(sub.ID)] = "Enter the " + sub.Name + " score as a number, with at most two decimals."
			case v < sub.MinHundredths || v > sub.MaxHundredths:
				bad[ScoreField(sub.ID)] = "The " + sub.Name + " score must be from " + sub.Range() + "."
			default:
				scores[sub.ID] = v
			}
		}
	}
	if len(bad) > 0 {
		return nil, apperr.Invalid(bad)
	}
	return scores, nil
}

// checkPostAfterPre names the date when a post-assessment would come before the instrument's
// first pre-assessment in the engagement (or a pre after its last post).
func (s *Assessments) checkOrder(ctx context.Context, a *Assessment, except string) error {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return err
	}
	var others []Assessment
	q := t.Select(&others).Where("asm.engagement_id = ? AND asm.instrument_id = ?", a.EngagementID, a.InstrumentID)
	if except != "" {
		q = q.Where("asm.id <> ?", except)
	}
	if err := q.Scan(ctx); err != nil {
		return err
	}
	for _, o := range others {
		if a.Phase == PhasePost && o.Phase == PhasePre && a.AdministeredOn < o.AdministeredOn {
			return apperr.Invalid(map[string]string{"administered_on": "A post-assessment cannot come before the pre-assessment of " + o.AdministeredOn + "."})
		}
		if a.Phase == PhasePre && o.Phase == PhasePost && a.AdministeredOn > o.AdministeredOn {
			return apperr.Invalid(map[string]string{"administered_on": "A pre-assessment cannot come after the post-assessment of " + o.AdministeredOn + "."})
		}
	}
	return nil
}

// Create records an administration in an engagement. Errors: ENOTFOUND for an engagement the
// person may not see; EFORBIDDEN for a role that may not record; EINVALID naming each bad field
// (nothing is written).
func (s *Assessments) Create(ctx context.Context, engagementID string, in AssessmentInput, now time.Time) (*Assessment, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	e, err := engagementForRecords(ctx, s.db, engagementID)
	if err != nil {
		return nil, err
	}
	if !canWriteRecords(sc) {
		return nil, apperr.Errorf(apperr.EFORBIDDEN, "Only the engagement's consultant records its assessments.")
	}
	ins, err := s.instrumentOrNil(ctx, in.InstrumentID)
	if err != nil {
		return nil, err
	}
	today, err := recordsToday(ctx, s.db, now)
	if err != nil {
		return nil, err
	}
	scores, err := ValidateAssessment(in, ins, today)
	if err != nil {
		return nil, err
	}
	a := &Assessment{ID: database.NewID(), EngagementID: e.ID, InstrumentID: ins.ID, Phase: in.Phase,
		AdministeredOn: dates.Normalize(in.AdministeredOn), AdministeredBy: sc.UserID, CreatedAt: database.Now(), Scores: scores}
	a.UpdatedAt = a.CreatedAt
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		if err := s.checkOrder(ctx, a, ""); err != nil {
			return err
		}
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		if _, err := t.Insert(a).Exec(ctx); err != nil {
			return err
		}
		if err := s.insertScores(ctx, t, a); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, "assessment.create", "assessment", a.ID,
			phaseWords(a.Phase)+" "+ins.ShortName+" of "+a.AdministeredOn+", "+e.ProgramName); err != nil {
			return err
		}
		// The assessment is the stage: the pre-assessment completes the pre-assessment stage
		// (on to the discussion of findings), the post-assessment reaches its stage.
		to := StageFindings
		if a.Phase == PhasePost {
			to = StagePostAssessment
		}
		return followRecord(ctx, s.db, s.audit, now, e.ID, to, a.AdministeredOn,
			phaseWords(a.Phase)+" recorded ("+ins.ShortName+" of "+a.AdministeredOn+")")
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

func (s *Assessments) insertScores(ctx context.Context, t database.Tenant, a *Assessment) error {
	rows := make([]*Score, 0, len(a.Scores))
	for id, v := range a.Scores {
		rows = append(rows, &Score{AssessmentID: a.ID, SubscaleID: id, ScoreHundredths: v})
	}
	if len(rows) == 0 {
		return nil
	}
	_, err := database.InsertMany(t, rows).Exec(ctx)
	return err
}

func (s *Assessments) instrumentOrNil(ctx context.Context, id string) (*Instrument, error) {
	if id == "" {
		return nil, nil
	}
	ins, err := s.instruments.ByID(ctx, id)
	if apperr.Code(err) == apperr.ENOTFOUND {
		return nil, nil
	}
	return ins, err
}

// AssessmentView is one administration with its engagement and instrument, as the person in
// ctx may see it.
type AssessmentView struct {
	Assessment *Assessment
	Engagement *Engagement
	Instrument *Instrument
	Editable   bool
}

// ByID loads an assessment the person in ctx may see, with its scores. Errors: ENOTFOUND.
func (s *Assessments) ByID(ctx context.Context, id string, now time.Time) (*AssessmentView, error) {
	sc, t, err := database.Scoped(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if !database.IsID(id) {
		return nil, apperr.NotFound("assessment")
	}
	a := new(Assessment)
	if err := t.Select(a).Where("asm.id = ?", id).Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, apperr.NotFound("assessment")
		}
		return nil, err
	}
	e, err := engagementForRecords(ctx, s.db, a.EngagementID)
	if apperr.Code(err) == apperr.ENOTFOUND {
		return nil, apperr.NotFound("assessment")
	} else if err != nil {
		return nil, err
	}
	ins, err := s.instruments.ByID(ctx, a.InstrumentID)
	if err != nil {
		return nil, err
	}
	if err := s.loadScores(ctx, []*Assessment{a}); err != nil {
		return nil, err
	}
	v := &AssessmentView{Assessment: a, Engagement: e, Instrument: ins}
	v.Editable = sc.Role == authz.TenantAdmin ||
		sc.Role == authz.Consultant && now.Before(a.CreatedAt.Add(EditableDays*24*time.Hour))
	return v, nil
}

func (s *Assessments) loadScores(ctx context.Context, list []*Assessment) error {
	if len(list) == 0 {
		return nil
	}
	t, err := database.For(ctx, s.db)
	if err != nil {
		return err
	}
	ids := make([]string, len(list))
	by := map[string]*Assessment{}
	for i, a := range list {
		ids[i] = a.ID
		a.Scores = map[string]int64{}
		by[a.ID] = a
	}
	var rows []Score
	if err := t.Select(&rows).Where("sc.assessment_id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return err
	}
	for _, r := range rows {
		by[r.AssessmentID].Scores[r.SubscaleID] = r.ScoreHundredths
	}
	return nil
}

// editable loads an assessment the person may change now. Errors: ENOTFOUND; EFORBIDDEN for
// readers and for a consultant past EditableDays.
func (s *Assessments) editable(ctx context.Context, id string, now time.Time) (*AssessmentView, error) {
	v, err := s.ByID(ctx, id, now)
	if err != nil {
		return nil, err
	}
	sc, _ := database.ScopeFrom(ctx)
	if !canWriteRecords(sc) {
		return nil, apperr.Errorf(apperr.EFORBIDDEN, "Only the engagement's consultant changes its assessments.")
	}
	if !v.Editable {
		return nil, apperr.Errorf(apperr.EFORBIDDEN, "An assessment can be changed for 14 days after it was recorded; ask a tenant admin to correct it.")
	}
	return v, nil
}

// Update changes an administration's phase, date and scores (its instrument stays).
// Errors: as Create, and EFORBIDDEN once it is no longer editable.
func (s *Assessments) Update(ctx context.Context, id string, in AssessmentInput, now time.Time) (*Assessment, error) {
	v, err := s.editable(ctx, id, now)
	if err != nil {
		return nil, err
	}
	today, err := recordsToday(ctx, s.db, now)
	if err != nil {
		return nil, err
	}
	in.InstrumentID = v.Instrument.ID
	scores, err := ValidateAssessment(in, v.Instrument, today)
	if err != nil {
		return nil, err
	}
	a := v.Assessment
	a.Phase, a.AdministeredOn, a.Scores, a.UpdatedAt = in.Phase, dates.Normalize(in.AdministeredOn), scores, database.Now()
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		if err := s.checkOrder(ctx, a, a.ID); err != nil {
			return err
		}
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		if _, err := t.Update(a).Column("phase", "administered_on", "updated_at").Where("asm.id = ?", a.ID).Exec(ctx); err != nil {
			return err
		}
		if _, err := t.Delete((*Score)(nil)).Where("sc.assessment_id = ?", a.ID).Exec(ctx); err != nil {
			return err
		}
		if err := s.insertScores(ctx, t, a); err != nil {
			return err
		}
		return s.audit.Record(ctx, "assessment.update", "assessment", a.ID,
			phaseWords(a.Phase)+" "+v.Instrument.ShortName+" of "+a.AdministeredOn+", "+v.Engagement.ProgramName)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Delete removes an administration and its scores. Errors: ENOTFOUND; EFORBIDDEN.
func (s *Assessments) Delete(ctx context.Context, id string, now time.Time) (*AssessmentView, error) {
	v, err := s.editable(ctx, id, now)
	if err != nil {
		return nil, err
	}
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		if _, err := t.Delete((*Score)(nil)).Where("sc.assessment_id = ?", v.Assessment.ID).Exec(ctx); err != nil {
			return err
		}
		if _, err := t.Delete((*Assessment)(nil)).Where("asm.id = ?", v.Assessment.ID).Exec(ctx); err != nil {
			return err
		}
		return s.audit.Record(ctx, "assessment.delete", "assessment", v.Assessment.ID,
			phaseWords(v.Assessment.Phase)+" "+v.Instrument.ShortName+" of "+v.Assessment.AdministeredOn+", "+v.Engagement.ProgramName)
	})
	return v, err
}

func phaseWords(p string) string {
	if p == PhasePost {
		return "Post-assessment"
	}
	return "Pre-assessment"
}

// PhaseLabel is the phase in words.
func (a *Assessment) PhaseLabel() string { return phaseWords(a.Phase) }

// Change directions of a subscale from pre to post.
const (
	ChangeBetter = "better"
	ChangeWorse  = "worse"
	ChangeSame   = "same"
)

// SubscaleChange is one subscale's pre score against its post score.
type SubscaleChange struct {
	Subscale  Subscale
	Pre, Post *int64
	Change    int64  // Post − Pre, in hundredths, when both are there
	Direction string // better, worse or same; "" without both scores
}

// PreText, PostText and ChangeText are the scores in words.
func (c SubscaleChange) PreText() string  { return scorePtrText(c.Pre) }
func (c SubscaleChange) PostText() string { return scorePtrText(c.Post) }

// ChangeText is the change with its sign ("+12.5", "-3", "0"), or "" without both scores.
func (c SubscaleChange) ChangeText() string {
	if c.Direction == "" {
		return ""
	}
	if c.Change > 0 {
		return "+" + ScoreText(c.Change)
	}
	return ScoreText(c.Change)
}

// DirectionWords says the change in plain words.
func (c SubscaleChange) DirectionWords() string {
	switch c.Direction {
	case ChangeBetter:
		return "Better"
	case ChangeWorse:
		return "Worse"
	case ChangeSame:
		return "No change"
	}
	return "Not yet compared"
}

func scorePtrText(v *int64) string {
	if v == nil {
		return "—"
	}
	return ScoreText(*v)
}

// CompareScores computes each subscale's change from pre to post, marked better or worse by
// the subscale's direction.
func CompareScores(subs []Subscale, pre, post *Assessment) []SubscaleChange {
	out := make([]SubscaleChange, len(subs))
	for i, sub := range subs {
		c := SubscaleChange{Subscale: sub}
		if pre != nil {
			if v, ok := pre.Scores[sub.ID]; ok {
				c.Pre = &v
			}
		}
		if post != nil {
			if v, ok := post.Scores[sub.ID]; ok {
				c.Post = &v
			}
		}
		if c.Pre != nil && c.Post != nil {
			c.Change = *c.Post - *c.Pre
			switch {
			case c.Change == 0:
				c.Direction = ChangeSame
			case (c.Change > 0) == sub.HigherIsBetter:
				c.Direction = ChangeBetter
			default:
				c.Direction = ChangeWorse
			}
		}
		out[i] = c
	}
	return out
}

// Comparison is one instrument of an engagement: its first pre-assessment against its latest
// post-assessment.
type Comparison struct {
	Instrument Instrument
	Pre, Post  *Assessment
	Rows       []SubscaleChange
	Better     int
	Worse      int
}

// AssessmentRow is an administration in the engagement's list.
type AssessmentRow struct {
	Assessment
	InstrumentShort string
}

// AssessmentsSection is the engagement's assessments, for the "consultation/_assessments"
// template: render it with {{template "consultation/_assessments" .}} given this value.
type AssessmentsSection struct {
	Slug         string
	EngagementID string
	Comparisons  []Comparison
	Assessments  []AssessmentRow
	CanWrite     bool
}

// Section returns an engagement's assessments as the person in ctx may see them, or nil (and
// no error) for a role that sees no assessments (funders). Errors: ENOTFOUND for an engagement
// outside Visible.
func (s *Assessments) Section(ctx context.Context, engagementID string) (*AssessmentsSection, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	if sc.Role == authz.Funder {
		return nil, nil
	}
	e, err := engagementForRecords(ctx, s.db, engagementID)
	if err != nil {
		return nil, err
	}
	return s.SectionOf(ctx, e)
}

// SectionOf is Section for an engagement the caller has already found through Visible (the
// engagement's page, its assessments page), without reading it again: nil for funders.
func (s *Assessments) SectionOf(ctx context.Context, e *Engagement) (*AssessmentsSection, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	if sc.Role == authz.Funder {
		return nil, nil
	}
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []Assessment
	if err := t.Select(&list).Where("asm.engagement_id = ?", e.ID).OrderExpr("asm.administered_on, asm.created_at").Scan(ctx); err != nil {
		return nil, err
	}
	ptrs := make([]*Assessment, len(list))
	for i := range list {
		ptrs[i] = &list[i]
	}
	if err := s.loadScores(ctx, ptrs); err != nil {
		return nil, err
	}
	d := &AssessmentsSection{Slug: sc.TenantSlug, EngagementID: e.ID, CanWrite: canWriteRecords(sc)}
	if len(list) == 0 {
		return d, nil
	}
	instruments, err := s.instruments.List(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]Instrument{}
	for _, ins := range instruments {
		byID[ins.ID] = ins
	}
	cmp := map[string]*Comparison{}
	var order []string
	for _, a := range ptrs {
		ins := byID[a.InstrumentID]
		d.Assessments = append(d.Assessments, AssessmentRow{Assessment: *a, InstrumentShort: ins.ShortName})
		c := cmp[a.InstrumentID]
		if c == nil {
			c = &Comparison{Instrument: ins}
			cmp[a.InstrumentID] = c
			order = append(order, a.InstrumentID)
		}
		switch a.Phase {
		case PhasePre:
			if c.Pre == nil {
				c.Pre = a // the first pre-assessment is the baseline
			}
		case PhasePost:
			c.Post = a // the latest post-assessment is the outcome
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return cmp[order[i]].Instrument.ShortName < cmp[order[j]].Instrument.ShortName })
	for _, id := range order {
		c := cmp[id]
		c.Rows = CompareScores(c.Instrument.Subscales, c.Pre, c.Post)
		for _, r := range c.Rows {
			switch r.Direction {
			case ChangeBetter:
				c.Better++
			case ChangeWorse:
				c.Worse++
			}
		}
		d.Comparisons = append(d.Comparisons, *c)
	}
	return d, nil
}
