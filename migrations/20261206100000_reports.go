package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// Reports and dashboards (app/reports).
//
//   - ncpc_activities: which fundings are the NCPC activity, with the program identifier and
//     the Purpose Service Code (3105, 3104 or 3125) each is reported under (seeds/001). One row
//     per funding; a funding without a row is not in the NCPC report.
//   - engagements.child_*: where the child is when a child-and-family focused engagement closes
//     (stayed in the setting, moved to another setting, removed, expelled or suspended), and the
//     optional details a BIRS-style equity view counts (race/ethnicity, sex, dual-language
//     learner, IEP/IFSP). Still no diagnosis and no names: empty means not recorded.
//   - an index for the reports that count a tenant's sessions by day (held_on), whoever held
//     them.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, []string{
			`CREATE TABLE ncpc_activities (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				funding_id TEXT NOT NULL,
				program_identifier TEXT NOT NULL,
				psc TEXT NOT NULL,
				updated_by TEXT NOT NULL DEFAULT '',
				updated_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, funding_id)
			)`,
			`ALTER TABLE engagements ADD COLUMN child_outcome TEXT NOT NULL DEFAULT ''`,
			`ALTER TABLE engagements ADD COLUMN child_race_ethnicity TEXT NOT NULL DEFAULT ''`,
			`ALTER TABLE engagements ADD COLUMN child_sex TEXT NOT NULL DEFAULT ''`,
			`ALTER TABLE engagements ADD COLUMN child_dll TEXT NOT NULL DEFAULT ''`,
			`ALTER TABLE engagements ADD COLUMN child_iep_ifsp TEXT NOT NULL DEFAULT ''`,
			`CREATE INDEX consultation_sessions_held_on ON consultation_sessions (tenant_id, held_on)`,
		})
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, []string{
			`DROP INDEX IF EXISTS consultation_sessions_held_on`,
			`ALTER TABLE engagements DROP COLUMN child_iep_ifsp`,
			`ALTER TABLE engagements DROP COLUMN child_dll`,
			`ALTER TABLE engagements DROP COLUMN child_sex`,
			`ALTER TABLE engagements DROP COLUMN child_race_ethnicity`,
			`ALTER TABLE engagements DROP COLUMN child_outcome`,
			`DROP TABLE ncpc_activities`,
		})
	})
}
