// Package consultants is the consultant workforce: consultant profiles and the registry
// (an application reviewed by a tenant admin against the tenant's competency checklist), the
// public consultant search, and requests for a consultant.
package consultants

import (
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/steps"
)

// Profile statuses: a consultant drafts a profile, submits it as an application; a tenant
// admin approves it or returns it with comments. Only approved, active profiles are public.
const (
	StatusDraft     = "draft"
	StatusSubmitted = "submitted"
	StatusReturned  = "returned"
	StatusApproved  = "approved"
)

// Profile is a consultant's registry entry in one tenant.
type Profile struct {
	bun.BaseModel `bun:"table:consultant_profiles,alias:cp"`
	database.TenantScoped

	ID              string              `bun:"id,pk"`
	UserID          string              `bun:"user_id"`
	AgencyID        string              `bun:"agency_id"`
	DisplayName     string              `bun:"display_name"`
	Languages       database.StringList `bun:"languages,type:text"`
	Counties        database.StringList `bun:"counties,type:text"`
	Settings        database.StringList `bun:"settings,type:text"`
	Specialties     database.StringList `bun:"specialties,type:text"`
	Modes           database.StringList `bun:"modes,type:text"`
	Capacity        int                 `bun:"capacity"` // how many more programs they can take
	Bio             string              `bun:"bio"`
	HiredOn         string              `bun:"hired_on"` // YYYY-MM-DD, set by a tenant admin; deadlines count from it
	Status          string              `bun:"status"`
	Active          bool                `bun:"active"`
	ReviewChecklist database.StringList `bun:"review_checklist,type:text"` // the competencies the reviewer ticked
	ReviewComments  string              `bun:"review_comments"`
	SubmittedAt     *time.Time          `bun:"submitted_at"`
	ReviewedAt      *time.Time          `bun:"reviewed_at"`
	ReviewedBy      string              `bun:"reviewed_by"`
	CreatedAt       time.Time           `bun:"created_at"`
	UpdatedAt       time.Time           `bun:"updated_at"`
}

// Facet kinds: what the public search filters on. Each profile has a row per value.
const (
	FacetCounty    = "county"
	FacetLanguage  = "language"
	FacetSetting   = "setting"
	FacetSpecialty = "specialty"
	FacetMode      = "mode"
)

// Facet is one searchable value of a profile.
type Facet struct {
	bun.BaseModel `bun:"table:consultant_facets,alias:cf"`
	database.TenantScoped

	ProfileID string `bun:"profile_id,pk"`
	Facet     string `bun:"facet,pk"`
	Value     string `bun:"value,pk"`
}

// Document is a file attached to an application (a résumé, an endorsement certificate).
// Its bytes live in object storage under StorageKey.
type Document struct {
	bun.BaseModel `bun:"table:consultant_documents,alias:cd"`
	database.TenantScoped

	ID          string    `bun:"id,pk"`
	ProfileID   string    `bun:"profile_id"`
	FileName    string    `bun:"file_name"`
	ContentType string    `bun:"content_type"`
	SizeBytes   int64     `bun:"size_bytes"`
	StorageKey  string    `bun:"storage_key"`
	UploadedAt  time.Time `bun:"uploaded_at"`
}

// Request statuses: a public request waits for its email to be confirmed, then is open in the
// tenant admin's queue until a consultant is assigned (matching comes with a later change).
const (
	RequestUnconfirmed = "unconfirmed"
	RequestOpen        = "open"
	RequestAssigned    = "assigned"
	RequestClosed      = "closed"
)

// requestFlow is a request's workflow: confirmed by email it opens; an open request is
// assigned a consultant or closed without one. A request keeps no history table of its own:
// its audit events are its history.
var requestFlow = &steps.Flow{
	Model:  (*Request)(nil),
	Column: "status",
	Record: "consultant_request",
	Moves: map[string][]string{
		RequestUnconfirmed: {RequestOpen},
		RequestOpen:        {RequestAssigned, RequestClosed},
	},
	Conflict: "This request was just answered by someone else.",
}

// Request asks for a consultant, from the public form or a signed-in program person.
type Request struct {
	bun.BaseModel `bun:"table:consultant_requests,alias:cr"`
	database.TenantScoped

	ID                string     `bun:"id,pk"`
	ProfileID         string     `bun:"profile_id"` // the consultant asked for, if any
	ProgramID         string     `bun:"program_id"` // set when a program person asked
	OrganisationName  string     `bun:"organisation_name"`
	County            string     `bun:"county"`
	Need              string     `bun:"need"`
	PreferredLanguage string     `bun:"preferred_language"`
	ContactName       string     `bun:"contact_name"`
	ContactEmail      string     `bun:"contact_email"`
	ContactPhone      string     `bun:"contact_phone"`
	Status            string     `bun:"status"`
	ConfirmTokenHash  string     `bun:"confirm_token_hash"`
	ConfirmedAt       *time.Time `bun:"confirmed_at"`
	DecisionNote      string     `bun:"decision_note"` // why a request was closed without a consultant
	DecidedAt         *time.Time `bun:"decided_at"`
	DecidedBy         string     `bun:"decided_by"`
	CreatedAt         time.Time  `bun:"created_at"`
	UpdatedAt         time.Time  `bun:"updated_at"`
}

// Assignment statuses.
const (
	AssignmentActive = "active"
	AssignmentEnded  = "ended"
)

// assignmentFlow is an assignment's workflow: an active assignment ends, once.
var assignmentFlow = &steps.Flow{
	Model:    (*Assignment)(nil),
	Column:   "status",
	Record:   "consultant_assignment",
	Moves:    map[string][]string{AssignmentActive: {AssignmentEnded}},
	Conflict: "This assignment was just ended by someone else.",
}

// Assignment links a consultant (profile) to a program (an organisation of kind program): the
// consultant consults with that program. It is what the consultation records build on. An
// active assignment takes one of the consultant's places (Profile.Capacity goes down by one;
// ending it gives the place back).
type Assignment struct {
	bun.BaseModel `bun:"table:consultant_assignments,alias:ca"`
	database.TenantScoped

	ID        string    `bun:"id,pk"`
	ProfileID string    `bun:"profile_id"`
	ProgramID string    `bun:"program_id"`
	RequestID string    `bun:"request_id"` // the request it answered, if any
	Status    string    `bun:"status"`
	StartedOn string    `bun:"started_on"` // YYYY-MM-DD
	EndedOn   string    `bun:"ended_on"`
	CreatedBy string    `bun:"created_by"`
	CreatedAt time.Time `bun:"created_at"`
	UpdatedAt time.Time `bun:"updated_at"`
}

// Settings a consultant works in (program kinds, in the source documents' words).
var Settings = []struct{ Value, Label string }{
	{"home_visiting", "Home visiting"},
	{"doula", "Doula"},
	{"coordinated_intake", "Coordinated intake"},
	{"child_care_center", "Child care center"},
	{"family_child_care_home", "Family child care"},
	{"head_start", "Head Start"},
	{"early_intervention", "Early Intervention"},
}

// Specialties built into every tenant: the mini-training topics of the Illinois model. A
// tenant adds its own (tenants.specialties).
var Specialties = []string{
	"Intimate partner violence", "Substance use", "Attachment", "Postpartum depression", "Trauma",
	"Safe sleep", "Child development", "Assessments and screenings",
}

// Modes of delivery.
var Modes = []struct{ Value, Label string }{
	{"in_person", "In person"},
	{"virtual", "Virtual"},
	{"hybrid", "Hybrid"},
}
