package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// Consultation records: engagements (one consultant with one program, through the consultation
// cycle), the sessions recorded in them (notes sealed at rest), follow-ups, referrals and the
// resources shared; assessment instruments with subscales and their pre/post administrations;
// quality improvement plans with goals and the progress recorded at sessions.
//
// Nothing here records a diagnosis or a treatment: a child/family focus is initials and an age
// band. Scores are kept in hundredths (BIGINT) so both engines store them exactly. Engagements
// carry their dosage counters (contacts, minutes, first and last contact), updated in the same
// transaction as a session, so caseload pages don't count a million rows.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, []string{
			`ALTER TABLE tenants ADD COLUMN session_topics TEXT NOT NULL DEFAULT '[]'`,
			`ALTER TABLE tenants ADD COLUMN session_services TEXT NOT NULL DEFAULT '[]'`,
			`CREATE TABLE engagements (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				assignment_id TEXT NOT NULL,
				profile_id TEXT NOT NULL,
				program_id TEXT NOT NULL,
				focus TEXT NOT NULL,
				site_id TEXT NOT NULL DEFAULT '',
				focus_label TEXT NOT NULL DEFAULT '',
				child_initials TEXT NOT NULL DEFAULT '',
				child_age_band TEXT NOT NULL DEFAULT '',
				stage TEXT NOT NULL,
				kind TEXT NOT NULL,
				coaching_started_on TEXT NOT NULL DEFAULT '',
				opened_on TEXT NOT NULL,
				closed_on TEXT NOT NULL DEFAULT '',
				default_participants TEXT NOT NULL DEFAULT '{}',
				last_mode TEXT NOT NULL DEFAULT '',
				contacts BIGINT NOT NULL DEFAULT 0,
				minutes BIGINT NOT NULL DEFAULT 0,
				first_contact_on TEXT NOT NULL DEFAULT '',
				last_contact_on TEXT NOT NULL DEFAULT '',
				created_by TEXT NOT NULL,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE INDEX engagements_profile ON engagements (tenant_id, profile_id, stage)`,
			`CREATE INDEX engagements_program ON engagements (tenant_id, program_id, stage)`,
			`CREATE INDEX engagements_assignment ON engagements (tenant_id, assignment_id)`,
			`CREATE TABLE engagement_moves (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				engagement_id TEXT NOT NULL,
				from_stage TEXT NOT NULL,
				to_stage TEXT NOT NULL,
				moved_on TEXT NOT NULL,
				moved_by TEXT NOT NULL,
				reason TEXT NOT NULL DEFAULT '',
				created_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE INDEX engagement_moves_engagement ON engagement_moves (tenant_id, engagement_id, created_at)`,
			`CREATE TABLE consultation_sessions (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				engagement_id TEXT NOT NULL,
				profile_id TEXT NOT NULL,
				program_id TEXT NOT NULL,
				held_on TEXT NOT NULL,
				minutes BIGINT NOT NULL,
				mode TEXT NOT NULL,
				service TEXT NOT NULL,
				training_topic TEXT NOT NULL DEFAULT '',
				participants TEXT NOT NULL DEFAULT '{}',
				topics TEXT NOT NULL DEFAULT '[]',
				notes_sealed TEXT NOT NULL DEFAULT '',
				summary TEXT NOT NULL DEFAULT '',
				unlocked_until TIMESTAMPTZ,
				unlocked_by TEXT NOT NULL DEFAULT '',
				unlock_reason TEXT NOT NULL DEFAULT '',
				created_by TEXT NOT NULL,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE INDEX consultation_sessions_profile ON consultation_sessions (tenant_id, profile_id, held_on, id)`,
			`CREATE INDEX consultation_sessions_engagement ON consultation_sessions (tenant_id, engagement_id, held_on)`,
			`CREATE INDEX consultation_sessions_program ON consultation_sessions (tenant_id, program_id, held_on)`,
			`CREATE TABLE session_followups (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				session_id TEXT NOT NULL,
				engagement_id TEXT NOT NULL,
				profile_id TEXT NOT NULL,
				description TEXT NOT NULL,
				due_on TEXT NOT NULL,
				done_on TEXT NOT NULL DEFAULT '',
				created_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE INDEX session_followups_profile ON session_followups (tenant_id, profile_id, done_on, due_on)`,
			`CREATE INDEX session_followups_session ON session_followups (tenant_id, session_id)`,
			`CREATE INDEX session_followups_engagement ON session_followups (tenant_id, engagement_id, done_on)`,
			`CREATE TABLE session_referrals (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				session_id TEXT NOT NULL,
				engagement_id TEXT NOT NULL,
				kind TEXT NOT NULL,
				note TEXT NOT NULL DEFAULT '',
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE INDEX session_referrals_session ON session_referrals (tenant_id, session_id)`,
			`CREATE TABLE resources (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				title TEXT NOT NULL,
				url TEXT NOT NULL DEFAULT '',
				topic TEXT NOT NULL DEFAULT '',
				audience TEXT NOT NULL DEFAULT '',
				description TEXT NOT NULL DEFAULT '',
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE UNIQUE INDEX resources_title ON resources (tenant_id, title)`,
			`CREATE TABLE session_resources (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				session_id TEXT NOT NULL,
				resource_id TEXT NOT NULL,
				engagement_id TEXT NOT NULL,
				shared_with TEXT NOT NULL,
				PRIMARY KEY (tenant_id, session_id, resource_id)
			)`,
			`CREATE INDEX session_resources_engagement ON session_resources (tenant_id, engagement_id)`,
			`CREATE TABLE instruments (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				name TEXT NOT NULL,
				short_name TEXT NOT NULL,
				description TEXT NOT NULL DEFAULT '',
				higher_is_better BOOLEAN NOT NULL DEFAULT TRUE,
				builtin TEXT NOT NULL DEFAULT '',
				created_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE UNIQUE INDEX instruments_short_name ON instruments (tenant_id, short_name)`,
			`CREATE TABLE instrument_subscales (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				instrument_id TEXT NOT NULL,
				name TEXT NOT NULL,
				position BIGINT NOT NULL,
				min_hundredths BIGINT NOT NULL,
				max_hundredths BIGINT NOT NULL,
				higher_is_better BOOLEAN NOT NULL DEFAULT TRUE,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE INDEX instrument_subscales_instrument ON instrument_subscales (tenant_id, instrument_id, position)`,
			`CREATE TABLE assessments (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				engagement_id TEXT NOT NULL,
				instrument_id TEXT NOT NULL,
				phase TEXT NOT NULL,
				administered_on TEXT NOT NULL,
				administered_by TEXT NOT NULL,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE INDEX assessments_engagement ON assessments (tenant_id, engagement_id, instrument_id, phase)`,
			`CREATE TABLE assessment_scores (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				assessment_id TEXT NOT NULL,
				subscale_id TEXT NOT NULL,
				score_hundredths BIGINT NOT NULL,
				PRIMARY KEY (tenant_id, assessment_id, subscale_id)
			)`,
			`CREATE TABLE qi_plans (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				engagement_id TEXT NOT NULL,
				status TEXT NOT NULL,
				starts_on TEXT NOT NULL,
				ends_on TEXT NOT NULL,
				agreed_by TEXT NOT NULL DEFAULT '',
				agreed_names TEXT NOT NULL DEFAULT '',
				agreed_at TIMESTAMPTZ,
				created_by TEXT NOT NULL,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE INDEX qi_plans_engagement ON qi_plans (tenant_id, engagement_id)`,
			`CREATE TABLE qi_goals (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				plan_id TEXT NOT NULL,
				position BIGINT NOT NULL,
				goal TEXT NOT NULL,
				indicator TEXT NOT NULL,
				baseline TEXT NOT NULL DEFAULT '',
				target TEXT NOT NULL,
				owner TEXT NOT NULL,
				due_on TEXT NOT NULL,
				status TEXT NOT NULL,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE INDEX qi_goals_plan ON qi_goals (tenant_id, plan_id, position)`,
			`CREATE TABLE qi_goal_updates (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				goal_id TEXT NOT NULL,
				session_id TEXT NOT NULL DEFAULT '',
				status TEXT NOT NULL,
				note TEXT NOT NULL DEFAULT '',
				created_by TEXT NOT NULL,
				created_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE INDEX qi_goal_updates_goal ON qi_goal_updates (tenant_id, goal_id, created_at)`,
		})
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, []string{
			`DROP TABLE IF EXISTS qi_goal_updates`,
			`DROP TABLE IF EXISTS qi_goals`,
			`DROP TABLE IF EXISTS qi_plans`,
			`DROP TABLE IF EXISTS assessment_scores`,
			`DROP TABLE IF EXISTS assessments`,
			`DROP TABLE IF EXISTS instrument_subscales`,
			`DROP TABLE IF EXISTS instruments`,
			`DROP TABLE IF EXISTS session_resources`,
			`DROP TABLE IF EXISTS resources`,
			`DROP TABLE IF EXISTS session_referrals`,
			`DROP TABLE IF EXISTS session_followups`,
			`DROP TABLE IF EXISTS consultation_sessions`,
			`DROP TABLE IF EXISTS engagement_moves`,
			`DROP TABLE IF EXISTS engagements`,
			`ALTER TABLE tenants DROP COLUMN session_services`,
			`ALTER TABLE tenants DROP COLUMN session_topics`,
		})
	})
}
