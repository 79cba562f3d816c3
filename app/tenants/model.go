// Package tenants holds tenants (a state system or a local partnership), the organisations
// inside them (funders, programs, consultant agencies), memberships (who holds which role in
// which tenant) and invitations, the tenant middleware, and each role's home page.
package tenants

import (
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/database"
)

// Tenant statuses.
const (
	StatusTrial     = "trial"
	StatusActive    = "active"
	StatusPastDue   = "past_due"
	StatusSuspended = "suspended"
	// Set by app/billing from the subscription: cancelled, free use (comped) and a contract paid
	// outside Stripe.
	StatusCanceled = "canceled"
	StatusComped   = "comped"
	StatusContract = "contract"
)

// Tenant kinds.
const (
	KindStateSystem      = "state_system"
	KindLocalPartnership = "local_partnership"
)

// Tenant is a state system or a local partnership.
type Tenant struct {
	bun.BaseModel `bun:"table:tenants,alias:t"`

	ID           string     `bun:"id,pk"`
	Slug         string     `bun:"slug"`
	Name         string     `bun:"name"`
	Kind         string     `bun:"kind"`
	State        string     `bun:"state"`
	Status       string     `bun:"status"`
	Plan         string     `bun:"plan"`
	TimeZone     string     `bun:"time_zone"`
	TrialEndsAt  *time.Time `bun:"trial_ends_at"`
	LastActiveAt *time.Time `bun:"last_active_at"`
	CreatedAt    time.Time  `bun:"created_at"`
	UpdatedAt    time.Time  `bun:"updated_at"`

	// Settings. Fiscal years are named by the calendar year they end in (FY 2026 = July 2025
	// to June 2026 for a July start).
	StateFYStartMonth   int                 `bun:"state_fy_start_month"`
	FederalFYStartMonth int                 `bun:"federal_fy_start_month"`
	Counties            database.StringList `bun:"counties,type:text"`
	Languages           database.StringList `bun:"languages,type:text"`
	SettingsConfirmedAt *time.Time          `bun:"settings_confirmed_at"`
	// The tenant's own session topics and services (the consultation domain's lists, kept on
	// this row): read with the tenant, so the session pages take them from the request's
	// tenant (RequestTenant) rather than reading the row again.
	SessionTopics   database.StringList `bun:"session_topics,type:text"`
	SessionServices database.StringList `bun:"session_services,type:text"`

	// Life: a suspended tenant keeps everything but its people cannot work in it; a deleted one
	// can be restored until PurgeAfter, then the purge task removes every row of it.
	SuspendedAt *time.Time `bun:"suspended_at"`
	DeletedAt   *time.Time `bun:"deleted_at"`
	PurgeAfter  *time.Time `bun:"purge_after"`

	// Access: until when the tenant's people may change its records (nil: no limit), and the
	// sentence they read once it has passed. app/billing keeps both from the trial, the
	// subscription, a comp and contracts (SetAccess); a new tenant's is its trial's end.
	AccessUntil  *time.Time `bun:"access_until"`
	AccessReason string     `bun:"access_reason"`
}

// ReadOnly is why the tenant is read-only at now, or "" while its people may write. Reads,
// reports and exports still work, and its admins can pay; nothing is deleted.
func (t *Tenant) ReadOnly(now time.Time) string {
	if t.AccessUntil == nil || now.Before(*t.AccessUntil) {
		return ""
	}
	if t.AccessReason != "" {
		return t.AccessReason
	}
	return "The trial ended on " + t.AccessUntil.Format("January 2, 2006") + "."
}

// StatusLabel names a tenant status for a person.
func StatusLabel(status string) string {
	switch status {
	case StatusTrial:
		return "Trial"
	case StatusActive:
		return "Active"
	case StatusPastDue:
		return "Past due"
	case StatusCanceled:
		return "Cancelled"
	case StatusComped:
		return "Free use (comped)"
	case StatusContract:
		return "Paid by contract"
	case StatusSuspended:
		return "Suspended"
	}
	return status
}

// StatusLabel is the tenant's status for a person.
func (t *Tenant) StatusLabel() string { return StatusLabel(t.Status) }

// KindLabel is the plain name of the tenant's kind.
func (t *Tenant) KindLabel() string {
	if t.Kind == KindLocalPartnership {
		return "Local partnership"
	}
	return "State system"
}

// Organisation kinds.
const (
	OrgFunder           = "funder"
	OrgProgram          = "program"
	OrgConsultantAgency = "consultant_agency"
)

// OrgKindLabel is the plain name of an organisation kind.
func OrgKindLabel(kind string) string {
	switch kind {
	case OrgFunder:
		return "Funder"
	case OrgProgram:
		return "Program"
	case OrgConsultantAgency:
		return "Consultant agency"
	}
	return kind
}

// Program kinds, from the source documents.
var ProgramKinds = []struct{ Value, Label string }{
	{"home_visiting", "Home visiting"},
	{"doula", "Doula"},
	{"coordinated_intake", "Coordinated intake"},
	{"child_care_center", "Child care center"},
	{"family_child_care_home", "Family child care home"},
	{"head_start", "Head Start / Early Head Start"},
	{"early_intervention", "Early Intervention team"},
}

// ProgramKindLabel is the plain name of a program kind.
func ProgramKindLabel(v string) string {
	for _, k := range ProgramKinds {
		if k.Value == v {
			return k.Label
		}
	}
	return v
}

// Organisation is a funder, a program or a consultant agency inside a tenant.
type Organisation struct {
	bun.BaseModel `bun:"table:organisations,alias:o"`
	database.TenantScoped

	ID          string              `bun:"id,pk"`
	Kind        string              `bun:"kind"`
	Name        string              `bun:"name"`
	ShortName   string              `bun:"short_name"`
	ProgramKind string              `bun:"program_kind"`
	County      string              `bun:"county"`
	Languages   database.StringList `bun:"languages,type:text"`
	CreatedAt   time.Time           `bun:"created_at"`
	UpdatedAt   time.Time           `bun:"updated_at"`
}

// KindLabel is the plain name of the organisation's kind.
func (o Organisation) KindLabel() string { return OrgKindLabel(o.Kind) }

// ProgramKindLabel is the plain name of a program's kind.
func (o Organisation) ProgramKindLabel() string { return ProgramKindLabel(o.ProgramKind) }

// CountyLabel names the program's county for a sentence ("Cook County", "Acadia Parish").
func (o Organisation) CountyLabel() string { return CountyLabel(o.County) }

// Membership gives a person a role in a tenant; funder and program roles name their
// organisation.
type Membership struct {
	bun.BaseModel `bun:"table:memberships,alias:m"`
	database.TenantScoped

	ID             string    `bun:"id,pk"`
	UserID         string    `bun:"user_id"`
	Role           string    `bun:"role"`
	OrganisationID string    `bun:"organisation_id"`
	Active         bool      `bun:"active"`
	CreatedAt      time.Time `bun:"created_at"`
	UpdatedAt      time.Time `bun:"updated_at"`
}

// Member is a membership with its person and organisation, for listings.
type Member struct {
	Membership
	Email            string `bun:"email,scanonly"`
	Name             string `bun:"name,scanonly"`
	OrganisationName string `bun:"organisation_name,scanonly"`
}

// Invitation asks someone to join a tenant with a role. TokenHash is the SHA-256 of the token
// in the emailed link.
type Invitation struct {
	bun.BaseModel `bun:"table:invitations,alias:i"`
	database.TenantScoped

	ID             string     `bun:"id,pk"`
	Email          string     `bun:"email"`
	Name           string     `bun:"name"`
	Role           string     `bun:"role"`
	OrganisationID string     `bun:"organisation_id"`
	TokenHash      string     `bun:"token_hash"`
	InvitedBy      string     `bun:"invited_by"`
	CreatedAt      time.Time  `bun:"created_at"`
	ExpiresAt      time.Time  `bun:"expires_at"`
	AcceptedAt     *time.Time `bun:"accepted_at"`
	RevokedAt      *time.Time `bun:"revoked_at"`

	OrganisationName string `bun:"organisation_name,scanonly"`
}

// InvitationLifetime is how long an invitation link works.
const InvitationLifetime = 14 * 24 * time.Hour

// State is pending, accepted, revoked or expired.
func (i Invitation) State() string {
	switch {
	case i.AcceptedAt != nil:
		return "accepted"
	case i.RevokedAt != nil:
		return "revoked"
	case time.Now().After(i.ExpiresAt):
		return "expired"
	}
	return "pending"
}
