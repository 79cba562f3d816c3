package main

import (
	"regexp"
	"strings"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/web"
)

// Page is one address the harness drives: a GET route of the route table (its pattern, to be
// filled with ids), or a variant of one (a later page, an htmx fragment).
type Page struct {
	Pattern string            // the route's path, such as /t/:slug/sessions/:sessionID
	Query   string            // added to the filled path (a variant: "after={sessions.deep}", filled by deepQuery)
	Header  map[string]string // sent with it (a variant: HX-Request)
	Label   string            // how the table names it; Pattern when empty
	Roles   []string          // who opens it
}

// Name is the page as the table prints it.
func (p Page) Name() string {
	if p.Label != "" {
		return p.Label
	}
	return p.Pattern
}

// skipped says why a GET route is not driven, or "" to drive it: downloads and files measure
// storage and streaming, not pages; probes, metrics and static files are not pages; links
// that need a secret token cannot be filled from the database.
func skipped(path string) string {
	switch {
	case strings.HasPrefix(path, "/static"), path == "/metrics", path == "/healthz", path == "/readyz":
		return "not a page"
	case strings.HasSuffix(path, "/download"), strings.HasSuffix(path, "/evidence"), strings.HasSuffix(path, ".csv"),
		strings.Contains(path, "/attachments/"), strings.Contains(path, "/documents/"), strings.Contains(path, "/imports/template"):
		return "a file"
	case strings.Contains(path, ":token"), strings.Contains(path, ":requestToken"):
		return "needs a secret link"
	case path == "/" || path == "/tenants":
		return "a redirect"
	}
	return ""
}

// publicPages are the public pages driven (a visitor's), beyond which public pages are alike.
var publicPages = map[string]bool{"/signin": true, "/t/:slug/find-a-consultant": true}

// platformPages are the console pages driven, as a platform admin, when one can sign in.
var platformPages = map[string]bool{"/admin": true, "/admin/audit": true}

// pagesOf lists the pages of the route table that roles can open, each with the roles (of
// those driven) whose role grants the route's permission. match filters by pattern.
func pagesOf(routes []web.Route, az *authz.Authorizer, roles []string, match *regexp.Regexp) []Page {
	var pages []Page
	for _, r := range routes {
		if r.Method != "GET" || skipped(r.Path) != "" || (match != nil && !match.MatchString(r.Path)) {
			continue
		}
		p := Page{Pattern: r.Path}
		for _, role := range roles {
			if opens(az, r.Access, r.Path, role) {
				p.Roles = append(p.Roles, role)
			}
		}
		if len(p.Roles) > 0 {
			pages = append(pages, p)
		}
	}
	return append(pages, variants(pages)...)
}

// opens reports whether role may open a route with this access.
func opens(az *authz.Authorizer, a web.Access, path, role string) bool {
	switch a.Kind {
	case web.AccessPublic, web.AccessTenantPublic:
		return role == anonymous && publicPages[path]
	case web.AccessTenant:
		return role != anonymous && role != authz.PlatformAdmin && az.RoleGrants(role, a.Perm)
	case web.AccessPlatform:
		return role == authz.PlatformAdmin && platformPages[path] && az.RoleGrants(role, a.Perm)
	}
	return false
}

// variants are the pages the issue names that the route table does not: a later page of the
// long lists, and the sessions list as the htmx fragment its filters ask for.
func variants(pages []Page) []Page {
	extra := map[string][]Page{
		"/t/:slug/sessions": {
			{Pattern: "/t/:slug/sessions", Query: "after={sessions.deep}", Label: "/t/:slug/sessions, a later page"},
			{Pattern: "/t/:slug/sessions", Header: map[string]string{web.HXRequest: "true"}, Label: "/t/:slug/sessions (htmx)"},
		},
		"/t/:slug/audit": {
			{Pattern: "/t/:slug/audit", Query: "after={audit.deep}", Label: "/t/:slug/audit, page 2,000"},
		},
	}
	var out []Page
	for _, p := range pages {
		for _, v := range extra[p.Pattern] {
			v.Roles = p.Roles
			out = append(out, v)
		}
	}
	return out
}
