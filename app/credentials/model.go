// Package credentials holds credentials against the tenant's staffing requirements: the
// requirements (required or recommended, some with a deadline counted from the hire date) and
// the kinds of credential that meet each, a consultant's own credentials with their evidence,
// a tenant admin's verification, the staffing views (who meets what, who lacks what, by when)
// and the daily reminders before an expiry or a deadline.
//
// The rule: a requirement is met by a verified credential of one of its kinds that has not
// expired (in the tenant's time zone; a credential is good through its expiry date). A
// "supervision" requirement is met when the consultant has a reflective supervisor assigned
// (app/supervision).
package credentials

import (
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/database"
)

// Levels of a requirement: a required one counts as lacking when unmet; a recommended one is
// shown but not counted.
const (
	LevelRequired    = "required"
	LevelRecommended = "recommended"
)

// Rules: how a requirement is met.
const (
	RuleCredential  = "credential"  // a verified, unexpired credential of one of its kinds
	RuleSupervision = "supervision" // an assigned reflective supervisor
)

// Built-in sets (Requirement.Builtin says which one added a requirement).
const (
	BuiltinNC   = "nc"
	BuiltinOhio = "ohio"
)

// Requirement is one line of the tenant's staffing requirements.
type Requirement struct {
	bun.BaseModel `bun:"table:staffing_requirements,alias:sreq"`
	database.TenantScoped

	ID           string    `bun:"id,pk"`
	Name         string    `bun:"name"`
	Description  string    `bun:"description"`
	Level        string    `bun:"level"`
	Rule         string    `bun:"rule"`
	DeadlineDays int       `bun:"deadline_days"` // after the hire date; 0: no deadline
	Position     int       `bun:"position"`
	Builtin      string    `bun:"builtin"`
	CreatedAt    time.Time `bun:"created_at"`
	UpdatedAt    time.Time `bun:"updated_at"`

	Kinds []Kind `bun:"-"`
}

// Recommended reports whether the requirement is only recommended.
func (r *Requirement) Recommended() bool { return r.Level == LevelRecommended }

// LevelLabel is the level in plain words.
func (r *Requirement) LevelLabel() string {
	if r.Recommended() {
		return "Recommended"
	}
	return "Required"
}

// RuleLabel says how the requirement is met.
func (r *Requirement) RuleLabel() string {
	if r.Rule == RuleSupervision {
		return "An assigned reflective supervisor"
	}
	return "A verified credential"
}

// DeadlineText says the deadline in plain words.
func (r *Requirement) DeadlineText() string {
	switch {
	case r.DeadlineDays == 0:
		return "No deadline"
	case r.DeadlineDays == 365:
		return "Within one year of hire"
	case r.DeadlineDays == 1:
		return "Within 1 day of hire"
	}
	return "Within " + itoa(r.DeadlineDays) + " days of hire"
}

// Kind is a kind of credential that meets a requirement.
type Kind struct {
	bun.BaseModel `bun:"table:credential_kinds,alias:ck"`
	database.TenantScoped

	ID            string    `bun:"id,pk"`
	RequirementID string    `bun:"requirement_id"`
	Name          string    `bun:"name"`
	Issuer        string    `bun:"issuer"`
	ValidMonths   int       `bun:"valid_months"` // 0: does not expire
	Position      int       `bun:"position"`
	CreatedAt     time.Time `bun:"created_at"`

	Used int `bun:"used,scanonly"` // how many credentials are of this kind
}

// ValidText says how long a credential of the kind is good for.
func (k *Kind) ValidText() string {
	switch m := k.ValidMonths; {
	case m == 0:
		return "Does not expire"
	case m == 1:
		return "1 month"
	case m == 12:
		return "1 year"
	case m%12 == 0:
		return itoa(m/12) + " years"
	default:
		return itoa(m) + " months"
	}
}

// Credential statuses: a consultant submits a credential; a tenant admin verifies it or
// returns it with a note. Changing a credential sends it back to submitted.
const (
	StatusSubmitted = "submitted"
	StatusVerified  = "verified"
	StatusReturned  = "returned"
)

// Credential is one credential of a consultant (profile), with its evidence in object storage.
type Credential struct {
	bun.BaseModel `bun:"table:consultant_credentials,alias:cc"`
	database.TenantScoped

	ID           string     `bun:"id,pk"`
	ProfileID    string     `bun:"profile_id"`
	KindID       string     `bun:"kind_id"`
	Issuer       string     `bun:"issuer"`
	Number       string     `bun:"number"`
	IssuedOn     string     `bun:"issued_on"`  // YYYY-MM-DD
	ExpiresOn    string     `bun:"expires_on"` // YYYY-MM-DD, "" when it does not expire
	EvidenceKey  string     `bun:"evidence_key"`
	EvidenceName string     `bun:"evidence_name"`
	EvidenceType string     `bun:"evidence_type"`
	EvidenceSize int64      `bun:"evidence_size"`
	Status       string     `bun:"status"`
	ReviewNote   string     `bun:"review_note"`
	VerifiedBy   string     `bun:"verified_by"`
	VerifiedAt   *time.Time `bun:"verified_at"`
	CreatedAt    time.Time  `bun:"created_at"`
	UpdatedAt    time.Time  `bun:"updated_at"`

	KindName        string `bun:"kind_name,scanonly"`
	RequirementID   string `bun:"requirement_id,scanonly"`
	RequirementName string `bun:"requirement_name,scanonly"`
}

// Verified reports whether a tenant admin verified the credential.
func (c *Credential) Verified() bool { return c.Status == StatusVerified }

// Expired reports whether the credential's expiry is before today (YYYY-MM-DD).
func (c *Credential) Expired(today string) bool { return c.ExpiresOn != "" && c.ExpiresOn < today }

// Good reports whether the credential meets its requirement today: verified and not expired.
func (c *Credential) Good(today string) bool { return c.Verified() && !c.Expired(today) }

// Reminder is one reminder sent: for a subject (a credential's expiry, or a consultant's
// requirement deadline), its due date and the threshold (days before) it was sent at.
type Reminder struct {
	bun.BaseModel `bun:"table:staffing_reminders,alias:srem"`
	database.TenantScoped

	Subject       string    `bun:"subject,pk"`
	DueOn         string    `bun:"due_on,pk"`
	ThresholdDays int       `bun:"threshold_days,pk"`
	SentAt        time.Time `bun:"sent_at"`
}

// Thresholds are the days before a due date that a reminder goes out at.
var Thresholds = []int{60, 30, 7}

// ExpiringSoonDays is how close an expiry is shown as "expiring soon".
const ExpiringSoonDays = 60

// Limits on the forms.
const (
	MaxName         = 200
	MaxDescription  = 2000
	MaxIssuer       = 200
	MaxNumber       = 100
	MaxNote         = 2000
	MaxDeadlineDays = 3650
	MaxValidMonths  = 120
)
