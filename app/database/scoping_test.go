package database_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// builders are the calls that start a query on a database or transaction. Inside a store they
// must come from the scoping helper (database.For / Scoped: t.Select, t.Insert, t.Update,
// t.Delete, database.InsertMany), which puts the tenant in the WHERE clause.
var builders = map[string]bool{
	"NewSelect": true, "NewInsert": true, "NewUpdate": true, "NewDelete": true, "NewRaw": true,
	"NewMerge": true, "NewValues": true, "ExecContext": true, "QueryContext": true, "QueryRowContext": true,
}

// outsideHelper lists, per file and function, the queries built outside the scoping helper on
// purpose, each with why. A new query outside the helper fails TestQueriesGoThroughTheScopingHelper
// until it is moved onto the helper or added here with its reason.
var outsideHelper = map[string]string{
	// Platform tables, which have no tenant_id: users, sessions, password_resets, tenants. A
	// tenant's own row of tenants is read by its id, t.ID.
	"app/accounts/accounts.go:*":                                    "users, sessions and password resets are the platform's",
	"app/tenants/store.go:Store.TenantBySlug":                       "tenants (the URL decides the tenant)",
	"app/tenants/store.go:Store.TenantByID":                         "tenants",
	"app/tenants/store.go:Store.CreateTenant":                       "tenants",
	"app/tenants/store.go:Store.TouchTenant":                        "tenants",
	"app/tenants/store.go:Store.SetAccess":                          "tenants (the tenant's access, which app/billing decides, by its id)",
	"app/tenants/life.go:Service.changeTenant":                      "tenants (the platform console's changes to a tenant)",
	"app/tenants/people.go:Store.lockTenant":                        "tenants (the tenant's own row, locked by its id)",
	"app/tenants/settings.go:Store.updateSettings":                  "tenants (the tenant's own settings, by its id)",
	"app/consultants/profile.go:Registry.Lists":                     "tenants (the tenant's own specialty lists, by its id)",
	"app/supervision/store.go:Store.calendar":                       "tenants (the tenant's own calendar, by its id)",
	"app/supervision/target.go:Store.setTarget":                     "tenants (the tenant's own target, by its id)",
	"app/consultation/session.go:Sessions.storedVocabulary":         "tenants (the tenant's own session lists, by its id, for a change to them)",
	"app/consultation/session.go:Sessions.saveVocabulary":           "tenants (the tenant's own session lists, by its id)",
	"app/consultation/engagements_list.go:Engagements.summaryQuery": "a UNION ALL of queries each built by the scoping helper (bun has no union with one ORDER BY)",
	"app/consultants/match.go:Matching.Ask":                         "users (a person's email and name)",
	"app/consultants/match.go:Matching.PreviewAssign":               "users (a person's email)",
	"app/consultants/match.go:Matching.mailAssignment":              "users (a person's email and name)",
	"app/credentials/staffing.go:Service.contacts":                  "users (names and emails)",
	"app/consultation/plan.go:userNames":                            "users (names of the people who agreed)",
	"app/credentials/remind.go:Service.RemindAll":                   "tenants: the live tenants, each then reminded in its own scope",
	"app/consultants/match.go:facetScores":                          "wraps, as a derived table, queries the helper built (t.Select)",
	"app/tenants/store.go:Store.TenantsOf":                          "a person's own memberships in every tenant (database.WithPerson)",
	"app/tenants/middleware.go:Store.memberOf":                      "the tenant of the URL with the person's membership and whether it serves EI (the tenant's settings, found by slug)",
	"app/audit/store.go:Log.Record":                                 "platform-wide events (tenant_id ''), when ctx has no tenant",
	"app/mail/mail.go:*":                                            "the outbox: a message's tenant comes from its own row and the task's payload (jobs restores the scope); tenant_id '' for mail before a tenant exists",
	"app/consultation/volume.go:*":                                  "benchdata: seeds the volume tenant (in its scope) and ANALYZEs",
	"app/demo/load.go:*":                                            "benchdata: the load harness's people and small tenants (users and tenants are the platform's tables; the small tenants are written 100 at a time across tenants on the named path database.AcrossTenants(\"demo.load\")), and VACUUM ANALYZE",
	"app/consultation/volumebench/volumebench.go:open":              "benchmarks only: creates the holdspace_bench schema before the volume is seeded",
	"app/billing/webhook.go:Service.storeEvent":                     "stripe_events (a platform table): a signed Stripe event, stored before the tenant is known",
	"app/billing/events.go:Service.loadEvent":                       "stripe_events (a platform table): the stored event the worker handles",
	"app/billing/events.go:Service.markEvent":                       "stripe_events (a platform table): the event processed, for which tenant, how",
	"app/billing/reconcile.go:Service.unprocessedEvents":            "stripe_events (a platform table): stored events left unprocessed, queued again",

	// Work across tenants on purpose, on the named path (database.AcrossTenants).
	"app/runs/service.go:Service.Expire":                  "across tenants: runs:expire",
	"app/consultants/cleanup.go:Requests.DeleteExpired":   "across tenants: consultants:cleanup_requests",
	"app/amendments/tasks.go:Service.dueAcross":           "across tenants: amendments:sweep (ids of steps coming due; each then read in its tenant's scope)",
	"app/audit/store.go:Log.ListAll":                      "across tenants: the platform console (its gate)",
	"app/platform/platform.go:Handler.tenantRows":         "across tenants: the platform console (its gate)",
	"app/tenants/purge.go:*":                              "across tenants: tenants:purge, every table of one deleted tenant",
	"app/billing/console.go:Service.Overview":             "across tenants: the platform console's revenue view (its gate; refused off the cross-tenant path)",
	"app/billing/dunning.go:Service.pastDueTenants":       "across tenants: billing:dunning_all, the ids of tenants past due (tenants); each then emailed in its own scope",
	"app/billing/seats.go:Service.subscribedTenants":      "across tenants: billing:seats_all (ids of tenants with a live subscription; each syncs in its own scope)",
	"app/billing/events.go:Service.tenantByCustomer":      "across tenants: billing.event (the tenant whose account has an event's Stripe customer)",
	"app/billing/reconcile.go:Service.subscribedAccounts": "across tenants: billing.reconcile (the live subscriptions, each then applied in its tenant's scope)",
}

// TestQueriesGoThroughTheScopingHelper reads every non-test Go file under app/ (but the
// database package, which is the helper) and fails on a query builder called outside the
// helper that the allow-list does not name.
func TestQueriesGoThroughTheScopingHelper(t *testing.T) {
	fset := token.NewFileSet()
	found := map[string][]string{}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(filepath.Join("app", strings.TrimPrefix(path, "..")))
		rel = strings.Replace(rel, "app//", "app/", 1)
		if d.IsDir() {
			if rel == "app/database" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			name := fn.Name.Name
			if fn.Recv != nil && len(fn.Recv.List) > 0 {
				typ := fn.Recv.List[0].Type
				if star, ok := typ.(*ast.StarExpr); ok {
					typ = star.X
				}
				if id, ok := typ.(*ast.Ident); ok {
					name = id.Name + "." + name
				}
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok || !builders[sel.Sel.Name] {
					return true
				}
				key := rel + ":" + name
				found[key] = append(found[key], fset.Position(call.Pos()).String()+" "+sel.Sel.Name)
				return true
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	used := map[string]bool{}
	for key, where := range found {
		file := key[:strings.Index(key, ":")]
		if _, ok := outsideHelper[key]; ok {
			used[key] = true
			continue
		}
		if _, ok := outsideHelper[file+":*"]; ok {
			used[file+":*"] = true
			continue
		}
		bad = append(bad, key+"\n\t"+strings.Join(where, "\n\t"))
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Errorf("query built outside the scoping helper (use database.For, or allow-list it with a reason): %s", b)
	}
	for key := range outsideHelper {
		if !used[key] {
			t.Errorf("allow-list entry %s names no query outside the helper any more: remove it", key)
		}
	}
}
