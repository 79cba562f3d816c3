// Package amendments is budget amendments: a program asks a funder to change the budget of a
// funding (add the I/ECMH consultation line, move money between lines, change the total), the
// funder's own process decides it step by step, workers drive it (emails, reminders,
// escalation), and an approved amendment gives the funding a new budget version by itself.
//
// Seed 000: "Programs funded by ISBE Prevention Initiative, Head Start, and DFSS may include
// I/ECMHC in their budgets. To request budget amendments, programs should follow the amendment
// process defined by their funder(s)." The thresholds that classify a proposal are the public
// rules these funders work under: 89 Ill. Adm. Code 1400.240 (transfers of at most the greater of
// $1,000 and 2 % need only notice) and 2 CFR 200.308 (cumulative transfers over 10 % need prior
// approval); each is editable per funder.
//
// Who sees what: a program's people their program's amendments; a funder's people the amendments
// on fundings their funder makes, and those waiting on a step they decide; the tenant admin all
// of them; consultants and supervisors none.
package amendments

import (
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/money"
)

// Statuses of an amendment.
const (
	StatusDraft     = "draft"     // the program is writing it; several may exist
	StatusSubmitted = "submitted" // waiting on a step's decision
	StatusReturned  = "returned"  // sent back for changes; the program edits and resubmits
	StatusApproved  = "approved"  // every step approved; the budget changes on its date
	StatusRecorded  = "recorded"  // notice only: recorded and applied at once, the funder told
	StatusDenied    = "denied"    // final
	StatusWithdrawn = "withdrawn" // the program took it back before any decision
)

// StatusLabel is the status in words.
func StatusLabel(s string) string {
	switch s {
	case StatusDraft:
		return "Draft"
	case StatusSubmitted:
		return "Waiting for a decision"
	case StatusReturned:
		return "Returned for changes"
	case StatusApproved:
		return "Approved"
	case StatusRecorded:
		return "Recorded (notice only)"
	case StatusDenied:
		return "Denied"
	case StatusWithdrawn:
		return "Withdrawn"
	}
	return s
}

// Classes of a proposal.
const (
	ClassNotice   = "notice"   // notice only, no approval
	ClassApproval = "approval" // needs prior approval
	ClassTotal    = "total"    // changes the funding's total: every step
)

// ClassLabel is the class in words.
func ClassLabel(c string) string {
	switch c {
	case ClassNotice:
		return "Notice only"
	case ClassApproval:
		return "Needs approval"
	case ClassTotal:
		return "Changes the total"
	}
	return c
}

// Who decides a step.
const (
	DeciderFunder       = "funder"       // the funder's own people
	DeciderTenantAdmin  = "tenant_admin" // the tenant's admins
	DeciderOrganisation = "organisation" // the people of a named organisation of the tenant
)

// DefaultResponseDays is a step's default time to respond: Illinois's uniform grant agreement
// gives the grantor 30 days.
const DefaultResponseDays = 30

// WaitingOn is the amendments.waiting_on value for a step of amendment a: whose decision it
// waits for ("funder:<funder id>", "tenant_admin", "organisation:<organisation id>").
func WaitingOn(a *Amendment, st StepSnapshot) string {
	switch st.Decider {
	case DeciderFunder:
		return "funder:" + a.FunderID
	case DeciderOrganisation:
		return "organisation:" + st.OrganisationID
	}
	return st.Decider
}

// Step is one step of a funder's process.
type Step struct {
	bun.BaseModel `bun:"table:amendment_steps,alias:ast"`
	database.TenantScoped

	ID             string    `bun:"id,pk"`
	FunderID       string    `bun:"funder_id"`
	Position       int       `bun:"position"`
	Name           string    `bun:"name"`
	Decider        string    `bun:"decider"`
	OrganisationID string    `bun:"organisation_id"`
	ResponseDays   int       `bun:"response_days"`
	CreatedAt      time.Time `bun:"created_at"`
	UpdatedAt      time.Time `bun:"updated_at"`

	OrganisationName string `bun:"organisation_name,scanonly"`
}

// Rules are a funder's thresholds. A funder without a row has DefaultRules.
type Rules struct {
	bun.BaseModel `bun:"table:amendment_rules,alias:ar"`
	database.TenantScoped

	FunderID     string            `bun:"funder_id,pk"`
	NoticeCents  money.Cents       `bun:"notice_cents"`  // [$1,000]
	NoticeBP     money.BasisPoints `bun:"notice_bp"`     // [2 %]
	ApprovalBP   money.BasisPoints `bun:"approval_bp"`   // [10 %]
	ReminderDays int               `bun:"reminder_days"` // a reminder this many days before a step is due
	UpdatedBy    string            `bun:"updated_by"`
	UpdatedAt    time.Time         `bun:"updated_at"`
}

// DefaultRules are the public rules: 89 Ill. Adm. Code 1400.240 and 2 CFR 200.308.
func DefaultRules(funderID string) Rules {
	return Rules{FunderID: funderID, NoticeCents: 1_000_00, NoticeBP: 200, ApprovalBP: 1000, ReminderDays: 5}
}

// StepSnapshot is a step as an amendment was submitted with it: the process may change later,
// an amendment under way keeps the steps it started with.
type StepSnapshot struct {
	Name             string `json:"name"`
	Decider          string `json:"decider"`
	OrganisationID   string `json:"organisation_id,omitempty"`
	OrganisationName string `json:"organisation_name,omitempty"`
	ResponseDays     int    `json:"response_days"`
}

// Amendment is one budget amendment of one funding.
type Amendment struct {
	bun.BaseModel `bun:"table:amendments,alias:am"`
	database.TenantScoped

	ID              string         `bun:"id,pk"`
	Number          int            `bun:"number"` // per tenant: "Amendment 12"
	FundingID       string         `bun:"funding_id"`
	ProgramID       string         `bun:"program_id"`
	FunderID        string         `bun:"funder_id"`
	Status          string         `bun:"status"`
	Class           string         `bun:"class"`
	Version         int            `bun:"version"` // submissions so far; 0 for a draft never submitted
	Step            int            `bun:"step"`    // the step waiting (0-based), while submitted
	Steps           []StepSnapshot `bun:"steps,type:text"`
	StepOpenedAt    *time.Time     `bun:"step_opened_at"`
	StepDueOn       string         `bun:"step_due_on"` // YYYY-MM-DD
	Overdue         bool           `bun:"overdue"`
	WaitingOn       string         `bun:"waiting_on"`   // WaitingOn(a, step) while submitted, else ""
	EffectiveOn     string         `bun:"effective_on"` // YYYY-MM-DD
	Justification   string         `bun:"justification"`
	BeforeCents     money.Cents    `bun:"before_cents"`
	AfterCents      money.Cents    `bun:"after_cents"`
	MovedCents      money.Cents    `bun:"moved_cents"`
	CreatedBy       string         `bun:"created_by"`
	CreatedAt       time.Time      `bun:"created_at"`
	UpdatedAt       time.Time      `bun:"updated_at"`
	SubmittedAt     *time.Time     `bun:"submitted_at"`
	DecidedAt       *time.Time     `bun:"decided_at"`
	AppliedAt       *time.Time     `bun:"applied_at"`
	BudgetVersionID string         `bun:"budget_version_id"`
	DocumentRunID   string         `bun:"document_run_id"`

	ProgramName string `bun:"program_name,scanonly"`
	FunderName  string `bun:"funder_name,scanonly"`
	FiscalYear  int    `bun:"fiscal_year,scanonly"`
	FYLabel     string `bun:"-"` // "FY 2025–26", on the funder\'s calendar
	AuthorName  string `bun:"author_name,scanonly"`

	Lines []Line `bun:"-"`
}

// Net is the change of the total.
func (a *Amendment) Net() money.Cents { return a.AfterCents - a.BeforeCents }

// Title is how people name it: "Amendment 12".
func (a *Amendment) Title() string { return "Amendment " + itoa(a.Number) }

// StatusLabel is the status in words.
func (a *Amendment) StatusLabel() string { return StatusLabel(a.Status) }

// ClassLabel is the class in words.
func (a *Amendment) ClassLabel() string { return ClassLabel(a.Class) }

// CurrentStep is the step waiting for a decision, or nil.
func (a *Amendment) CurrentStep() *StepSnapshot {
	if a.Status != StatusSubmitted || a.Step < 0 || a.Step >= len(a.Steps) {
		return nil
	}
	return &a.Steps[a.Step]
}

// Line is one line of a proposal: an existing budget line (BudgetLineID set, CurrentCents its
// amount now) or a new one (BudgetLineID empty, CurrentCents 0). Removing a line proposes 0.
type Line struct {
	bun.BaseModel `bun:"table:amendment_lines,alias:al"`
	database.TenantScoped

	AmendmentID   string      `bun:"amendment_id,pk"`
	Position      int         `bun:"position,pk"`
	BudgetLineID  string      `bun:"budget_line_id"`
	Category      string      `bun:"category"`
	CurrentCents  money.Cents `bun:"current_cents"`
	ProposedCents money.Cents `bun:"proposed_cents"`
	Justification string      `bun:"justification"`
}

// Change is the line's proposed change.
func (l Line) Change() money.Cents { return l.ProposedCents - l.CurrentCents }

// IsNew reports whether the line is not in the funding's budget yet.
func (l Line) IsNew() bool { return l.BudgetLineID == "" }

// Version is one submission of an amendment, as it was submitted.
type Version struct {
	bun.BaseModel `bun:"table:amendment_versions,alias:av"`
	database.TenantScoped

	ID            string      `bun:"id,pk"`
	AmendmentID   string      `bun:"amendment_id"`
	Number        int         `bun:"number"`
	Class         string      `bun:"class"`
	Lines         []LineValue `bun:"lines,type:text"`
	Justification string      `bun:"justification"`
	EffectiveOn   string      `bun:"effective_on"`
	SubmittedBy   string      `bun:"submitted_by"`
	SubmittedAt   time.Time   `bun:"submitted_at"`
}

// LineValue is a line as a version or an adjusted decision keeps it.
type LineValue struct {
	BudgetLineID  string      `json:"budget_line_id,omitempty"`
	Category      string      `json:"category"`
	CurrentCents  money.Cents `json:"current_cents"`
	ProposedCents money.Cents `json:"proposed_cents"`
	Justification string      `json:"justification,omitempty"`
}

// Decisions.
const (
	DecisionApproved = "approved"
	DecisionAdjusted = "approved_adjusted" // approved with some lines' amounts adjusted
	DecisionReturned = "returned"
	DecisionDenied   = "denied"
)

// DecisionLabel is the decision in words.
func DecisionLabel(d string) string {
	switch d {
	case DecisionApproved:
		return "Approved"
	case DecisionAdjusted:
		return "Approved with adjusted amounts"
	case DecisionReturned:
		return "Returned for changes"
	case DecisionDenied:
		return "Denied"
	}
	return d
}

// Decision is one step's decision on one version.
type Decision struct {
	bun.BaseModel `bun:"table:amendment_decisions,alias:ad"`
	database.TenantScoped

	ID          string      `bun:"id,pk"`
	AmendmentID string      `bun:"amendment_id"`
	Version     int         `bun:"version"`
	Step        int         `bun:"step"`
	StepName    string      `bun:"step_name"`
	Decision    string      `bun:"decision"`
	Comment     string      `bun:"comment"`
	Adjusted    []LineValue `bun:"adjusted,type:text"`
	DecidedBy   string      `bun:"decided_by"`
	DecidedAt   time.Time   `bun:"decided_at"`

	DeciderName string `bun:"decider_name,scanonly"`
}

// Label is the decision in words.
func (d Decision) Label() string { return DecisionLabel(d.Decision) }

// Comment is one message of an amendment's thread, which both sides see.
type Comment struct {
	bun.BaseModel `bun:"table:amendment_comments,alias:ac"`
	database.TenantScoped

	ID          string    `bun:"id,pk"`
	AmendmentID string    `bun:"amendment_id"`
	AuthorID    string    `bun:"author_id"`
	Body        string    `bun:"body"`
	CreatedAt   time.Time `bun:"created_at"`

	AuthorName string `bun:"author_name,scanonly"`
}

// Attachment is a file the program attached (the registry's content checks and storage).
type Attachment struct {
	bun.BaseModel `bun:"table:amendment_attachments,alias:aa"`
	database.TenantScoped

	ID          string    `bun:"id,pk"`
	AmendmentID string    `bun:"amendment_id"`
	FileName    string    `bun:"file_name"`
	ContentType string    `bun:"content_type"`
	SizeBytes   int64     `bun:"size_bytes"`
	StorageKey  string    `bun:"storage_key"`
	UploadedBy  string    `bun:"uploaded_by"`
	CreatedAt   time.Time `bun:"created_at"`
}

// MoveRow is the history the steps helper writes: every change of status (and every step
// approved), by whom, when.
type MoveRow struct {
	bun.BaseModel `bun:"table:amendment_moves,alias:amv"`
	database.TenantScoped

	ID          string    `bun:"id,pk"`
	AmendmentID string    `bun:"amendment_id"`
	FromStatus  string    `bun:"from_status"`
	ToStatus    string    `bun:"to_status"`
	Version     int       `bun:"version"`
	Step        int       `bun:"step"`
	Note        string    `bun:"note"`
	MovedBy     string    `bun:"moved_by"`
	CreatedAt   time.Time `bun:"created_at"`

	MoverName string `bun:"mover_name,scanonly"`
}

// Event marks something a task did once for an amendment ("opened:2:1", "remind:2:1",
// "overdue:2:1", "applied", "document", "applied-mail"): the row and the effect are written in
// one transaction, so a task run twice finds the row and does nothing.
type Event struct {
	bun.BaseModel `bun:"table:amendment_events,alias:aev"`
	database.TenantScoped

	AmendmentID string    `bun:"amendment_id,pk"`
	Event       string    `bun:"event,pk"`
	DoneAt      time.Time `bun:"done_at"`
}

func itoa(n int) string { return strconv.Itoa(n) }
