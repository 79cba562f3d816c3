// Package signup is the public sign-up: an agency asks for a tenant, the admin confirms the
// email through a signed link, and only then are the tenant (on a trial), the admin's account
// and membership created. Nothing is stored between the two steps: the link carries the form,
// signed with the server's secret key, so a bot filling the form writes nothing but an email.
package signup

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/tenants"
)

// Request is what the sign-up form asked for; the confirmation link carries it, signed.
type Request struct {
	// ID is the new tenant's id, chosen at sign-up: a second use of the link finds the tenant
	// it created (and says so) rather than a stranger's.
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Kind       string    `json:"kind"`
	State      string    `json:"state"`
	AdminName  string    `json:"admin_name"`
	AdminEmail string    `json:"admin_email"`
	Slug       string    `json:"slug"`
	ExpiresAt  time.Time `json:"exp"`
}

// KindLabel is the plain name of the kind asked for.
func (r *Request) KindLabel() string { return KindLabel(r.Kind) }

// StateName is the name of the state asked for.
func (r *Request) StateName() string { return tenants.StateName(r.State) }

// Input is what the sign-up form sends.
type Input struct {
	Name, Kind, State, AdminName, AdminEmail, Slug string
}

// Lifetimes and the trial.
const (
	// TokenLifetime is how long a confirmation link works.
	TokenLifetime = 48 * time.Hour
	// TrialLength is a new tenant's trial.
	TrialLength = 30 * 24 * time.Hour
	// TrialPlan is the plan of a tenant on trial.
	TrialPlan = "trial"
	// MaxNameLen bounds the agency's and the admin's names.
	MaxNameLen = 200
)

// Kinds a tenant can sign up as.
var Kinds = []struct{ Value, Label string }{
	{tenants.KindStateSystem, "State system (a state agency)"},
	{tenants.KindLocalPartnership, "Local partnership"},
}

// KindLabel is the plain name of a kind.
func KindLabel(v string) string {
	for _, k := range Kinds {
		if k.Value == v {
			return k.Label
		}
	}
	return v
}

// checkInput returns a message naming each bad field of in (but whether the address is taken),
// and in with its values cleaned up.
func checkInput(in Input) (Input, map[string]string) {
	f := map[string]string{}
	in.Name = strings.TrimSpace(in.Name)
	in.AdminName = strings.TrimSpace(in.AdminName)
	in.Slug = tenants.NormalizeSlug(in.Slug)
	in.State = strings.ToUpper(strings.TrimSpace(in.State))
	switch {
	case in.Name == "":
		f["name"] = "Enter your agency’s name."
	case utf8.RuneCountInString(in.Name) > MaxNameLen:
		f["name"] = fmt.Sprintf("Agency name: use at most %d characters.", MaxNameLen)
	}
	if in.Kind != tenants.KindStateSystem && in.Kind != tenants.KindLocalPartnership {
		f["kind"] = "Choose whether your agency is a state system or a local partnership."
	}
	if _, ok := tenants.StateByCode(in.State); !ok {
		f["state"] = "Choose your agency’s state from the list."
	}
	switch {
	case in.AdminName == "":
		f["admin_name"] = "Enter your name (the administrator’s)."
	case utf8.RuneCountInString(in.AdminName) > MaxNameLen:
		f["admin_name"] = fmt.Sprintf("Your name: use at most %d characters.", MaxNameLen)
	}
	email, msg := accounts.NormalizeEmail(in.AdminEmail)
	if msg != "" {
		f["email"] = msg // each message names the email address
	} else {
		in.AdminEmail = email
	}
	if msg := tenants.CheckSlug(in.Slug); msg != "" {
		f["slug"] = msg
	}
	return in, f
}
