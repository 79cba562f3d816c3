package consultants

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	mailer "github.com/holdspace/holdspace/app/mail"
)

// notifyQueue tells the tenant's active admins that a request reached their queue, with a link
// to it. Call it inside the transaction that opens the request: the messages are queued after
// the commit, and none is sent when the request is not opened after all.
func notifyQueue(ctx context.Context, db *bun.DB, m *mailer.Mailer, baseURL string, r *Request) error {
	if m == nil {
		return nil
	}
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return err
	}
	var admins []struct {
		Email string `bun:"email"`
		Name  string `bun:"name"`
	}
	t, err := database.For(ctx, db)
	if err != nil {
		return err
	}
	err = t.SelectFrom("memberships", "m").
		Join("JOIN users AS u ON u.id = m.user_id").ColumnExpr("u.email, u.name").
		Where("m.role = ? AND m.active = ? AND u.active = ?", authz.TenantAdmin, true, true).
		OrderExpr("u.email").Scan(ctx, &admins)
	if err != nil {
		return err
	}
	where := r.OrganisationName
	if r.County != "" {
		where += " (" + CountyName(r.County) + ")"
	}
	for _, a := range admins {
		body := fmt.Sprintf("Hello %s,\n\n%s asks for a consultant:\n\n%s\n\nContact: %s, %s.\n\n"+
			"See the consultants who suit it best and assign one at %s/t/%s/requests/%s\n",
			a.Name, where, r.Need, r.ContactName, r.ContactEmail, baseURL, sc.TenantSlug, r.ID)
		if err := m.Send(ctx, a.Email, "A request for a consultant: "+r.OrganisationName, body); err != nil {
			return err
		}
	}
	return nil
}
