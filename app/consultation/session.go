package consultation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/dates"
	"github.com/holdspace/holdspace/app/sealed"
	"github.com/holdspace/holdspace/app/tenants"
)

// Limits of a session record.
const (
	SessionMinMinutes   = 5
	SessionMaxMinutes   = 600
	SessionMaxNotes     = 20000
	SessionMaxSummary   = 2000
	SessionMaxText      = 500
	SessionMaxCount     = 500 // participants of one role
	SessionFormRows     = 3   // empty follow-up, referral and resource rows on the form
	SessionMaxRows      = 30  // follow-ups, referrals or resources one session holds
	SessionUnlockDays   = 7
	SessionPageSize     = 25
	sessionCSVBatchSize = 1000
)

// GoalStatusLabels are the goal statuses in words, for progress recorded at a session.
var GoalStatusLabels = []struct{ Value, Label string }{
	{GoalNotStarted, "Not started"},
	{GoalInProgress, "In progress"},
	{GoalMet, "Met"},
	{GoalNotMet, "Not met"},
}

// Sessions records and shows consultation sessions: the notes sealed, the engagement's dosage
// counters kept in the same transaction, every read of notes audited.
type Sessions struct {
	db      *bun.DB
	audit   *audit.Log
	keys    *sealed.Keyring
	tenants *tenants.Store
	// Now is the clock (tests fix it to check the 14-day lock).
	Now func() time.Time
}

// NewSessions returns the sessions service; keys seal the notes.
func NewSessions(db *bun.DB, log *audit.Log, keys *sealed.Keyring) *Sessions {
	return &Sessions{db: db, audit: log, keys: keys, tenants: tenants.NewStore(db), Now: time.Now}
}

// Choice is an option of a form list.
type Choice struct{ Value, Label string }

// Vocabulary is the tenant's lists for a session: services (built in and its own), topics
// (the seeded ones and its own), and its time zone.
type Vocabulary struct {
	TimeZone    string              `bun:"time_zone"`
	OwnTopics   database.StringList `bun:"session_topics,type:text"`
	OwnServices database.StringList `bun:"session_services,type:text"`
}

// Services is every service a session may record: the built-in ones, then the tenant's own
// (stored by their label).
func (v *Vocabulary) Services() []Choice {
	out := make([]Choice, 0, len(Services)+len(v.OwnServices))
	for _, s := range Services {
		out = append(out, Choice{s.Value, s.Label})
	}
	for _, s := range v.OwnServices {
		out = append(out, Choice{s, s})
	}
	return out
}

// Topics is the tenant's topic list: the seeded topics, then its own.
func (v *Vocabulary) Topics() []string {
	out := append([]string{}, Topics...)
	for _, t := range v.OwnTopics {
		if !database.StringList(out).Has(t) {
			out = append(out, t)
		}
	}
	return out
}

// ServiceLabel is a service in words.
func (v *Vocabulary) ServiceLabel(s string) string { return ServiceLabel(s) }

// Today is the tenant's date at now.
func (v *Vocabulary) Today(now time.Time) string {
	t := &tenants.Tenant{TimeZone: v.TimeZone}
	return t.Local(now).Format(time.DateOnly)
}

// ServiceLabel is a built-in service's label, or the tenant's own service as it is stored.
func ServiceLabel(s string) string {
	for _, x := range Services {
		if x.Value == s {
			return x.Label
		}
	}
	return s
}

// ModeLabel is a mode in words.
func ModeLabel(m string) string {
	for _, x := range Modes {
		if x.Value == m {
			return x.Label
		}
	}
	return m
}

// ReferralKindLabel is a referral kind in words.
func ReferralKindLabel(k string) string {
	for _, x := range ReferralKinds {
		if x.Value == k {
			return x.Label
		}
	}
	return k
}

// GoalStatusLabel is a goal status in words.
func GoalStatusLabel(s string) string {
	for _, x := range GoalStatusLabels {
		if x.Value == s {
			return x.Label
		}
	}
	return s
}

// Vocabulary is the tenant's session lists and time zone, as the request's tenant holds them
// (tenants.Store.RequestTenant: the row the tenant middleware read, no statement of its own).
// A change to the lists reads the row itself (storedVocabulary), in its transaction.
func (s *Sessions) Vocabulary(ctx context.Context) (*Vocabulary, error) {
	t, err := s.tenants.RequestTenant(ctx)
	if err != nil {
		return nil, err
	}
	return &Vocabulary{TimeZone: t.TimeZone, OwnTopics: t.SessionTopics, OwnServices: t.SessionServices}, nil
}

// storedVocabulary reads the tenant's session lists and time zone from its row, for a change
// to them.
func (s *Sessions) storedVocabulary(ctx context.Context) (*Vocabulary, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	v := new(Vocabulary)
	err = database.Conn(ctx, s.db).NewSelect().TableExpr("tenants").
		ColumnExpr("time_zone, session_topics, session_services").Where("id = ?", sc.TenantID).Scan(ctx, v)
	return v, err
}

// AddToVocabulary adds a topic ("topic") or a service ("service") to the tenant's own list.
// Errors: EINVALID naming the field.
func (s *Sessions) AddToVocabulary(ctx context.Context, list, value string) error {
	value = strings.Join(strings.Fields(value), " ")
	field := list
	switch {
	case list != "topic" && list != "service":
		return apperr.Invalid(map[string]string{"list": "Choose a topic or a service."})
	case value == "":
		return apperr.Invalid(map[string]string{field: "Enter the " + list + " to add."})
	case utf8.RuneCountInString(value) > 120:
		return apperr.Invalid(map[string]string{field: "Keep it to 120 characters or fewer."})
	}
	return database.InTx(ctx, s.db, func(ctx context.Context) error {
		v, err := s.storedVocabulary(ctx)
		if err != nil {
			return err
		}
		col, have := "session_topics", v.Topics()
		if list == "service" {
			col = "session_services"
			for _, c := range v.Services() {
				have = append(have, c.Label, c.Value)
			}
		}
		for _, h := range have {
			if strings.EqualFold(h, value) {
				return apperr.Invalid(map[string]string{field: fmt.Sprintf("%q is already on the list.", value)})
			}
		}
		own := v.OwnTopics
		if list == "service" {
			own = v.OwnServices
		}
		own = append(own, value)
		if err := s.saveVocabulary(ctx, col, own); err != nil {
			return err
		}
		return s.audit.Record(ctx, "session_list.add", "tenant", "", "Session "+list+" added: "+value)
	})
}

// RemoveFromVocabulary takes a tenant's own topic or service off its list (sessions already
// recorded keep it). Built-in entries cannot be removed.
func (s *Sessions) RemoveFromVocabulary(ctx context.Context, list, value string) error {
	return database.InTx(ctx, s.db, func(ctx context.Context) error {
		v, err := s.storedVocabulary(ctx)
		if err != nil {
			return err
		}
		col, own := "session_topics", v.OwnTopics
		if list == "service" {
			col, own = "session_services", v.OwnServices
		} else if list != "topic" {
			return apperr.Invalid(map[string]string{"list": "Choose a topic or a service."})
		}
		var keep database.StringList
		for _, o := range own {
			if o != value {
				keep = append(keep, o)
			}
		}
		if len(keep) == len(own) {
			return apperr.NotFound(list)
		}
		if err := s.saveVocabulary(ctx, col, keep); err != nil {
			return err
		}
		return s.audit.Record(ctx, "session_list.remove", "tenant", "", "Session "+list+" removed: "+value)
	})
}

func (s *Sessions) saveVocabulary(ctx context.Context, col string, list database.StringList) error {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return err
	}
	if list == nil {
		list = database.StringList{}
	}
	_, err = database.Conn(ctx, s.db).NewUpdate().Table("tenants").Set("? = ?", bun.Ident(col), list).
		Set("updated_at = ?", database.Now()).Where("id = ?", sc.TenantID).Exec(ctx)
	return err
}

// SessionInput is the record-a-session form, as typed.
type SessionInput struct {
	HeldOn        string
	Minutes       string
	Mode          string
	Service       string
	TrainingTopic string
	Participants  map[string]string // role → count as typed
	Topics        []string
	Notes         string
	Summary       string
	FollowUps     []FollowUpInput
	Referrals     []ReferralInput
	Resources     []ResourceShareInput
	Goals         []GoalProgressInput
}

// FollowUpInput is one follow-up row of the form; ID names the follow-up a row of the edit
// form changes (empty for a new one).
type FollowUpInput struct{ ID, Description, DueOn string }

// ReferralInput is one referral row of the form.
type ReferralInput struct{ Kind, Note string }

// ResourceShareInput is one resource row of the form: which resource, shared with whom.
type ResourceShareInput struct{ ResourceID, SharedWith string }

// GoalProgressInput is the progress on one goal of the agreed plan.
type GoalProgressInput struct{ GoalID, Status, Note string }

// sessionContext is what validating a session needs to know.
type sessionContext struct {
	eng       *Engagement
	vocab     *Vocabulary
	today     string
	resources map[string]string // resource id → title
	goals     map[string]*Goal
	followUps map[string]*FollowUp // edit: the session's follow-ups by id, done ones too
}

// sessionParts is a valid session and the rows recorded with it.
type sessionParts struct {
	s         *Session
	followUps []*FollowUp // on edit, those with an ID change an open follow-up of the session
	referrals []*Referral
	shares    []*SessionResource
	updates   []*GoalUpdate
	notes     string
}

func sessTrim(s string) string { return strings.TrimSpace(s) }

// validateSession checks the form and returns the rows to write. edit leaves out goal
// progress (history, recorded only once) and lets follow-up rows name the session's open
// follow-ups; a follow-up already done is kept as it is (its row may not change or remove it).
func validateSession(in SessionInput, sx *sessionContext, edit bool) (*sessionParts, error) {
	bad := map[string]string{}
	p := &sessionParts{s: &Session{}}
	s := p.s
	held, isDate := dates.ISO(in.HeldOn)
	if !isDate {
		held = sessTrim(in.HeldOn)
		bad["held_on"] = dates.Message("the date of the session")
	} else if held > sx.today {
		bad["held_on"] = "The date cannot be in the future."
	} else if sx.eng.OpenedOn != "" && held < sx.eng.OpenedOn {
		bad["held_on"] = "The date cannot be before the engagement opened (" + sx.eng.OpenedOn + ")."
	}
	s.HeldOn = held
	m, err := strconv.Atoi(sessTrim(in.Minutes))
	if err != nil || m < SessionMinMinutes || m > SessionMaxMinutes {
		bad["minutes"] = fmt.Sprintf("Enter the length as a whole number of minutes from %d to %d.", SessionMinMinutes, SessionMaxMinutes)
	}
	s.Minutes = m
	s.Mode = in.Mode
	if ModeLabel(in.Mode) == in.Mode {
		bad["mode"] = "Choose in person, virtual or hybrid."
	}
	s.Service = in.Service
	known := false
	for _, c := range sx.vocab.Services() {
		known = known || c.Value == in.Service
	}
	if !known {
		bad["service"] = "Choose the service."
	}
	if in.Service == ServiceMiniTraining {
		s.TrainingTopic = sessTrim(in.TrainingTopic)
		if s.TrainingTopic == "" {
			bad["training_topic"] = "Enter the topic of the mini-training."
		} else if utf8.RuneCountInString(s.TrainingTopic) > 200 {
			bad["training_topic"] = "Keep the topic to 200 characters or fewer."
		}
	}
	s.Participants = database.Counts{}
	for _, r := range ParticipantRoles {
		v := sessTrim(in.Participants[r.Value])
		if v == "" || v == "0" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > SessionMaxCount {
			bad["participants"] = fmt.Sprintf("Enter each count as a whole number from 0 to %d.", SessionMaxCount)
			continue
		}
		s.Participants[r.Value] = n
	}
	if _, ok := bad["participants"]; !ok && s.Participants.Total() == 0 {
		bad["participants"] = "Enter how many people took part (at least one)."
	}
	allowed := sx.vocab.Topics()
	seen := map[string]bool{}
	for _, t := range in.Topics {
		if seen[t] {
			continue
		}
		seen[t] = true
		if !database.StringList(allowed).Has(t) {
			bad["topics"] = "Choose topics from the list."
			continue
		}
		s.Topics = append(s.Topics, t)
	}
	p.notes = strings.TrimSpace(in.Notes)
	if utf8.RuneCountInString(p.notes) > SessionMaxNotes {
		bad["notes"] = "Keep the notes to 20,000 characters or fewer."
	}
	s.Summary = strings.TrimSpace(in.Summary)
	if utf8.RuneCountInString(s.Summary) > SessionMaxSummary {
		bad["summary"] = "Keep the shared summary to 2,000 characters or fewer."
	}
	seenFollowUp := map[string]bool{}
	for i, f := range in.FollowUps {
		id, d, due := sessTrim(f.ID), sessTrim(f.Description), dates.Normalize(f.DueOn)
		key := fmt.Sprintf("followup_%d", i)
		if id != "" {
			old := sx.followUps[id]
			switch {
			case old != nil && old.DoneOn != "":
				// Done (perhaps while the form was open): kept as it was done.
				if d == "" && due == "" {
					bad["followups"] = fmt.Sprintf("%q was marked done on %s, so it stays on the session.", old.Description, old.DoneOn)
				} else if d != old.Description || due != old.DueOn {
					bad[key] = fmt.Sprintf("This follow-up was marked done on %s, so it stays as it was done. Save again to add what you typed as a new follow-up, or clear the row.", old.DoneOn)
				}
				continue
			case old == nil || seenFollowUp[id]:
				if d != "" || due != "" {
					bad[key] = "This follow-up is no longer on the session. Save again to add what you typed as a new follow-up, or clear the row."
				}
				continue
			}
			seenFollowUp[id] = true
		}
		if d == "" && due == "" {
			continue // an empty row; on edit, an open follow-up whose row is cleared is removed
		}
		switch _, err := time.Parse(time.DateOnly, due); {
		case d == "":
			bad[key] = "Describe the follow-up, or clear its date."
		case utf8.RuneCountInString(d) > SessionMaxText:
			bad[key] = "Keep the follow-up to 500 characters or fewer."
		case err != nil:
			bad[key] = dates.Message("the due date")
		case held != "" && due < held:
			bad[key] = "The due date cannot be before the session."
		default:
			p.followUps = append(p.followUps, &FollowUp{ID: id, Description: d, DueOn: due})
		}
	}
	if len(p.followUps) > SessionMaxRows {
		bad["followups"] = fmt.Sprintf("Keep it to %d follow-ups a session.", SessionMaxRows)
	}
	for i, r := range in.Referrals {
		k, note := sessTrim(r.Kind), sessTrim(r.Note)
		if k == "" && note == "" {
			continue
		}
		key := fmt.Sprintf("referral_%d", i)
		switch {
		case k == "" || ReferralKindLabel(k) == k:
			bad[key] = "Choose the kind of service referred to."
		case utf8.RuneCountInString(note) > SessionMaxText:
			bad[key] = "Keep the note to 500 characters or fewer."
		default:
			p.referrals = append(p.referrals, &Referral{Kind: k, Note: note})
		}
	}
	if len(p.referrals) > SessionMaxRows {
		bad["referrals"] = fmt.Sprintf("Keep it to %d referrals a session.", SessionMaxRows)
	}
	shared := map[string]bool{}
	for i, r := range in.Resources {
		id, with := sessTrim(r.ResourceID), sessTrim(r.SharedWith)
		if id == "" {
			continue
		}
		key := fmt.Sprintf("resource_%d", i)
		switch _, known := sx.resources[id]; {
		case !known:
			bad[key] = "Choose a resource from the library."
		case with != SharedWithProgram && with != SharedWithFamily:
			bad[key] = "Say whether it was shared with the program or with the family."
		case shared[id]:
			bad[key] = "This resource is already on the list."
		default:
			shared[id] = true
			p.shares = append(p.shares, &SessionResource{ResourceID: id, SharedWith: with})
		}
	}
	if len(p.shares) > SessionMaxRows {
		bad["resources"] = fmt.Sprintf("Keep it to %d resources a session.", SessionMaxRows)
	}
	if edit {
		in.Goals = nil // goal progress is history: recorded with the session, not changed
	}
	for _, g := range in.Goals {
		st, note := sessTrim(g.Status), sessTrim(g.Note)
		if st == "" && note == "" {
			continue
		}
		key := "goal_" + g.GoalID
		switch {
		case sx.goals[g.GoalID] == nil:
			bad["goals"] = "Record progress only on the goals of the agreed plan."
		case GoalStatusLabel(st) == st:
			bad[key] = "Choose the goal's status."
		case utf8.RuneCountInString(note) > SessionMaxText:
			bad[key] = "Keep the note to 500 characters or fewer."
		default:
			p.updates = append(p.updates, &GoalUpdate{GoalID: g.GoalID, Status: st, Note: note})
		}
	}
	if len(bad) > 0 {
		return nil, apperr.Invalid(bad)
	}
	return p, nil
}

func sessNotFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFound(what)
	}
	return err
}

// Engagement returns an engagement the person in ctx may see, with its program's name.
// Errors: ENOTFOUND.
func (s *Sessions) Engagement(ctx context.Context, id string) (*Engagement, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	if !database.IsID(id) {
		return nil, apperr.NotFound("engagement")
	}
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	e := new(Engagement)
	q := t.Select(e).ColumnExpr("e.*, o.name AS program_name").
		Join("JOIN organisations AS o ON o.tenant_id = e.tenant_id AND o.id = e.program_id").
		Where("e.id = ?", id)
	err = Visible(q, sc, "e").Scan(ctx)
	return e, sessNotFound(err, "engagement")
}

// RecordableEngagement returns the engagement if the person in ctx may record a session in it:
// the consultant holding it, while it is open. Errors: ENOTFOUND; EFORBIDDEN for anyone else.
func (s *Sessions) RecordableEngagement(ctx context.Context, id string) (*Engagement, error) {
	e, err := s.Engagement(ctx, id)
	if err != nil {
		return nil, err
	}
	sc, _ := database.ScopeFrom(ctx)
	if sc.Role != authz.Consultant {
		return nil, apperr.Errorf(apperr.EFORBIDDEN, "Only the consultant holding this engagement records its sessions.")
	}
	return e, nil
}

// AgreedGoals returns the goals of the engagement's agreed plan (the latest agreed), or none.
func (s *Sessions) AgreedGoals(ctx context.Context, engagementID string) ([]Goal, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var plan Plan
	err = t.Select(&plan).Where("qp.engagement_id = ? AND qp.status = ?", engagementID, PlanAgreed).
		OrderExpr("qp.agreed_at DESC, qp.id DESC").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var goals []Goal
	err = t.Select(&goals).Where("qg.plan_id = ?", plan.ID).OrderExpr("qg.position, qg.id").Scan(ctx)
	return goals, err
}

// resourceTitles is the tenant's library: resource id → title.
func (s *Sessions) resourceTitles(ctx context.Context) (map[string]string, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []Resource
	if err := t.Select(&list).Column("res.id", "res.title").Scan(ctx); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(list))
	for _, r := range list {
		out[r.ID] = r.Title
	}
	return out, nil
}

func (s *Sessions) contextFor(ctx context.Context, e *Engagement, withChildren bool) (*sessionContext, error) {
	v, err := s.Vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	sx := &sessionContext{eng: e, vocab: v, today: v.Today(s.Now()), goals: map[string]*Goal{}}
	if !withChildren {
		return sx, nil
	}
	if sx.resources, err = s.resourceTitles(ctx); err != nil {
		return nil, err
	}
	goals, err := s.AgreedGoals(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	for i := range goals {
		sx.goals[goals[i].ID] = &goals[i]
	}
	return sx, nil
}

func (s *Sessions) seal(tenantID, sessionID, notes string) (string, error) {
	return s.keys.Seal(notes, tenantID, sessionID)
}

// Record stores a session of the engagement, recorded by the consultant holding it, with its
// follow-ups, referrals, resources shared and goal progress, and moves the engagement's
// dosage counters: one transaction. Errors: EINVALID naming each bad field (nothing is
// written); ENOTFOUND; EFORBIDDEN for anyone but the consultant; ECONFLICT when it is closed.
func (s *Sessions) Record(ctx context.Context, engagementID string, in SessionInput) (*Session, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	e, err := s.RecordableEngagement(ctx, engagementID)
	if err != nil {
		return nil, err
	}
	if e.Stage == StageClosed {
		return nil, apperr.Errorf(apperr.ECONFLICT, "This engagement is closed; reopen it to record a session.")
	}
	sx, err := s.contextFor(ctx, e, true)
	if err != nil {
		return nil, err
	}
	p, err := validateSession(in, sx, false)
	if err != nil {
		return nil, err
	}
	now := database.Now()
	x := p.s
	x.ID, x.EngagementID, x.ProfileID, x.ProgramID = database.NewID(), e.ID, e.ProfileID, e.ProgramID
	x.CreatedBy, x.CreatedAt, x.UpdatedAt = sc.UserID, now, now
	if x.NotesSealed, err = s.seal(sc.TenantID, x.ID, p.notes); err != nil {
		return nil, err
	}
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		if _, err := t.Insert(x).Exec(ctx); err != nil {
			return err
		}
		for _, f := range p.followUps {
			f.ID, f.SessionID, f.EngagementID, f.ProfileID, f.CreatedAt = database.NewID(), x.ID, e.ID, e.ProfileID, now
		}
		for _, r := range p.referrals {
			r.ID, r.SessionID, r.EngagementID = database.NewID(), x.ID, e.ID
		}
		for _, r := range p.shares {
			r.SessionID, r.EngagementID = x.ID, e.ID
		}
		for _, u := range p.updates {
			u.ID, u.SessionID, u.CreatedBy, u.CreatedAt = database.NewID(), x.ID, sc.UserID, now
		}
		if len(p.followUps) > 0 {
			if _, err := database.InsertMany(t, p.followUps).Exec(ctx); err != nil {
				return err
			}
		}
		if len(p.referrals) > 0 {
			if _, err := database.InsertMany(t, p.referrals).Exec(ctx); err != nil {
				return err
			}
		}
		if len(p.shares) > 0 {
			if _, err := database.InsertMany(t, p.shares).Exec(ctx); err != nil {
				return err
			}
		}
		if len(p.updates) > 0 {
			if _, err := database.InsertMany(t, p.updates).Exec(ctx); err != nil {
				return err
			}
			for _, u := range p.updates {
				if _, err := t.Update((*Goal)(nil)).Set("status = ?", u.Status).Set("updated_at = ?", now).
					Where("qg.id = ?", u.GoalID).Exec(ctx); err != nil {
					return err
				}
			}
		}
		// The dosage counters move with the session (atomic increments: two saves at once
		// both count).
		res, err := t.Update((*Engagement)(nil)).
			Set("contacts = contacts + 1").
			Set("minutes = minutes + ?", x.Minutes).
			Set("first_contact_on = CASE WHEN first_contact_on = '' OR first_contact_on > ? THEN ? ELSE first_contact_on END", x.HeldOn, x.HeldOn).
			Set("last_mode = CASE WHEN last_contact_on <= ? THEN ? ELSE last_mode END", x.HeldOn, x.Mode).
			Set("last_contact_on = CASE WHEN last_contact_on < ? THEN ? ELSE last_contact_on END", x.HeldOn, x.HeldOn).
			Set("default_participants = ?", x.Participants).
			Set("updated_at = ?", now).
			Where("e.id = ?", e.ID).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.NotFound("engagement")
		}
		if err := countSessionMonth(ctx, t, nil, x); err != nil { // the dashboards' rollups
			return err
		}
		return s.audit.Record(ctx, "session.create", "consultation_session", x.ID,
			fmt.Sprintf("%s, %d minutes, %s, %s", x.HeldOn, x.Minutes, ServiceLabel(x.Service), e.ProgramName))
	})
	if err != nil {
		return nil, err
	}
	x.ProgramName = e.ProgramName
	return x, nil
}

// sessionColumns reads a session with its program's and consultant's names.
func sessionColumns(q *bun.SelectQuery) *bun.SelectQuery {
	return q.ColumnExpr("s.*, o.name AS program_name, cp.display_name AS consultant_name").
		Join("JOIN organisations AS o ON o.tenant_id = s.tenant_id AND o.id = s.program_id").
		Join("JOIN consultant_profiles AS cp ON cp.tenant_id = s.tenant_id AND cp.id = s.profile_id")
}

// load returns a session the person in ctx may see (funders see counts only: none).
func (s *Sessions) load(ctx context.Context, id string) (*Session, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	if !database.IsID(id) || sc.Role == authz.Funder {
		return nil, apperr.NotFound("session")
	}
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	x := new(Session)
	err = Visible(t.Select(x).Apply(sessionColumns).Where("s.id = ?", id), sc, "s").Scan(ctx)
	return x, sessNotFound(err, "session")
}

// SharedResource is a resource shared at a session.
type SharedResource struct {
	Resource
	SharedWith string `bun:"shared_with"`
}

// SharedWithLabel is who it was shared with, in words.
func (r SharedResource) SharedWithLabel() string {
	if r.SharedWith == SharedWithFamily {
		return "Shared with the family"
	}
	return "Shared with the program"
}

// GoalProgress is progress on a goal recorded at a session.
type GoalProgress struct {
	GoalUpdate
	Goal string `bun:"goal_text"`
}

// SessionView is a session as the person in ctx may see it.
type SessionView struct {
	Session    *Session
	Engagement *Engagement
	Notes      string
	ShowNotes  bool // the consultant, their supervisor, a tenant admin (the read is audited)
	ShowWork   bool // follow-ups, referrals and goal progress: not for program users
	FollowUps  []FollowUp
	Referrals  []Referral
	Resources  []SharedResource
	Goals      []GoalProgress
	Editable   bool // the consultant may change it now
	Locked     bool // the 14 days are over and no unlock lasts
	CanUnlock  bool // a supervisor (of the consultant) or a tenant admin, while it is locked
}

// View returns a session for the person in ctx. Reading the notes is an audit event
// (session.notes_read), written before the notes are returned. Errors: ENOTFOUND.
func (s *Sessions) View(ctx context.Context, id string) (*SessionView, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	x, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	e, err := s.Engagement(ctx, x.EngagementID)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	v := &SessionView{Session: x, Engagement: e, ShowWork: sc.Role != authz.Program}
	v.Locked = !x.Editable(now)
	v.Editable = sc.Role == authz.Consultant && !v.Locked
	v.CanUnlock = v.Locked && (sc.Role == authz.Supervisor || sc.Role == authz.TenantAdmin)
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	rq := t.Select((*SessionResource)(nil)).ColumnExpr("res.*, sres.shared_with").
		Join("JOIN resources AS res ON res.tenant_id = sres.tenant_id AND res.id = sres.resource_id").
		Where("sres.session_id = ?", x.ID).OrderExpr("res.title")
	if err := rq.Scan(ctx, &v.Resources); err != nil {
		return nil, err
	}
	if v.ShowWork {
		if err := t.Select(&v.FollowUps).Where("fu.session_id = ?", x.ID).OrderExpr("fu.due_on, fu.id").Scan(ctx); err != nil {
			return nil, err
		}
		if err := t.Select(&v.Referrals).Where("rf.session_id = ?", x.ID).OrderExpr("rf.kind, rf.id").Scan(ctx); err != nil {
			return nil, err
		}
		err := t.Select((*GoalUpdate)(nil)).ColumnExpr("qgu.*, qg.goal AS goal_text").
			Join("JOIN qi_goals AS qg ON qg.tenant_id = qgu.tenant_id AND qg.id = qgu.goal_id").
			Where("qgu.session_id = ?", x.ID).OrderExpr("qg.position").Scan(ctx, &v.Goals)
		if err != nil {
			return nil, err
		}
	}
	if CanReadNotes(sc) && x.NotesSealed != "" {
		notes, err := s.openNotes(ctx, x)
		if err != nil {
			return nil, err
		}
		v.Notes, v.ShowNotes = notes, true
	} else if CanReadNotes(sc) {
		v.ShowNotes = true // nothing written: nothing to read, nothing to audit
	}
	x.NotesSealed = ""
	return v, nil
}

// openNotes audits the read (in its own committed transaction), then opens the notes.
func (s *Sessions) openNotes(ctx context.Context, x *Session) (string, error) {
	sc, _ := database.ScopeFrom(ctx)
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		return s.audit.Record(ctx, "session.notes_read", "consultation_session", x.ID,
			"Notes of the session of "+x.HeldOn+" with "+x.ProgramName+" read")
	})
	if err != nil {
		return "", err
	}
	notes, err := s.keys.Open(x.NotesSealed, sc.TenantID, x.ID)
	if err != nil {
		return "", apperr.Errorf(apperr.EINTERNAL, "the notes of session %s could not be opened: %v", x.ID, err)
	}
	return notes, nil
}

// EditForm returns the session's values for the edit form, for the consultant holding it while
// it is editable (the notes are read: audited). Errors: ENOTFOUND; EFORBIDDEN.
func (s *Sessions) EditForm(ctx context.Context, id string) (*Session, *Engagement, SessionInput, error) {
	x, e, err := s.editable(ctx, id)
	if err != nil {
		return nil, nil, SessionInput{}, err
	}
	in := SessionInput{HeldOn: x.HeldOn, Minutes: strconv.Itoa(x.Minutes), Mode: x.Mode, Service: x.Service,
		TrainingTopic: x.TrainingTopic, Participants: map[string]string{}, Topics: x.Topics, Summary: x.Summary}
	for k, n := range x.Participants {
		in.Participants[k] = strconv.Itoa(n)
	}
	w, err := s.work(ctx, x.ID)
	if err != nil {
		return nil, nil, in, err
	}
	for _, f := range w.followUps {
		if f.DoneOn == "" { // done ones are shown as done, not as rows to change
			in.FollowUps = append(in.FollowUps, FollowUpInput{ID: f.ID, Description: f.Description, DueOn: f.DueOn})
		}
	}
	for _, r := range w.referrals {
		in.Referrals = append(in.Referrals, ReferralInput{Kind: r.Kind, Note: r.Note})
	}
	for _, r := range w.shares {
		in.Resources = append(in.Resources, ResourceShareInput{ResourceID: r.ResourceID, SharedWith: r.SharedWith})
	}
	if x.NotesSealed != "" {
		if in.Notes, err = s.openNotes(ctx, x); err != nil {
			return nil, nil, in, err
		}
	}
	return x, e, in, nil
}

// sessionWork is what was recorded with a session besides its own fields (goal progress
// aside): its follow-ups (done ones too), referrals and resources shared.
type sessionWork struct {
	followUps []*FollowUp
	referrals []*Referral
	shares    []*SessionResource
}

// work reads a session's follow-ups, referrals and resources shared (the caller has checked
// the person may see the session).
func (s *Sessions) work(ctx context.Context, sessionID string) (*sessionWork, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	w := new(sessionWork)
	if err := t.Select(&w.followUps).Where("fu.session_id = ?", sessionID).OrderExpr("fu.due_on, fu.created_at, fu.id").Scan(ctx); err != nil {
		return nil, err
	}
	if err := t.Select(&w.referrals).Where("rf.session_id = ?", sessionID).OrderExpr("rf.kind, rf.id").Scan(ctx); err != nil {
		return nil, err
	}
	err = t.Select(&w.shares).Join("JOIN resources AS res ON res.tenant_id = sres.tenant_id AND res.id = sres.resource_id").
		Where("sres.session_id = ?", sessionID).OrderExpr("res.title, sres.resource_id").Scan(ctx)
	return w, err
}

// SessionFollowUps are a session's follow-ups, done ones too (the edit form shows those as
// done; they stay as they are). Errors: ENOTFOUND.
func (s *Sessions) SessionFollowUps(ctx context.Context, sessionID string) ([]*FollowUp, error) {
	if _, err := s.load(ctx, sessionID); err != nil {
		return nil, err
	}
	w, err := s.work(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	return w.followUps, nil
}

func (s *Sessions) editable(ctx context.Context, id string) (*Session, *Engagement, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, nil, err
	}
	x, err := s.load(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if sc.Role != authz.Consultant {
		return nil, nil, apperr.Errorf(apperr.EFORBIDDEN, "Only the consultant who holds the engagement changes its sessions.")
	}
	if !x.Editable(s.Now()) {
		return nil, nil, apperr.Errorf(apperr.EFORBIDDEN, "This session is locked: sessions can be changed for %d days after they are recorded. Your supervisor can unlock it.", EditableDays)
	}
	e, err := s.Engagement(ctx, x.EngagementID)
	return x, e, err
}

// Update changes a session while it is editable, with its follow-ups (changed, added, or
// removed by clearing their row; a follow-up already done stays as it was done), referrals and
// resources shared (replaced by what the form holds), and re-balances the engagement's
// counters: one transaction, audited with what changed. Goal progress is not changed.
// Errors: EINVALID naming each bad field (nothing is written); ENOTFOUND; EFORBIDDEN when
// locked or not theirs; ECONFLICT when a follow-up was marked done while the form was open.
func (s *Sessions) Update(ctx context.Context, id string, in SessionInput) (*Session, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	x, e, err := s.editable(ctx, id)
	if err != nil {
		return nil, err
	}
	sx, err := s.contextFor(ctx, e, true)
	if err != nil {
		return nil, err
	}
	old, err := s.work(ctx, x.ID)
	if err != nil {
		return nil, err
	}
	sx.followUps = map[string]*FollowUp{}
	for _, f := range old.followUps {
		sx.followUps[f.ID] = f
	}
	p, err := validateSession(in, sx, true)
	if err != nil {
		return nil, err
	}
	n := p.s
	if n.NotesSealed, err = s.seal(sc.TenantID, x.ID, p.notes); err != nil {
		return nil, err
	}
	changes := s.sessionChanges(x, p)
	now := database.Now()
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		_, err = t.Update((*Session)(nil)).
			Set("held_on = ?", n.HeldOn).Set("minutes = ?", n.Minutes).Set("mode = ?", n.Mode).
			Set("service = ?", n.Service).Set("training_topic = ?", n.TrainingTopic).
			Set("participants = ?", n.Participants).Set("topics = ?", n.Topics).
			Set("notes_sealed = ?", n.NotesSealed).Set("summary = ?", n.Summary).Set("updated_at = ?", now).
			Where("s.id = ?", x.ID).Exec(ctx)
		if err != nil {
			return err
		}
		moved := &Session{ProgramID: x.ProgramID, ProfileID: x.ProfileID, HeldOn: n.HeldOn, Minutes: n.Minutes}
		if err := countSessionMonth(ctx, t, x, moved); err != nil { // the dashboards' rollups
			return err
		}
		work, err := s.saveWork(ctx, x, old, p, sx.resources)
		if err != nil {
			return err
		}
		changes = append(changes, work...)
		if err := s.rebalance(ctx, x.EngagementID); err != nil {
			return err
		}
		detail := fmt.Sprintf("%s, %d minutes, %s.", n.HeldOn, n.Minutes, ServiceLabel(n.Service))
		if len(changes) == 0 {
			detail += " Nothing changed."
		} else {
			detail += " " + strings.Join(changes, " ")
		}
		return s.audit.Record(ctx, "session.update", "consultation_session", x.ID, detail)
	})
	if err != nil {
		return nil, err
	}
	n.ID, n.EngagementID = x.ID, x.EngagementID
	return n, nil
}

// errFollowUpDone is the answer when a follow-up was marked done while the form was open.
func errFollowUpDone() error {
	return apperr.Errorf(apperr.ECONFLICT, "A follow-up of this session was marked done while you were changing it. Check the follow-ups and save again.")
}

// sessionChanges says in words which of the session's own fields an edit changes (never their
// content: the notes and summary are only named).
func (s *Sessions) sessionChanges(x *Session, p *sessionParts) []string {
	n := p.s
	var what []string
	if x.HeldOn != n.HeldOn {
		what = append(what, "date "+x.HeldOn+" → "+n.HeldOn)
	}
	if x.Minutes != n.Minutes {
		what = append(what, fmt.Sprintf("minutes %d → %d", x.Minutes, n.Minutes))
	}
	if x.Mode != n.Mode {
		what = append(what, "mode "+ModeLabel(x.Mode)+" → "+ModeLabel(n.Mode))
	}
	if x.Service != n.Service || x.TrainingTopic != n.TrainingTopic {
		what = append(what, "service")
	}
	if fmt.Sprint(map[string]int(x.Participants)) != fmt.Sprint(map[string]int(n.Participants)) {
		what = append(what, "who took part")
	}
	if strings.Join(x.Topics, "\x00") != strings.Join(n.Topics, "\x00") {
		what = append(what, "topics")
	}
	if x.NotesSealed != "" || p.notes != "" {
		if was, err := s.keys.Open(x.NotesSealed, x.TenantID, x.ID); x.NotesSealed == "" || err != nil || was != p.notes {
			what = append(what, "notes")
		}
	}
	if x.Summary != n.Summary {
		what = append(what, "shared summary")
	}
	if len(what) == 0 {
		return nil
	}
	return []string{"Changed: " + strings.Join(what, ", ") + "."}
}

// saveWork writes the edit's follow-ups, referrals and resources shared (inside the
// transaction) and says in words what changed. Follow-ups already done are never touched.
func (s *Sessions) saveWork(ctx context.Context, x *Session, old *sessionWork, p *sessionParts, titles map[string]string) ([]string, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var changes []string
	byID := map[string]*FollowUp{}
	for _, f := range old.followUps {
		byID[f.ID] = f
	}
	kept := map[string]bool{}
	var added []*FollowUp
	for _, f := range p.followUps {
		if f.ID == "" {
			f.ID, f.SessionID, f.EngagementID, f.ProfileID, f.CreatedAt = database.NewID(), x.ID, x.EngagementID, x.ProfileID, database.Now()
			added = append(added, f)
			changes = append(changes, fmt.Sprintf("Follow-up added: %q, due %s.", f.Description, f.DueOn))
			continue
		}
		kept[f.ID] = true
		was := byID[f.ID]
		if was.Description == f.Description && was.DueOn == f.DueOn {
			continue
		}
		res, err := t.Update((*FollowUp)(nil)).Set("description = ?", f.Description).Set("due_on = ?", f.DueOn).
			Where("fu.id = ? AND fu.session_id = ? AND fu.done_on = ''", f.ID, x.ID).Exec(ctx)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil, errFollowUpDone()
		}
		changes = append(changes, fmt.Sprintf("Follow-up changed: %q, due %s (was %q, due %s).", f.Description, f.DueOn, was.Description, was.DueOn))
	}
	var removed []string
	for _, f := range old.followUps {
		if f.DoneOn == "" && !kept[f.ID] {
			removed = append(removed, f.ID)
			changes = append(changes, fmt.Sprintf("Follow-up removed: %q, due %s.", f.Description, f.DueOn))
		}
	}
	if len(removed) > 0 {
		res, err := t.Delete((*FollowUp)(nil)).
			Where("fu.session_id = ? AND fu.done_on = '' AND fu.id IN (?)", x.ID, bun.In(removed)).Exec(ctx)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n != int64(len(removed)) {
			return nil, errFollowUpDone()
		}
	}
	if len(added) > 0 {
		if _, err := database.InsertMany(t, added).Exec(ctx); err != nil {
			return nil, err
		}
	}

	// Referrals: replaced by the form's when they differ.
	oldRefs, newRefs := map[string]int{}, map[string]int{}
	for _, r := range old.referrals {
		oldRefs[r.Kind+"\x00"+r.Note]++
	}
	for _, r := range p.referrals {
		newRefs[r.Kind+"\x00"+r.Note]++
	}
	refWords := func(r *Referral) string {
		if r.Note == "" {
			return ReferralKindLabel(r.Kind)
		}
		return fmt.Sprintf("%s (%q)", ReferralKindLabel(r.Kind), r.Note)
	}
	same := len(old.referrals) == len(p.referrals)
	for _, r := range p.referrals {
		k := r.Kind + "\x00" + r.Note
		if oldRefs[k] > 0 {
			oldRefs[k]--
			continue
		}
		same = false
		changes = append(changes, "Referral added: "+refWords(r)+".")
	}
	for _, r := range old.referrals {
		k := r.Kind + "\x00" + r.Note
		if newRefs[k] > 0 {
			newRefs[k]--
			continue
		}
		same = false
		changes = append(changes, "Referral removed: "+refWords(r)+".")
	}
	if !same {
		if _, err := t.Delete((*Referral)(nil)).Where("rf.session_id = ?", x.ID).Exec(ctx); err != nil {
			return nil, err
		}
		for _, r := range p.referrals {
			r.ID, r.SessionID, r.EngagementID = database.NewID(), x.ID, x.EngagementID
		}
		if len(p.referrals) > 0 {
			if _, err := database.InsertMany(t, p.referrals).Exec(ctx); err != nil {
				return nil, err
			}
		}
	}

	// Resources shared: replaced by the form's when they differ.
	withWords := map[string]string{SharedWithProgram: "the program", SharedWithFamily: "the family"}
	oldShares := map[string]string{}
	for _, r := range old.shares {
		oldShares[r.ResourceID] = r.SharedWith
	}
	newShares := map[string]bool{}
	sharesChanged := len(old.shares) != len(p.shares)
	for _, r := range p.shares {
		newShares[r.ResourceID] = true
		was, ok := oldShares[r.ResourceID]
		switch {
		case !ok:
			changes = append(changes, fmt.Sprintf("Resource shared with %s: %q.", withWords[r.SharedWith], titles[r.ResourceID]))
			sharesChanged = true
		case was != r.SharedWith:
			changes = append(changes, fmt.Sprintf("Resource now shared with %s: %q.", withWords[r.SharedWith], titles[r.ResourceID]))
			sharesChanged = true
		}
	}
	for _, r := range old.shares {
		if !newShares[r.ResourceID] {
			changes = append(changes, fmt.Sprintf("Resource no longer listed as shared: %q.", titles[r.ResourceID]))
			sharesChanged = true
		}
	}
	if sharesChanged {
		if _, err := t.Delete((*SessionResource)(nil)).Where("sres.session_id = ?", x.ID).Exec(ctx); err != nil {
			return nil, err
		}
		for _, r := range p.shares {
			r.SessionID, r.EngagementID = x.ID, x.EngagementID
		}
		if len(p.shares) > 0 {
			if _, err := database.InsertMany(t, p.shares).Exec(ctx); err != nil {
				return nil, err
			}
		}
	}
	return changes, nil
}

// rebalance recounts an engagement's dosage counters from its sessions (after an edit).
func (s *Sessions) rebalance(ctx context.Context, engagementID string) error {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return err
	}
	var agg struct {
		Contacts int    `bun:"contacts"`
		Minutes  int    `bun:"minutes"`
		First    string `bun:"first_on"`
		Last     string `bun:"last_on"`
	}
	err = t.Select((*Session)(nil)).
		ColumnExpr("COUNT(*) AS contacts, COALESCE(SUM(s.minutes), 0) AS minutes, COALESCE(MIN(s.held_on), '') AS first_on, COALESCE(MAX(s.held_on), '') AS last_on").
		Where("s.engagement_id = ?", engagementID).Scan(ctx, &agg)
	if err != nil {
		return err
	}
	var last Session
	err = t.Select(&last).Column("s.mode", "s.participants").Where("s.engagement_id = ?", engagementID).
		OrderExpr("s.held_on DESC, s.created_at DESC").Limit(1).Scan(ctx)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	_, err = t.Update((*Engagement)(nil)).Set("contacts = ?", agg.Contacts).Set("minutes = ?", agg.Minutes).
		Set("first_contact_on = ?", agg.First).Set("last_contact_on = ?", agg.Last).
		Set("last_mode = ?", last.Mode).Set("updated_at = ?", database.Now()).
		Where("e.id = ?", engagementID).Exec(ctx)
	return err
}

// Unlock lets the consultant change a locked session for SessionUnlockDays more days: for
// their supervisor or a tenant admin, with a reason. Errors: EINVALID (reason); ENOTFOUND;
// EFORBIDDEN for other roles; ECONFLICT when it is not locked.
func (s *Sessions) Unlock(ctx context.Context, id, reason string) (*Session, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	x, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if sc.Role != authz.Supervisor && sc.Role != authz.TenantAdmin {
		return nil, apperr.Errorf(apperr.EFORBIDDEN, "Only the consultant's supervisor or a tenant admin unlocks a session.")
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return nil, apperr.Invalid(map[string]string{"reason": "Say why the session is unlocked."})
	case utf8.RuneCountInString(reason) > SessionMaxText:
		return nil, apperr.Invalid(map[string]string{"reason": "Keep the reason to 500 characters or fewer."})
	}
	now := s.Now()
	if x.Editable(now) {
		return nil, apperr.Errorf(apperr.ECONFLICT, "This session can still be changed; there is nothing to unlock.")
	}
	until := now.UTC().Add(SessionUnlockDays * 24 * time.Hour).Truncate(time.Microsecond)
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		if _, err := t.Update((*Session)(nil)).Set("unlocked_until = ?", until).Set("unlocked_by = ?", sc.UserID).
			Set("unlock_reason = ?", reason).Set("updated_at = ?", database.Now()).Where("s.id = ?", x.ID).Exec(ctx); err != nil {
			return err
		}
		return s.audit.Record(ctx, "session.unlock", "consultation_session", x.ID,
			fmt.Sprintf("Session of %s unlocked until %s: %s", x.HeldOn, until.Format(time.DateOnly), reason))
	})
	x.UnlockedUntil, x.UnlockedBy, x.UnlockReason = &until, sc.UserID, reason
	return x, err
}

// ServiceLabel is the session's service in words.
func (s *Session) ServiceLabel() string { return ServiceLabel(s.Service) }

// ModeLabel is the session's mode in words.
func (s *Session) ModeLabel() string { return ModeLabel(s.Mode) }

// EditableUntil is the last moment (UTC date) the session may be changed without an unlock.
func (s *Session) EditableUntil() string {
	return s.CreatedAt.Add(EditableDays * 24 * time.Hour).UTC().Format("Jan 2, 2006 15:04 UTC")
}

// ShortSummary is the start of the shared summary, for lists.
func (s *Session) ShortSummary() string {
	if utf8.RuneCountInString(s.Summary) <= 120 {
		return s.Summary
	}
	return string([]rune(s.Summary)[:119]) + "…"
}

// ParticipantCount is one role's count of a session.
type ParticipantCount struct {
	Label string
	Count int
}

// ParticipantList is the session's participants by role, in the roles' order.
func (s *Session) ParticipantList() []ParticipantCount {
	var out []ParticipantCount
	for _, r := range ParticipantRoles {
		if n := s.Participants[r.Value]; n > 0 {
			out = append(out, ParticipantCount{r.Label, n})
		}
	}
	return out
}

// KindLabel is the kind of service referred to, in words.
func (r Referral) KindLabel() string { return ReferralKindLabel(r.Kind) }

// == Dashboards (issue 12): the monthly session rollups. ==

// SessionMonth is one row of the monthly rollups (session_months): a program's sessions with
// one consultant in one month (YYYY-MM) and their minutes. The dashboards read a year from it
// instead of from every session; countSessionMonth keeps it in the transaction that records or
// edits a session.
type SessionMonth struct {
	bun.BaseModel `bun:"table:session_months,alias:sm"`
	database.TenantScoped

	ProgramID string `bun:"program_id,pk"`
	ProfileID string `bun:"profile_id,pk"`
	Month     string `bun:"month,pk"`
	Sessions  int    `bun:"sessions"`
	Minutes   int    `bun:"minutes"`
}

// ProgramMonth is one row of the rollups per program (program_months): the program's sessions
// in one month, whoever held them (the dashboards of a whole tenant, a funder or a program).
type ProgramMonth struct {
	bun.BaseModel `bun:"table:program_months,alias:pm"`
	database.TenantScoped

	ProgramID string `bun:"program_id,pk"`
	Month     string `bun:"month,pk"`
	Sessions  int    `bun:"sessions"`
	Minutes   int    `bun:"minutes"`
}

// countSessionMonth moves the rollups for a session recorded (old nil) or edited (old is the
// session before, now is after; its program and consultant do not change): the session leaves
// its old month and joins its new one. Call it inside the transaction that writes the session.
func countSessionMonth(ctx context.Context, t database.Tenant, old, now *Session) error {
	add := func(x *Session, sign int) error {
		m := &SessionMonth{ProgramID: x.ProgramID, ProfileID: x.ProfileID, Month: x.HeldOn[:7], Sessions: sign, Minutes: sign * x.Minutes}
		_, err := t.Insert(m).On("CONFLICT (tenant_id, program_id, profile_id, month) DO UPDATE").
			Set("sessions = ?TableAlias.sessions + EXCLUDED.sessions").
			Set("minutes = ?TableAlias.minutes + EXCLUDED.minutes").Exec(ctx)
		if err != nil {
			return err
		}
		p := &ProgramMonth{ProgramID: m.ProgramID, Month: m.Month, Sessions: m.Sessions, Minutes: m.Minutes}
		_, err = t.Insert(p).On("CONFLICT (tenant_id, program_id, month) DO UPDATE").
			Set("sessions = ?TableAlias.sessions + EXCLUDED.sessions").
			Set("minutes = ?TableAlias.minutes + EXCLUDED.minutes").Exec(ctx)
		return err
	}
	if old != nil {
		if err := add(old, -1); err != nil {
			return err
		}
	}
	if err := add(now, 1); err != nil {
		return err
	}
	if old != nil && old.HeldOn[:7] != now.HeldOn[:7] {
		_, err := t.Delete((*SessionMonth)(nil)).Where("sm.program_id = ? AND sm.profile_id = ? AND sm.month = ? AND sm.sessions = 0",
			old.ProgramID, old.ProfileID, old.HeldOn[:7]).Exec(ctx)
		if err != nil {
			return err
		}
		_, err = t.Delete((*ProgramMonth)(nil)).Where("pm.program_id = ? AND pm.month = ? AND pm.sessions = 0", old.ProgramID, old.HeldOn[:7]).Exec(ctx)
		return err
	}
	return nil
}

// RecountSessionMonths rebuilds the rollups of the tenant in ctx from its sessions, for
// sessions written in bulk without Record (the demo's and the volume benchmark's seeds).
func RecountSessionMonths(ctx context.Context, db *bun.DB) error {
	return database.InTx(ctx, db, func(ctx context.Context) error {
		t, err := database.For(ctx, db)
		if err != nil {
			return err
		}
		if _, err := t.Delete((*SessionMonth)(nil)).Where("1 = 1").Exec(ctx); err != nil {
			return err
		}
		if _, err := t.Delete((*ProgramMonth)(nil)).Where("1 = 1").Exec(ctx); err != nil {
			return err
		}
		var rows []*SessionMonth
		if err := t.Select((*Session)(nil)).
			ColumnExpr("s.program_id, s.profile_id, substr(s.held_on, 1, 7) AS month, COUNT(*) AS sessions, SUM(s.minutes) AS minutes").
			GroupExpr("s.program_id, s.profile_id, substr(s.held_on, 1, 7)").Scan(ctx, &rows); err != nil {
			return err
		}
		byProgram := map[[2]string]*ProgramMonth{}
		var programs []*ProgramMonth
		for _, r := range rows {
			k := [2]string{r.ProgramID, r.Month}
			p := byProgram[k]
			if p == nil {
				p = &ProgramMonth{ProgramID: r.ProgramID, Month: r.Month}
				byProgram[k] = p
				programs = append(programs, p)
			}
			p.Sessions += r.Sessions
			p.Minutes += r.Minutes
		}
		const batch = 1000
		for i := 0; i < len(rows); i += batch {
			if _, err := database.InsertMany(t, rows[i:min(i+batch, len(rows))]).Exec(ctx); err != nil {
				return err
			}
		}
		for i := 0; i < len(programs); i += batch {
			if _, err := database.InsertMany(t, programs[i:min(i+batch, len(programs))]).Exec(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}
