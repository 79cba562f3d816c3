// Package consultation is the heart of Holdspace: consultants recording their work. An
// engagement is one consultant with one program (through an assignment of app/consultants),
// moving through the consultation cycle; sessions are recorded in it (notes sealed at rest);
// assessments are administered pre and post; a quality improvement plan is agreed by the
// program's educators; dosage and fidelity flags are computed from all of it.
//
// Consultation is not therapy: nothing here records a diagnosis or a treatment, and a child or
// family focus is initials and an age band only.
package consultation

import (
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/database"
)

// The consultation cycle, in order (seeds/001: initial contact, discussion of needs, an effective
// practice assessment, discussion of findings, a quality improvement plan with measurable
// results, culminating in a post-assessment; then sustainability).
const (
	StageInitialContact  = "initial_contact"
	StageNeedsDiscussion = "needs_discussion"
	StagePreAssessment   = "pre_assessment"
	StageFindings        = "findings_discussion"
	StagePlan            = "qi_plan"
	StageImplementation  = "implementation"
	StagePostAssessment  = "post_assessment"
	StageSustainability  = "sustainability"
	StageClosed          = "closed"
)

// Stage is one step of the cycle with its words and the TA stage it belongs to.
type Stage struct {
	Value, Label, TAStage string
}

// Stages is the cycle in order. The TA stages are the NC framework's (seeds/001): preparation,
// plan, implementation, evaluation, sustainability.
var Stages = []Stage{
	{StageInitialContact, "Initial contact", "Preparation"},
	{StageNeedsDiscussion, "Discussion of needs", "Preparation"},
	{StagePreAssessment, "Pre-assessment", "Preparation"},
	{StageFindings, "Discussion of findings", "Plan"},
	{StagePlan, "Quality improvement plan", "Plan"},
	{StageImplementation, "Implementation", "Implementation"},
	{StagePostAssessment, "Post-assessment", "Evaluation"},
	{StageSustainability, "Sustainability", "Sustainability"},
	{StageClosed, "Closed", "Sustainability"},
}

// StageIndex is the position of a stage in the cycle, or -1.
func StageIndex(v string) int {
	for i, s := range Stages {
		if s.Value == v {
			return i
		}
	}
	return -1
}

// StageOf returns the stage named v (the zero Stage when unknown).
func StageOf(v string) Stage {
	if i := StageIndex(v); i >= 0 {
		return Stages[i]
	}
	return Stage{}
}

// Engagement kinds: consultation may turn into coaching (6–12 months), and go on as continued
// support after coaching (seeds/001, "Dosage").
const (
	KindConsultation     = "consultation"
	KindCoaching         = "coaching"
	KindContinuedSupport = "continued_support"
)

// Coaching runs 6–12 months; beyond the maximum the engagement is flagged.
const (
	CoachingMinMonths = 6
	CoachingMaxMonths = 12
	// MinContacts is the consultation dosage minimum: two contacts with the professional or
	// classroom (seeds/001).
	MinContacts = 2
	// EditableDays is how long a session stays editable after it is recorded.
	EditableDays = 14
)

// Focus of an engagement.
const (
	FocusProgram     = "program"      // the whole program
	FocusSite        = "site"         // a classroom or site of the program
	FocusStaffGroup  = "staff_group"  // a staff group (named in focus_label)
	FocusChildFamily = "child_family" // a child and family: initials and an age band only
)

// AgeBands for a child/family focus (the NC document's bands, and pregnancy for doula and home
// visiting programs).
var AgeBands = []string{"Prenatal", "0–1 years", "1–2 years", "2–3 years", "3–4 years", "4–5 years"}

// Modes of a session.
var Modes = []struct{ Value, Label string }{
	{"in_person", "In person"},
	{"virtual", "Virtual"},
	{"hybrid", "Hybrid"},
}

// Services built into every tenant (seeds/000 and 001, 002, 003); a tenant adds its own
// (tenants.session_services), stored by their label.
var Services = []struct{ Value, Label string }{
	{"reflective_supervisor", "Reflective consultation with a program supervisor"},
	{"reflective_individual", "Reflective consultation with an individual staff member"},
	{"reflective_group", "Reflective consultation with a staff group"},
	{"mini_training", "Mini-training"},
	{"family_engagement", "Family engagement / co-facilitation of a family group"},
	{"classroom_observation", "Classroom observation"},
	{"policy_support", "Policy support for administrators"},
	{"referral_consultation", "Referral consultation"},
	{"ei_team_meeting", "Early Intervention team meeting"},
	{"echo_group", "Project ECHO group"},
}

// ServiceMiniTraining needs a training topic; ServiceEITeamMeeting counts toward Ohio's EI
// expectations (at least two a month with each team), as do trainings (at least one a year).
const (
	ServiceMiniTraining  = "mini_training"
	ServiceEITeamMeeting = "ei_team_meeting"
)

// ParticipantRoles are the roles a session counts participants by.
var ParticipantRoles = []struct{ Value, Label string }{
	{"educators", "Teachers / educators"},
	{"administrators", "Directors / administrators"},
	{"home_visitors", "Home visitors / doulas"},
	{"supervisors", "Program supervisors"},
	{"family_members", "Family members"},
	{"ei_team", "EI team members"},
	{"other", "Other staff"},
}

// Topics seeded into every tenant's list: the Illinois mini-training topics (seeds/000) and the
// themes of the NC model; a tenant adds its own (tenants.session_topics).
var Topics = []string{
	"Intimate partner violence", "Substance use", "Attachment", "Postpartum depression", "Trauma",
	"Safe sleep", "Child development", "Assessments and screenings", "Social-emotional development",
	"Challenging behaviors", "Staff wellness and resilience", "Family engagement",
}

// ReferralKinds are the kinds of service a referral is made to (no diagnosis, only where to).
var ReferralKinds = []struct{ Value, Label string }{
	{"mental_health", "Mental health services"},
	{"early_intervention", "Early Intervention evaluation"},
	{"developmental_screening", "Developmental screening"},
	{"parenting_support", "Parenting support"},
	{"substance_use", "Substance use services"},
	{"domestic_violence", "Domestic violence services"},
	{"basic_needs", "Basic needs (housing, food, income)"},
	{"health_care", "Health care"},
	{"other", "Other"},
}

// Engagement is one consultant with one program, with a focus, through the cycle. Contacts,
// Minutes and the first/last contact dates are the dosage counters, kept with every session.
type Engagement struct {
	bun.BaseModel `bun:"table:engagements,alias:e"`
	database.TenantScoped

	ID                  string          `bun:"id,pk"`
	AssignmentID        string          `bun:"assignment_id"`
	ProfileID           string          `bun:"profile_id"`
	ProgramID           string          `bun:"program_id"`
	Focus               string          `bun:"focus"`
	SiteID              string          `bun:"site_id"`
	FocusLabel          string          `bun:"focus_label"`
	ChildInitials       string          `bun:"child_initials"`
	ChildAgeBand        string          `bun:"child_age_band"`
	Stage               string          `bun:"stage"`
	Kind                string          `bun:"kind"`
	CoachingStartedOn   string          `bun:"coaching_started_on"`
	OpenedOn            string          `bun:"opened_on"`
	ClosedOn            string          `bun:"closed_on"`
	DefaultParticipants database.Counts `bun:"default_participants,type:text"`
	LastMode            string          `bun:"last_mode"`
	Contacts            int             `bun:"contacts"`
	Minutes             int             `bun:"minutes"`
	FirstContactOn      string          `bun:"first_contact_on"`
	LastContactOn       string          `bun:"last_contact_on"`
	// Child outcome at close and the optional equity details, for a child/family focus only
	// (app/reports counts them, suppressed under ten): empty means not recorded.
	ChildOutcome       string    `bun:"child_outcome"`
	ChildRaceEthnicity string    `bun:"child_race_ethnicity"`
	ChildSex           string    `bun:"child_sex"`
	ChildDLL           string    `bun:"child_dll"`
	ChildIEPIFSP       string    `bun:"child_iep_ifsp"`
	CreatedBy          string    `bun:"created_by"`
	CreatedAt          time.Time `bun:"created_at"`
	UpdatedAt          time.Time `bun:"updated_at"`

	ConsultantName string `bun:"consultant_name,scanonly"`
	ConsultantUser string `bun:"consultant_user,scanonly"`
	ProgramName    string `bun:"program_name,scanonly"`
	SiteName       string `bun:"site_name,scanonly"`
}

// Move is one dated step of an engagement through the cycle; Reason is required when walking
// back or skipping stages.
type Move struct {
	bun.BaseModel `bun:"table:engagement_moves,alias:em"`
	database.TenantScoped

	ID           string `bun:"id,pk"`
	EngagementID string `bun:"engagement_id"`
	FromStage    string `bun:"from_stage"`
	ToStage      string `bun:"to_stage"`
	MovedOn      string `bun:"moved_on"`
	MovedBy      string `bun:"moved_by"`
	Reason       string `bun:"reason"`
	// Skipped lists the stages a forward move passed over with nothing done (see cycle.go).
	Skipped   database.StringList `bun:"skipped,type:text"`
	CreatedAt time.Time           `bun:"created_at"`

	MovedByName string `bun:"moved_by_name,scanonly"`
}

// Session is one contact. NotesSealed is the notes encrypted at rest (never shown to program or
// funder users); Summary is what the program sees.
type Session struct {
	bun.BaseModel `bun:"table:consultation_sessions,alias:s"`
	database.TenantScoped

	ID            string              `bun:"id,pk"`
	EngagementID  string              `bun:"engagement_id"`
	ProfileID     string              `bun:"profile_id"`
	ProgramID     string              `bun:"program_id"`
	HeldOn        string              `bun:"held_on"` // YYYY-MM-DD
	Minutes       int                 `bun:"minutes"`
	Mode          string              `bun:"mode"`
	Service       string              `bun:"service"`
	TrainingTopic string              `bun:"training_topic"`
	Participants  database.Counts     `bun:"participants,type:text"`
	Topics        database.StringList `bun:"topics,type:text"`
	NotesSealed   string              `bun:"notes_sealed"`
	Summary       string              `bun:"summary"`
	UnlockedUntil *time.Time          `bun:"unlocked_until"`
	UnlockedBy    string              `bun:"unlocked_by"`
	UnlockReason  string              `bun:"unlock_reason"`
	CreatedBy     string              `bun:"created_by"`
	CreatedAt     time.Time           `bun:"created_at"`
	UpdatedAt     time.Time           `bun:"updated_at"`

	ProgramName    string `bun:"program_name,scanonly"`
	ConsultantName string `bun:"consultant_name,scanonly"`
}

// Editable reports whether the session may still be changed at now: for EditableDays after it
// was recorded, or while a supervisor's unlock lasts.
func (s *Session) Editable(now time.Time) bool {
	if now.Before(s.CreatedAt.Add(EditableDays * 24 * time.Hour)) {
		return true
	}
	return s.UnlockedUntil != nil && now.Before(*s.UnlockedUntil)
}

// FollowUp is something to do by a date, noted at a session.
type FollowUp struct {
	bun.BaseModel `bun:"table:session_followups,alias:fu"`
	database.TenantScoped

	ID           string    `bun:"id,pk"`
	SessionID    string    `bun:"session_id"`
	EngagementID string    `bun:"engagement_id"`
	ProfileID    string    `bun:"profile_id"`
	Description  string    `bun:"description"`
	DueOn        string    `bun:"due_on"`
	DoneOn       string    `bun:"done_on"`
	CreatedAt    time.Time `bun:"created_at"`

	ProgramName string `bun:"program_name,scanonly"`
}

// Referral records that a referral was made at a session, to a kind of service.
type Referral struct {
	bun.BaseModel `bun:"table:session_referrals,alias:rf"`
	database.TenantScoped

	ID           string `bun:"id,pk"`
	SessionID    string `bun:"session_id"`
	EngagementID string `bun:"engagement_id"`
	Kind         string `bun:"kind"`
	Note         string `bun:"note"`
}

// Resource is an entry of the tenant's resource library (seeded from seeds/004).
type Resource struct {
	bun.BaseModel `bun:"table:resources,alias:res"`
	database.TenantScoped

	ID          string    `bun:"id,pk"`
	Title       string    `bun:"title"`
	URL         string    `bun:"url"`
	Topic       string    `bun:"topic"`
	Audience    string    `bun:"audience"`
	Description string    `bun:"description"`
	CreatedAt   time.Time `bun:"created_at"`
	UpdatedAt   time.Time `bun:"updated_at"`
}

// Resource sharing at a session.
const (
	SharedWithProgram = "program"
	SharedWithFamily  = "family"
)

// SessionResource is a resource shared at a session, with the program or with the family.
type SessionResource struct {
	bun.BaseModel `bun:"table:session_resources,alias:sres"`
	database.TenantScoped

	SessionID    string `bun:"session_id,pk"`
	ResourceID   string `bun:"resource_id,pk"`
	EngagementID string `bun:"engagement_id"`
	SharedWith   string `bun:"shared_with"`
}

// Instrument is an assessment instrument (TPITOS, TPOT, CLASS, DECA-P2, or the tenant's own).
type Instrument struct {
	bun.BaseModel `bun:"table:instruments,alias:ins"`
	database.TenantScoped

	ID             string    `bun:"id,pk"`
	Name           string    `bun:"name"`
	ShortName      string    `bun:"short_name"`
	Description    string    `bun:"description"`
	HigherIsBetter bool      `bun:"higher_is_better"`
	Builtin        string    `bun:"builtin"`
	CreatedAt      time.Time `bun:"created_at"`

	Subscales []Subscale `bun:"-"`
}

// Subscale is one scored part of an instrument; scores are in hundredths.
type Subscale struct {
	bun.BaseModel `bun:"table:instrument_subscales,alias:sub"`
	database.TenantScoped

	ID             string `bun:"id,pk"`
	InstrumentID   string `bun:"instrument_id"`
	Name           string `bun:"name"`
	Position       int    `bun:"position"`
	MinHundredths  int64  `bun:"min_hundredths"`
	MaxHundredths  int64  `bun:"max_hundredths"`
	HigherIsBetter bool   `bun:"higher_is_better"`
}

// Assessment phases.
const (
	PhasePre  = "pre"
	PhasePost = "post"
)

// Assessment is one administration of an instrument in an engagement.
type Assessment struct {
	bun.BaseModel `bun:"table:assessments,alias:asm"`
	database.TenantScoped

	ID             string    `bun:"id,pk"`
	EngagementID   string    `bun:"engagement_id"`
	InstrumentID   string    `bun:"instrument_id"`
	Phase          string    `bun:"phase"`
	AdministeredOn string    `bun:"administered_on"`
	AdministeredBy string    `bun:"administered_by"`
	CreatedAt      time.Time `bun:"created_at"`
	UpdatedAt      time.Time `bun:"updated_at"`

	Scores map[string]int64 `bun:"-"` // subscale id → hundredths
}

// Score is one subscale's score of an assessment.
type Score struct {
	bun.BaseModel `bun:"table:assessment_scores,alias:sc"`
	database.TenantScoped

	AssessmentID    string `bun:"assessment_id,pk"`
	SubscaleID      string `bun:"subscale_id,pk"`
	ScoreHundredths int64  `bun:"score_hundredths"`
}

// Plan statuses: a consultant drafts the plan; the program's educators agree to it in the
// browser (who and when is recorded).
const (
	PlanDraft  = "draft"
	PlanAgreed = "agreed"
)

// Plan is a quality improvement plan of an engagement.
type Plan struct {
	bun.BaseModel `bun:"table:qi_plans,alias:qp"`
	database.TenantScoped

	ID           string     `bun:"id,pk"`
	EngagementID string     `bun:"engagement_id"`
	Status       string     `bun:"status"`
	StartsOn     string     `bun:"starts_on"`
	EndsOn       string     `bun:"ends_on"`
	AgreedBy     string     `bun:"agreed_by"`    // the program user who recorded the agreement
	AgreedNames  string     `bun:"agreed_names"` // the educators who agreed, as they typed them
	AgreedAt     *time.Time `bun:"agreed_at"`
	CreatedBy    string     `bun:"created_by"`
	CreatedAt    time.Time  `bun:"created_at"`
	UpdatedAt    time.Time  `bun:"updated_at"`

	Goals []Goal `bun:"-"`
}

// Goal statuses.
const (
	GoalNotStarted = "not_started"
	GoalInProgress = "in_progress"
	GoalMet        = "met"
	GoalNotMet     = "not_met"
)

// Goal is a measurable goal of a plan.
type Goal struct {
	bun.BaseModel `bun:"table:qi_goals,alias:qg"`
	database.TenantScoped

	ID       string `bun:"id,pk"`
	PlanID   string `bun:"plan_id"`
	Position int    `bun:"position"`
	// Text is the goal in words. (Not named Goal: a GoalView embeds Goal, and {{.Goal}} in a
	// template would print the whole record instead of its words.)
	Text      string    `bun:"goal"`
	Indicator string    `bun:"indicator"`
	Baseline  string    `bun:"baseline"`
	Target    string    `bun:"target"`
	Owner     string    `bun:"owner"`
	DueOn     string    `bun:"due_on"`
	Status    string    `bun:"status"`
	CreatedAt time.Time `bun:"created_at"`
	UpdatedAt time.Time `bun:"updated_at"`
}

// GoalUpdate is progress on a goal, usually recorded at a session.
type GoalUpdate struct {
	bun.BaseModel `bun:"table:qi_goal_updates,alias:qgu"`
	database.TenantScoped

	ID        string    `bun:"id,pk"`
	GoalID    string    `bun:"goal_id"`
	SessionID string    `bun:"session_id"`
	Status    string    `bun:"status"`
	Note      string    `bun:"note"`
	CreatedBy string    `bun:"created_by"`
	CreatedAt time.Time `bun:"created_at"`
}
