// Package accounts holds people's accounts: sign-in and sign-out, server-side sessions,
// passwords and their reset by email, and the sign-in rate limit. Accounts are global (one
// person, one account); what they may do in each tenant comes from memberships (package tenants).
package accounts

import (
	"time"

	"github.com/uptrace/bun"
)

// User is one person's account.
type User struct {
	bun.BaseModel `bun:"table:users,alias:u"`

	ID              string     `bun:"id,pk"`
	Email           string     `bun:"email"`
	Name            string     `bun:"name"`
	PasswordHash    string     `bun:"password_hash"`
	IsPlatformAdmin bool       `bun:"is_platform_admin"`
	Active          bool       `bun:"active"`
	LastSignInAt    *time.Time `bun:"last_signin_at"`
	CreatedAt       time.Time  `bun:"created_at"`
	UpdatedAt       time.Time  `bun:"updated_at"`
}

// Session is a signed-in browser. ID is the SHA-256 of the cookie's token, so a leaked
// database does not hand out live sessions.
type Session struct {
	bun.BaseModel `bun:"table:sessions,alias:s"`

	ID         string    `bun:"id,pk"`
	UserID     string    `bun:"user_id"`
	IP         string    `bun:"ip"`
	UserAgent  string    `bun:"user_agent"`
	CreatedAt  time.Time `bun:"created_at"`
	LastSeenAt time.Time `bun:"last_seen_at"`
	ExpiresAt  time.Time `bun:"expires_at"` // the absolute limit
}

// PasswordReset is a single-use, expiring link. ID is the SHA-256 of the token in the link.
type PasswordReset struct {
	bun.BaseModel `bun:"table:password_resets,alias:pr"`

	ID        string     `bun:"id,pk"`
	UserID    string     `bun:"user_id"`
	CreatedAt time.Time  `bun:"created_at"`
	ExpiresAt time.Time  `bun:"expires_at"`
	UsedAt    *time.Time `bun:"used_at"`
}

// Timeouts.
const (
	IdleTimeout     = 30 * time.Minute
	AbsoluteTimeout = 12 * time.Hour
	ResetLifetime   = time.Hour
	// AdminSetupLifetime is how long the password link printed by createadmin works.
	AdminSetupLifetime = 24 * time.Hour
	touchEvery         = time.Minute
)

// Password rules.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 128
)
