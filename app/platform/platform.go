// Package platform is the console of the people who operate Holdspace: every tenant with its
// status and size, the tenant's life (create, suspend, extend a trial, delete and restore),
// support access, and the mail outbox.
package platform

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/mail"
	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/app/web"
)

// TenantRow is one tenant in the console.
type TenantRow struct {
	ID           string     `bun:"id"`
	Slug         string     `bun:"slug"`
	Name         string     `bun:"name"`
	State        string     `bun:"state"`
	Status       string     `bun:"status"`
	Plan         string     `bun:"plan"`
	People       int        `bun:"people"`
	Programs     int        `bun:"programs"`
	Consultants  int        `bun:"consultants"`
	CreatedAt    time.Time  `bun:"created_at"`
	LastActiveAt *time.Time `bun:"last_active_at"`
	TrialEndsAt  *time.Time `bun:"trial_ends_at"`
	DeletedAt    *time.Time `bun:"deleted_at"`
	PurgeAfter   *time.Time `bun:"purge_after"`
}

// StatusLabel is the tenant's status for a person.
func (r TenantRow) StatusLabel() string { return tenants.StatusLabel(r.Status) }

// Handler serves the console.
type Handler struct {
	db     *bun.DB
	mailer *mail.Mailer
	life   *tenants.Service // tenants and their life
	audit  *audit.Log
}

// NewHandler returns the console handlers.
func NewHandler(db *bun.DB, mailer *mail.Mailer, ten *tenants.Service, log *audit.Log) *Handler {
	return &Handler{db: db, mailer: mailer, life: ten, audit: log}
}

// Statuses a tenant can be in, for the filter. "deleted" lists the deleted tenants waiting for
// their purge (the other choices leave them out).
var Statuses = []string{"trial", "active", "past_due", "canceled", "comped", "contract", "suspended", StatusDeleted}

// statusChoice is one choice of the status filter.
type statusChoice struct{ Value, Label string }

func statusChoices() []statusChoice {
	out := make([]statusChoice, 0, len(Statuses))
	for _, st := range Statuses {
		label := tenants.StatusLabel(st)
		if st == StatusDeleted {
			label = "Deleted, waiting for the purge"
		}
		out = append(out, statusChoice{st, label})
	}
	return out
}

// StatusDeleted is the filter of deleted tenants.
const StatusDeleted = "deleted"

// tenantColumns are a tenant row's own columns.
const tenantColumns = "t.id, t.slug, t.name, t.state, t.status, t.plan, t.created_at, t.last_active_at, t.trial_ends_at, t.deleted_at, t.purge_after"

// withCounts adds a tenant row's counts to q (over "t").
func withCounts(q *bun.SelectQuery) *bun.SelectQuery {
	return q.ColumnExpr("(SELECT COUNT(*) FROM memberships AS m WHERE m.tenant_id = t.id AND m.active) AS people").
		ColumnExpr("(SELECT COUNT(*) FROM organisations AS o WHERE o.tenant_id = t.id AND o.kind = 'program') AS programs").
		ColumnExpr("(SELECT COUNT(*) FROM memberships AS m WHERE m.tenant_id = t.id AND m.active AND m.role = 'consultant') AS consultants")
}

// tenantRows selects tenants with their counts; with page, the tenants page chooses (its
// filter, order and limit) and only they are counted.
func (h *Handler) tenantRows(page func(*bun.SelectQuery) *bun.SelectQuery) *bun.SelectQuery {
	q := h.db.NewSelect().TableExpr("tenants AS t").ColumnExpr(tenantColumns)
	if page == nil {
		return withCounts(q)
	}
	return withCounts(h.db.NewSelect().TableExpr("(?) AS t", page(q)).ColumnExpr("t.*"))
}

// TenantsPageSize is how many tenants a page of the console's list shows.
const TenantsPageSize = 50

// Cursor is the row's keyset position in the console's list (name~id).
func (r *TenantRow) Cursor() string { return web.Cursor(r.Name, r.ID) }

// tenants lists a page of the tenants by (name, id), after (or before) the cursor of k, with
// their counts, and the cursors of the pages around it; the platform console works across
// tenants by design, so these queries are not tenant-scoped. One statement: the page's tenants
// are chosen first (on the tenants_name index), and only they are counted.
func (h *Handler) tenants(ctx context.Context, search, status string, k web.Keyset) ([]TenantRow, string, string, error) {
	keys, _, ok := k.Keys(2)
	if !ok {
		k = web.Keyset{}
	}
	op, order := k.Comparison(2, false)
	orderBy := "t.name " + order + ", t.id " + order
	page := func(q *bun.SelectQuery) *bun.SelectQuery {
		if s := strings.TrimSpace(search); s != "" {
			like := "%" + strings.ToLower(strings.ReplaceAll(s, "%", "")) + "%"
			q = q.Where("(LOWER(t.name) LIKE ? OR t.slug LIKE ? OR LOWER(t.state) LIKE ?)", like, like, like)
		}
		switch status {
		case StatusDeleted:
			q = q.Where("t.deleted_at IS NOT NULL")
		case "":
			q = q.Where("t.deleted_at IS NULL")
		default:
			q = q.Where("t.deleted_at IS NULL AND t.status = ?", status)
		}
		if ok {
			q = q.Where("(t.name, t.id) "+op+" (?, ?)", keys[0], keys[1])
		}
		return q.OrderExpr(orderBy).Limit(TenantsPageSize + 1)
	}
	var rows []TenantRow
	if err := h.tenantRows(page).OrderExpr(orderBy).Scan(ctx, &rows); err != nil {
		return nil, "", "", err
	}
	rows, next, prev := web.KeysetPage(k, 2, rows, TenantsPageSize, (*TenantRow).Cursor)
	return rows, next, prev, nil
}

// TenantsData is the console's front page.
type TenantsData struct {
	Tenants  []TenantRow
	Q        string
	Status   string
	Statuses []statusChoice
	Pager    web.Pager
}

// TenantsPage is the console's front page.
func (h *Handler) TenantsPage(c *fiber.Ctx) error {
	d := &TenantsData{Q: strings.Clone(c.Query("q")), Status: strings.Clone(c.Query("status")), Statuses: statusChoices()}
	k := web.KeysetFrom(c)
	rows, next, prev, err := h.tenants(c.UserContext(), d.Q, d.Status, k)
	if err != nil {
		return err
	}
	d.Tenants = rows
	d.Pager = web.NewPager("/admin", url.Values{"q": {d.Q}, "status": {d.Status}}, k, next, prev).
		Words("Tenant pages", "tenant-list", "Next tenants", "Previous tenants", "Back to the first tenants")
	return web.Render(c, fiber.StatusOK, "platform/tenants", "platform/_tenants", web.View{Wide: true, Title: "Tenants", D: d})
}

// OutboxPage lists the latest messages.
func (h *Handler) OutboxPage(c *fiber.Ctx) error {
	list, err := h.mailer.Outbox(c.UserContext(), 200)
	if err != nil {
		return err
	}
	return web.Render(c, fiber.StatusOK, "platform/outbox", "", web.View{Wide: true, Title: "Mail outbox", D: struct {
		List         []mail.Email
		ShowsSecrets bool
	}{list, h.mailer.ShowsSecrets()}})
}

// MessageView is a message with its body split into text and links.
type MessageView struct {
	*mail.Email
	Parts []TextPart
}

// MessagePage shows one message, its links included (on the embedded default this is how a
// reset or invitation link reaches a person). With SMTP configured its secret links are never
// shown: they reach only the recipient.
func (h *Handler) MessagePage(c *fiber.Ctx) error {
	e, err := h.mailer.OutboxMessage(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return web.Render(c, fiber.StatusOK, "platform/message", "", web.View{Title: e.Subject, D: MessageView{Email: e, Parts: LinkParts(h.mailer.Readable(e))}})
}
