package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// Subscriptions and billing (issue 13, app/billing).
//
//   - tenants.access_until / access_reason: until when the tenant may write, and the sentence
//     its people read once that has passed. NULL means no limit. app/billing keeps them from the
//     subscription, the trial, a comp and contracts; the tenant middleware compares with the
//     clock, so a trial that ends needs no task to make the tenant read-only.
//   - billing_accounts: one per tenant that has been near Stripe or been comped: the customer,
//     the subscription as the newest event showed it (sub_event_at/sub_event_id: the guard that
//     makes delivery order not matter), the invoicing terms, the comp, the dunning state.
//   - billing_invoices: Stripe's invoices, each guarded the same way; first_failed_at is the
//     earliest failed payment (a minimum, so it too does not depend on order).
//   - billing_contracts: contracts paid outside Stripe (a PO, a term, an amount).
//   - stripe_events: every signed event received, unique on Stripe's id, stored before the
//     webhook answers; a platform table (for_tenant is filled in by the worker, and is not a
//     tenant_id: the webhook writes without a tenant).
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		stmts := []string{
			`ALTER TABLE tenants ADD COLUMN access_until TIMESTAMPTZ`,
			`ALTER TABLE tenants ADD COLUMN access_reason TEXT NOT NULL DEFAULT ''`,
			`UPDATE tenants SET access_until = trial_ends_at WHERE status = 'trial' AND trial_ends_at IS NOT NULL`,
			`CREATE TABLE billing_accounts (
				tenant_id TEXT NOT NULL PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
				stripe_customer_id TEXT NOT NULL DEFAULT '',
				stripe_subscription_id TEXT NOT NULL DEFAULT '',
				subscription_item_id TEXT NOT NULL DEFAULT '',
				plan_code TEXT NOT NULL DEFAULT '',
				price_id TEXT NOT NULL DEFAULT '',
				billing_interval TEXT NOT NULL DEFAULT '',
				unit_amount BIGINT NOT NULL DEFAULT 0,
				currency TEXT NOT NULL DEFAULT 'usd',
				status TEXT NOT NULL DEFAULT '',
				seats_paid BIGINT NOT NULL DEFAULT 0,
				current_period_end TIMESTAMPTZ,
				cancel_at_period_end BOOLEAN NOT NULL DEFAULT FALSE,
				ended_at TIMESTAMPTZ,
				collection_method TEXT NOT NULL DEFAULT '',
				sub_event_at BIGINT NOT NULL DEFAULT 0,
				sub_event_id TEXT NOT NULL DEFAULT '',
				po_number TEXT NOT NULL DEFAULT '',
				net_days BIGINT NOT NULL DEFAULT 30,
				billing_email TEXT NOT NULL DEFAULT '',
				tax_exempt BOOLEAN NOT NULL DEFAULT FALSE,
				comp_until TIMESTAMPTZ,
				comp_reason TEXT NOT NULL DEFAULT '',
				dunning_since TIMESTAMPTZ,
				dunning_sent BIGINT NOT NULL DEFAULT 0,
				seats_synced_at TIMESTAMPTZ,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE UNIQUE INDEX billing_accounts_customer ON billing_accounts (stripe_customer_id) WHERE stripe_customer_id <> ''`,
			`CREATE INDEX billing_accounts_subscription ON billing_accounts (stripe_subscription_id)`,
			`CREATE TABLE billing_invoices (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				subscription_id TEXT NOT NULL DEFAULT '',
				number TEXT NOT NULL DEFAULT '',
				status TEXT NOT NULL DEFAULT '',
				amount_due BIGINT NOT NULL DEFAULT 0,
				amount_paid BIGINT NOT NULL DEFAULT 0,
				amount_remaining BIGINT NOT NULL DEFAULT 0,
				currency TEXT NOT NULL DEFAULT 'usd',
				hosted_url TEXT NOT NULL DEFAULT '',
				pdf_url TEXT NOT NULL DEFAULT '',
				po_number TEXT NOT NULL DEFAULT '',
				created_at TIMESTAMPTZ NOT NULL,
				due_at TIMESTAMPTZ,
				paid_at TIMESTAMPTZ,
				first_failed_at TIMESTAMPTZ,
				event_at BIGINT NOT NULL DEFAULT 0,
				event_id TEXT NOT NULL DEFAULT '',
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE INDEX billing_invoices_created ON billing_invoices (tenant_id, created_at)`,
			`CREATE TABLE billing_contracts (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				po_number TEXT NOT NULL,
				starts_on TEXT NOT NULL,
				ends_on TEXT NOT NULL,
				amount BIGINT NOT NULL,
				note TEXT NOT NULL DEFAULT '',
				recorded_by TEXT NOT NULL DEFAULT '',
				created_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE TABLE stripe_events (
				id TEXT NOT NULL PRIMARY KEY,
				type TEXT NOT NULL,
				created BIGINT NOT NULL,
				livemode BOOLEAN NOT NULL DEFAULT FALSE,
				payload TEXT NOT NULL,
				received_at TIMESTAMPTZ NOT NULL,
				processed_at TIMESTAMPTZ,
				for_tenant TEXT NOT NULL DEFAULT '',
				outcome TEXT NOT NULL DEFAULT ''
			)`,
			`CREATE INDEX stripe_events_pending ON stripe_events (processed_at, received_at)`,
		}
		return execAll(ctx, db, stmts)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, []string{
			`DROP TABLE stripe_events`, `DROP TABLE billing_contracts`, `DROP TABLE billing_invoices`,
			`DROP TABLE billing_accounts`,
			`ALTER TABLE tenants DROP COLUMN access_reason`, `ALTER TABLE tenants DROP COLUMN access_until`,
		})
	})
}
