package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// Budget amendments (app/amendments) and what they stand on.
//
//   - budget_versions: every budget a funding has had (app/programs), with who set it, when,
//     effective from which date and, for an amendment's, which amendment — one per amendment
//     at most (the unique index), however often the task that applies it runs.
//   - fundings.held_by: the amendment waiting for a decision on the funding, if any. Submitting
//     takes it where it is empty (one submitted amendment per funding); a direct edit of the
//     budget is refused while it is set.
//   - amendment_steps / amendment_rules: each funder's process (ordered steps, who decides, days
//     to respond) and the thresholds that classify a proposal (no row: the defaults).
//   - amendments (waiting_on says whose decision the open step waits for — "funder:<id>",
//     "tenant_admin" or "organisation:<id>" — so an inbox is one indexed query), their lines, versions (one per submission), decisions (one per version and
//     step: the unique index makes two deciders clicking at once one decision), comments,
//     attachments, moves (the history the steps helper writes) and events (what a task has
//     done once: an email for a step, a reminder, an escalation, the PDF).
//   - report_runs: long work a person downloads (app/runs); the amendment's PDF is the first.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, []string{
			`ALTER TABLE fundings ADD COLUMN held_by TEXT NOT NULL DEFAULT ''`,
			`CREATE TABLE budget_versions (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				funding_id TEXT NOT NULL,
				number BIGINT NOT NULL,
				effective_on TEXT NOT NULL,
				amendment_id TEXT NOT NULL DEFAULT '',
				reason TEXT NOT NULL,
				lines TEXT NOT NULL,
				total_cents BIGINT NOT NULL,
				created_by TEXT NOT NULL DEFAULT '',
				created_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE UNIQUE INDEX budget_versions_number ON budget_versions (tenant_id, funding_id, number)`,
			`CREATE UNIQUE INDEX budget_versions_amendment ON budget_versions (tenant_id, amendment_id) WHERE amendment_id <> ''`,
			`CREATE TABLE amendment_steps (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				funder_id TEXT NOT NULL,
				position BIGINT NOT NULL,
				name TEXT NOT NULL,
				decider TEXT NOT NULL,
				organisation_id TEXT NOT NULL DEFAULT '',
				response_days BIGINT NOT NULL,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE INDEX amendment_steps_funder ON amendment_steps (tenant_id, funder_id, position)`,
			`CREATE TABLE amendment_rules (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				funder_id TEXT NOT NULL,
				notice_cents BIGINT NOT NULL,
				notice_bp BIGINT NOT NULL,
				approval_bp BIGINT NOT NULL,
				reminder_days BIGINT NOT NULL,
				updated_by TEXT NOT NULL DEFAULT '',
				updated_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, funder_id)
			)`,
			`CREATE TABLE amendments (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				number BIGINT NOT NULL,
				funding_id TEXT NOT NULL,
				program_id TEXT NOT NULL,
				funder_id TEXT NOT NULL,
				status TEXT NOT NULL,
				class TEXT NOT NULL DEFAULT '',
				version BIGINT NOT NULL DEFAULT 0,
				step BIGINT NOT NULL DEFAULT 0,
				steps TEXT NOT NULL DEFAULT '[]',
				step_opened_at TIMESTAMPTZ,
				step_due_on TEXT NOT NULL DEFAULT '',
				overdue BOOLEAN NOT NULL DEFAULT FALSE,
				waiting_on TEXT NOT NULL DEFAULT '',
				effective_on TEXT NOT NULL DEFAULT '',
				justification TEXT NOT NULL DEFAULT '',
				before_cents BIGINT NOT NULL DEFAULT 0,
				after_cents BIGINT NOT NULL DEFAULT 0,
				moved_cents BIGINT NOT NULL DEFAULT 0,
				created_by TEXT NOT NULL,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL,
				submitted_at TIMESTAMPTZ,
				decided_at TIMESTAMPTZ,
				applied_at TIMESTAMPTZ,
				budget_version_id TEXT NOT NULL DEFAULT '',
				document_run_id TEXT NOT NULL DEFAULT '',
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE UNIQUE INDEX amendments_number ON amendments (tenant_id, number)`,
			`CREATE INDEX amendments_funder ON amendments (tenant_id, funder_id, status, submitted_at, id)`,
			`CREATE INDEX amendments_program ON amendments (tenant_id, program_id, status, updated_at)`,
			`CREATE INDEX amendments_funding ON amendments (tenant_id, funding_id, status)`,
			`CREATE INDEX amendments_waiting ON amendments (tenant_id, waiting_on, step_due_on, id)`,
			`CREATE INDEX amendments_status ON amendments (tenant_id, status, step_due_on, id)`,
			`CREATE TABLE amendment_lines (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				amendment_id TEXT NOT NULL,
				position BIGINT NOT NULL,
				budget_line_id TEXT NOT NULL DEFAULT '',
				category TEXT NOT NULL,
				current_cents BIGINT NOT NULL,
				proposed_cents BIGINT NOT NULL,
				justification TEXT NOT NULL DEFAULT '',
				PRIMARY KEY (tenant_id, amendment_id, position)
			)`,
			`CREATE TABLE amendment_versions (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				amendment_id TEXT NOT NULL,
				number BIGINT NOT NULL,
				class TEXT NOT NULL,
				lines TEXT NOT NULL,
				justification TEXT NOT NULL,
				effective_on TEXT NOT NULL,
				submitted_by TEXT NOT NULL,
				submitted_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE UNIQUE INDEX amendment_versions_number ON amendment_versions (tenant_id, amendment_id, number)`,
			`CREATE TABLE amendment_decisions (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				amendment_id TEXT NOT NULL,
				version BIGINT NOT NULL,
				step BIGINT NOT NULL,
				step_name TEXT NOT NULL,
				decision TEXT NOT NULL,
				comment TEXT NOT NULL DEFAULT '',
				adjusted TEXT NOT NULL DEFAULT '[]',
				decided_by TEXT NOT NULL,
				decided_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE UNIQUE INDEX amendment_decisions_step ON amendment_decisions (tenant_id, amendment_id, version, step)`,
			`CREATE TABLE amendment_comments (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				amendment_id TEXT NOT NULL,
				author_id TEXT NOT NULL,
				body TEXT NOT NULL,
				created_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE INDEX amendment_comments_amendment ON amendment_comments (tenant_id, amendment_id, created_at)`,
			`CREATE TABLE amendment_attachments (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				amendment_id TEXT NOT NULL,
				file_name TEXT NOT NULL,
				content_type TEXT NOT NULL,
				size_bytes BIGINT NOT NULL,
				storage_key TEXT NOT NULL,
				uploaded_by TEXT NOT NULL,
				created_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE INDEX amendment_attachments_amendment ON amendment_attachments (tenant_id, amendment_id, created_at)`,
			`CREATE TABLE amendment_moves (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				amendment_id TEXT NOT NULL,
				from_status TEXT NOT NULL,
				to_status TEXT NOT NULL,
				version BIGINT NOT NULL,
				step BIGINT NOT NULL,
				note TEXT NOT NULL DEFAULT '',
				moved_by TEXT NOT NULL DEFAULT '',
				created_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE INDEX amendment_moves_amendment ON amendment_moves (tenant_id, amendment_id, created_at)`,
			`CREATE TABLE amendment_events (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				amendment_id TEXT NOT NULL,
				event TEXT NOT NULL,
				done_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, amendment_id, event)
			)`,
			`CREATE TABLE report_runs (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				kind TEXT NOT NULL,
				subject_id TEXT NOT NULL DEFAULT '',
				params TEXT NOT NULL DEFAULT '{}',
				requested_by TEXT NOT NULL DEFAULT '',
				status TEXT NOT NULL,
				done BIGINT NOT NULL DEFAULT 0,
				total BIGINT NOT NULL DEFAULT 0,
				file_key TEXT NOT NULL DEFAULT '',
				file_name TEXT NOT NULL DEFAULT '',
				content_type TEXT NOT NULL DEFAULT '',
				size_bytes BIGINT NOT NULL DEFAULT 0,
				problem TEXT NOT NULL DEFAULT '',
				created_at TIMESTAMPTZ NOT NULL,
				started_at TIMESTAMPTZ,
				finished_at TIMESTAMPTZ,
				expires_at TIMESTAMPTZ,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE INDEX report_runs_subject ON report_runs (tenant_id, kind, subject_id, created_at)`,
			`CREATE INDEX report_runs_expiry ON report_runs (expires_at) WHERE expires_at IS NOT NULL`,
		})
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, []string{
			`DROP TABLE IF EXISTS report_runs`,
			`DROP TABLE IF EXISTS amendment_events`,
			`DROP TABLE IF EXISTS amendment_moves`,
			`DROP TABLE IF EXISTS amendment_attachments`,
			`DROP TABLE IF EXISTS amendment_comments`,
			`DROP TABLE IF EXISTS amendment_decisions`,
			`DROP TABLE IF EXISTS amendment_versions`,
			`DROP TABLE IF EXISTS amendment_lines`,
			`DROP TABLE IF EXISTS amendments`,
			`DROP TABLE IF EXISTS amendment_rules`,
			`DROP TABLE IF EXISTS amendment_steps`,
			`DROP TABLE IF EXISTS budget_versions`,
			`ALTER TABLE fundings DROP COLUMN held_by`,
		})
	})
}
