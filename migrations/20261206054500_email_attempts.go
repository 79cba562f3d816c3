package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// Mail that survives a crash: every message gets a stable Message-ID when it is written (so a
// receiver drops a repeat), the worker records an attempt ("sending since") and commits it
// before it hands the message to SMTP, and the secret links of a message (password reset,
// invitation, sign-up confirmation) are listed so they can be cut from the kept copy once the
// message is delivered.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, []string{
			`ALTER TABLE emails ADD COLUMN message_id TEXT NOT NULL DEFAULT ''`,
			`ALTER TABLE emails ADD COLUMN sending_since TIMESTAMPTZ`,
			`ALTER TABLE emails ADD COLUMN secret_links TEXT NOT NULL DEFAULT '[]'`,
		})
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, []string{
			`ALTER TABLE emails DROP COLUMN secret_links`,
			`ALTER TABLE emails DROP COLUMN sending_since`,
			`ALTER TABLE emails DROP COLUMN message_id`,
		})
	})
}
