package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/web"
)

// subject is one person driving pages, and the records their pages are filled with: ids read
// straight from the tables (across tenants: this is a tool, not the application), chosen so
// that the person may see them.
type subject struct {
	Role, Email       string
	TenantID, Slug    string
	UserID, OrgID     string // OrgID: the membership's organisation (a program's, a funder's)
	ProfileID         string // a consultant's own profile
	EngagementID      string // the engagement the person's engagement pages show
	ProgramID, Funder string
	params            map[string]string // filled lazily, per parameter name
}

// finder reads ids for one tenant's people.
type finder struct {
	db       *bun.DB
	tenantID string
	anchor   string // the engagement of the tenant's consultant person: everyone else's fallback
}

// one returns the first column of the first row, or "" when there is none.
func (f *finder) one(ctx context.Context, query string, args ...any) (string, error) {
	var s sql.NullString
	err := f.db.QueryRowContext(ctx, query, args...).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return s.String, err
}

// newFinder finds the tenant by its slug.
func newFinder(ctx context.Context, db *bun.DB, slug string) (*finder, error) {
	f := &finder{db: db}
	id, err := f.one(ctx, `SELECT id FROM tenants WHERE slug = ?`, slug)
	if err != nil {
		return nil, fmt.Errorf("tenant %q: %w", slug, err)
	}
	if id == "" {
		return nil, fmt.Errorf("no tenant %q in this database (seed it first)", slug)
	}
	f.tenantID = id
	return f, nil
}

// subjectFor reads who email is in the tenant, and the engagement their pages show: their own
// for a consultant, one of their program's for a program person, one their funder funds for a
// funder, one of a supervisee's for a supervisor, and the consultant person's for the admin.
func (f *finder) subjectFor(ctx context.Context, role, email, slug string) (*subject, error) {
	s := &subject{Role: role, Email: email, TenantID: f.tenantID, Slug: slug, params: map[string]string{}}
	if role == anonymous || role == authz.PlatformAdmin {
		s.EngagementID = f.anchor
		return s, nil
	}
	var err error
	if s.UserID, err = f.one(ctx, `SELECT id FROM users WHERE email = ?`, strings.ToLower(email)); err != nil || s.UserID == "" {
		return nil, fmt.Errorf("%s: no user %s (%v)", role, email, err)
	}
	if s.OrgID, err = f.one(ctx, `SELECT organisation_id FROM memberships WHERE tenant_id = ? AND user_id = ?`, f.tenantID, s.UserID); err != nil {
		return nil, err
	}
	if s.ProfileID, err = f.one(ctx, `SELECT id FROM consultant_profiles WHERE tenant_id = ? AND user_id = ?`, f.tenantID, s.UserID); err != nil {
		return nil, err
	}
	const eng = `SELECT id FROM engagements WHERE tenant_id = ? AND `
	switch role {
	case authz.Consultant:
		s.EngagementID, err = f.one(ctx, eng+`profile_id = ? ORDER BY opened_on DESC, id LIMIT 1`, f.tenantID, s.ProfileID)
	case authz.Program:
		s.EngagementID, err = f.one(ctx, eng+`program_id = ? ORDER BY opened_on DESC, id LIMIT 1`, f.tenantID, s.OrgID)
	case authz.Funder:
		s.EngagementID, err = f.one(ctx, eng+`program_id IN (SELECT program_id FROM fundings WHERE tenant_id = ? AND funder_id = ?) ORDER BY opened_on DESC, id LIMIT 1`,
			f.tenantID, f.tenantID, s.OrgID)
	case authz.Supervisor:
		s.EngagementID, err = f.one(ctx, eng+`profile_id IN (SELECT p.id FROM consultant_profiles p JOIN supervision_assignments sa
			ON sa.tenant_id = p.tenant_id AND sa.consultant_id = p.user_id WHERE sa.tenant_id = ? AND sa.supervisor_id = ?) ORDER BY opened_on DESC, id LIMIT 1`,
			f.tenantID, f.tenantID, s.UserID)
	}
	if err != nil {
		return nil, err
	}
	if s.EngagementID == "" {
		s.EngagementID = f.anchor
	}
	if role == authz.Consultant && f.anchor == "" {
		f.anchor = s.EngagementID
	}
	return s, nil
}

// errNoData is a route parameter no seeded record fills.
var errNoData = errors.New("no data")

// fill puts ids into a route's pattern, or says which parameter has no record.
func (f *finder) fill(ctx context.Context, s *subject, p Page) (string, error) {
	parts := strings.Split(p.Pattern, "/")
	for i, part := range parts {
		if !strings.HasPrefix(part, ":") {
			continue
		}
		name := part[1:]
		v, err := f.param(ctx, s, name)
		if err != nil {
			return "", err
		}
		if v == "" {
			return "", fmt.Errorf("%w for :%s", errNoData, name)
		}
		parts[i] = url.PathEscape(v)
	}
	path := strings.Join(parts, "/")
	if p.Query != "" {
		q, err := f.deepQuery(ctx, p.Query)
		if err != nil {
			return "", err
		}
		path += "?" + q
	}
	return path, nil
}

// deepQuery fills a variant's query with the cursor of a row deep in a list, as a person
// paging that far would have it: {sessions.deep} is the tenant's 500,000th session (newest
// first; a consultant's list starts after it too, half way down their own), {audit.deep}
// the 100,000th audit event, page 2,000 of 50.
func (f *finder) deepQuery(ctx context.Context, q string) (string, error) {
	deep := map[string]string{
		"{sessions.deep}": `SELECT held_on || '~' || id FROM consultation_sessions WHERE tenant_id = ?
			ORDER BY held_on DESC, id DESC LIMIT 1 OFFSET (SELECT COUNT(*) / 2 FROM consultation_sessions WHERE tenant_id = ?)`,
		"{audit.deep}": `SELECT created_at, id FROM audit_events WHERE tenant_id = ?
			ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET (SELECT CASE WHEN COUNT(*) > 100000 THEN 99999 ELSE COUNT(*) / 2 END FROM audit_events WHERE tenant_id = ?)`,
	}
	for key, query := range deep {
		if !strings.Contains(q, key) {
			continue
		}
		var cursor string
		if key == "{audit.deep}" {
			var at time.Time
			var id string
			// bun reads the time as either database stores it (SQLite: text).
			if err := f.db.NewRaw(query, f.tenantID, f.tenantID).Scan(ctx, &at, &id); err != nil {
				return "", fmt.Errorf("%w for %s (%v)", errNoData, key, err)
			}
			cursor = web.Cursor(at.UTC().Format(time.RFC3339Nano), id)
		} else if err := f.db.QueryRowContext(ctx, query, f.tenantID, f.tenantID).Scan(&cursor); err != nil {
			return "", fmt.Errorf("%w for %s (%v)", errNoData, key, err)
		}
		q = strings.ReplaceAll(q, key, url.QueryEscape(cursor))
	}
	return q, nil
}

// param is one parameter's id for s, read once.
func (f *finder) param(ctx context.Context, s *subject, name string) (string, error) {
	if v, ok := s.params[name]; ok {
		return v, nil
	}
	v, err := f.lookup(ctx, s, name)
	if err != nil {
		return "", fmt.Errorf(":%s: %w", name, err)
	}
	s.params[name] = v
	return v, nil
}

// lookup reads the id of a record of the kind a parameter names, related to the person's
// engagement where the kind hangs off one, and otherwise the tenant's first.
func (f *finder) lookup(ctx context.Context, s *subject, name string) (string, error) {
	t, e := f.tenantID, s.EngagementID
	switch name {
	case "slug":
		return s.Slug, nil
	case "tenantID":
		return t, nil
	case "engagementID":
		return e, nil
	case "sessionID":
		return f.one(ctx, `SELECT id FROM consultation_sessions WHERE tenant_id = ? AND engagement_id = ? ORDER BY held_on DESC, id LIMIT 1`, t, e)
	case "programID", "orgID":
		if s.Role == authz.Program && s.OrgID != "" {
			return s.OrgID, nil
		}
		return f.one(ctx, `SELECT program_id FROM engagements WHERE tenant_id = ? AND id = ?`, t, e)
	case "profileID":
		return f.one(ctx, `SELECT profile_id FROM engagements WHERE tenant_id = ? AND id = ?`, t, e)
	case "funderID":
		if s.Role == authz.Funder && s.OrgID != "" {
			return s.OrgID, nil
		}
		return f.one(ctx, `SELECT funder_id FROM fundings WHERE tenant_id = ? AND program_id =
			(SELECT program_id FROM engagements WHERE tenant_id = ? AND id = ?) ORDER BY fiscal_year DESC, id LIMIT 1`, t, t, e)
	case "fundingID":
		prog, err := f.param(ctx, s, "programID")
		if err != nil {
			return "", err
		}
		return f.one(ctx, `SELECT id FROM fundings WHERE tenant_id = ? AND program_id = ? ORDER BY fiscal_year DESC, id LIMIT 1`, t, prog)
	case "memberID":
		return f.one(ctx, `SELECT m.id FROM memberships m JOIN engagements e ON e.tenant_id = m.tenant_id
			JOIN consultant_profiles p ON p.tenant_id = e.tenant_id AND p.id = e.profile_id
			WHERE m.tenant_id = ? AND e.id = ? AND m.user_id = p.user_id`, t, e)
	case "amendmentID":
		return f.one(ctx, `SELECT id FROM amendments WHERE tenant_id = ? ORDER BY
			CASE WHEN program_id = ? OR funder_id = ? THEN 0 ELSE 1 END, created_at DESC, id LIMIT 1`, t, s.OrgID, s.OrgID)
	case "credentialID":
		prof := s.ProfileID
		if prof == "" {
			prof, _ = f.param(ctx, s, "profileID")
		}
		return f.one(ctx, `SELECT id FROM consultant_credentials WHERE tenant_id = ? ORDER BY
			CASE WHEN profile_id = ? THEN 0 ELSE 1 END, id LIMIT 1`, t, prof)
	case "recordID":
		return f.one(ctx, `SELECT id FROM supervision_records WHERE tenant_id = ? ORDER BY
			CASE WHEN supervisor_id = ? THEN 0 ELSE 1 END, held_on DESC, id LIMIT 1`, t, s.UserID)
	case "assessmentID":
		return f.one(ctx, `SELECT id FROM assessments WHERE tenant_id = ? ORDER BY
			CASE WHEN engagement_id = ? THEN 0 ELSE 1 END, id LIMIT 1`, t, e)
	case "goalID":
		return f.one(ctx, `SELECT g.id FROM qi_goals g JOIN qi_plans p ON p.tenant_id = g.tenant_id AND p.id = g.plan_id
			WHERE g.tenant_id = ? ORDER BY CASE WHEN p.engagement_id = ? THEN 0 ELSE 1 END, g.id LIMIT 1`, t, e)
	case "agencyID":
		return f.one(ctx, `SELECT id FROM organisations WHERE tenant_id = ? AND kind = 'consultant_agency' ORDER BY id LIMIT 1`, t)
	case "instrumentID":
		return f.one(ctx, `SELECT id FROM instruments WHERE tenant_id = ? ORDER BY builtin DESC, id LIMIT 1`, t)
	case "runID":
		return f.one(ctx, `SELECT id FROM report_runs WHERE tenant_id = ? ORDER BY
			CASE WHEN requested_by = ? THEN 0 ELSE 1 END, created_at DESC, id LIMIT 1`, t, s.UserID)
	}
	table, ok := anyOfKind[name]
	if !ok {
		return "", nil // an unknown parameter: reported as no data
	}
	return f.one(ctx, `SELECT id FROM `+table+` WHERE tenant_id = ? ORDER BY id LIMIT 1`, t)
}

// anyOfKind is where a parameter's records are when any of the tenant's will do.
var anyOfKind = map[string]string{
	"requestID":     "consultant_requests",
	"resourceID":    "resources",
	"importID":      "imports",
	"requirementID": "staffing_requirements",
}
