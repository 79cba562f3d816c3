// Package server assembles Holdspace: it opens the database and Redis, builds each domain,
// and wires the route table, the middleware and the background jobs. It is the only package
// that imports the domains; they never import it.
package server

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/amendments"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/billing"
	"github.com/holdspace/holdspace/app/config"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/credentials"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/exports"
	"github.com/holdspace/holdspace/app/imports"
	"github.com/holdspace/holdspace/app/jobs"
	"github.com/holdspace/holdspace/app/mail"
	"github.com/holdspace/holdspace/app/platform"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/reports"
	"github.com/holdspace/holdspace/app/runs"
	"github.com/holdspace/holdspace/app/signup"
	"github.com/holdspace/holdspace/app/storage"
	"github.com/holdspace/holdspace/app/supervision"
	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/views"
)

// App is every part of Holdspace, built once.
type App struct {
	Cfg   *config.Config
	Log   *slog.Logger
	DB    *bun.DB
	Redis redis.UniversalClient
	Queue *jobs.Queue
	Authz *authz.Authorizer
	Audit *audit.Log
	Mail  *mail.Mailer

	Accounts *accounts.Service
	Tenants  *tenants.Service

	accountsH *accounts.Handler
	tenantsH  *tenants.Handler
	auditH    *audit.Handler
	platformH *platform.Handler
	// == Issue 3: each team adds its services and handlers below its own heading. ==
	// app/signup
	Signup  *signup.Service
	signupH *signup.Handler
	// app/programs
	Programs  *programs.Service
	programsH *programs.Handler
	// app/imports, app/exports
	Imports  *imports.Service
	Exports  *exports.Service
	importsH *imports.Handler
	exportsH *exports.Handler
	// app/reports: funders' reports and the de-identified sessions export (issue 12, section 3)
	FunderReports  *reports.FunderReports
	Dashboards     *reports.Dashboards // each role's home page dashboard
	SessionsExport *reports.SessionsExport
	// app/consultants
	ConsultantRequests *consultants.Requests
	searchH            *consultants.SearchHandler
	Storage            storage.Store // uploaded files (DATA_DIR/files, or the STORAGE_URL bucket)
	Registry           *consultants.Registry
	registryH          *consultants.RegistryHandler
	// app/consultants: matching (requests answered, assignments, the consultants page)
	Matching *consultants.Matching
	matchH   *consultants.MatchHandler
	// app/amendments
	Amendments  *amendments.Service
	amendmentsH *amendments.Handler
	// app/runs: report runs (long work a person downloads: the amendment's PDF first)
	Runs  *runs.Service
	runsH *runs.Handler
	// app/supervision
	Supervision  *supervision.Service
	supervisionH *supervision.Handler
	// app/credentials
	Credentials  *credentials.Service
	credentialsH *credentials.Handler
	// app/consultation (D1): engagements, caseloads, dosage and fidelity, EI expectations
	Engagements  *consultation.Engagements
	engagementsH *consultation.EngagementHandler
	// app/consultation (D2): sessions (notes sealed with NOTES_KEY), follow-ups, resources
	Sessions   *consultation.Sessions
	Resources  *consultation.Resources
	sessionsH  *consultation.SessionHandler
	resourcesH *consultation.ResourceHandler
	// app/consultation (D3): assessment instruments, pre/post assessments, quality improvement plans
	Instruments  *consultation.Instruments
	Assessments  *consultation.Assessments
	Plans        *consultation.Plans
	assessmentsH *consultation.AssessmentHandler
	plansH       *consultation.PlanHandler
	// Issue 12 (reports index): the reports page, with the person's own files.
	reportsIndexH *reports.Index
	// app/reports: the NCPC report (issue 12, section 2)
	ncpcH *reports.NCPCHandler
	// app/reports (issue 12, part 4): child outcomes and the equity view
	equityH *reports.EquityHandler
	// app/billing (issue 13): subscriptions, Stripe's webhooks, the console's revenue view
	Billing  *billing.Service
	billingH *billing.Handler
	webhookH *billing.WebhookHandler
	consoleH *billing.ConsoleHandler

	m *metrics

	// Views are the templates; tests may swap them.
	Views fs.FS
}

// Open connects to the database and Redis and builds the domains. The caller closes it.
func Open(ctx context.Context, cfg *config.Config, log *slog.Logger) (*App, error) {
	db, err := database.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	// The second wall of tenant isolation needs a role that owns nothing (README, PostgreSQL).
	if problems, err := database.RoleProblems(ctx, db); err != nil {
		log.Warn("could not check the database role", "error", err)
	} else {
		for _, p := range problems {
			log.Warn("database role: row-level security is not the second wall it should be", "problem", p)
		}
	}
	rdb, err := jobs.Connect(ctx, cfg.RedisURL)
	if err != nil {
		db.Close()
		return nil, err
	}
	return New(cfg, log, db, rdb)
}

// New builds the domains on open connections.
func New(cfg *config.Config, log *slog.Logger, db *bun.DB, rdb redis.UniversalClient) (*App, error) {
	az, err := authz.New()
	if err != nil {
		return nil, err
	}
	a := &App{Cfg: cfg, Log: log, DB: db, Redis: rdb, Authz: az, Views: views.FS}
	a.Queue = jobs.NewNamedQueue(rdb, a.queueName())
	a.Audit = audit.New(db)
	var sender mail.Sender
	if cfg.SMTPURL != "" {
		s, err := mail.NewSMTP(cfg.SMTPURL)
		if err != nil {
			return nil, fmt.Errorf("SMTP_URL: %w", err)
		}
		sender = s
	}
	a.Mail = mail.New(db, a.Queue, sender, cfg.MailFrom, mail.MessageIDHost(cfg.BaseURL))
	a.Accounts = accounts.New(db, a.Audit, a.Mail, accounts.NewLimiter(rdb, cfg.RedisPrefix), cfg.BaseURL, log)
	a.Tenants = tenants.NewService(db, tenants.NewStore(db), a.Accounts, a.Audit, a.Mail, cfg.BaseURL)

	a.accountsH = accounts.NewHandler(a.Accounts)
	a.tenantsH = tenants.NewHandler(a.Tenants, az, a.Audit, a.accountsH)
	a.auditH = audit.NewHandler(a.Audit)
	a.platformH = platform.NewHandler(db, a.Mail, a.Tenants, a.Audit)
	// == Issue 3 wiring: each team adds its lines below its own heading. ==
	// app/signup
	a.Signup = signup.NewService(db, a.Tenants, a.Accounts, a.Audit, a.Mail, accounts.NewLimiter(rdb, cfg.RedisPrefix), cfg.SecretKey, cfg.BaseURL)
	a.signupH = signup.NewHandler(a.Signup, a.accountsH)
	// app/programs
	a.Programs = programs.NewService(db, a.Tenants.Store(), a.Audit)
	a.programsH = programs.NewHandler(a.Programs, az)
	a.tenantsH.SetFundersOffer(func(t *tenants.Tenant) string { return programs.OfferFor(t).Sentence })
	// app/imports, app/exports
	a.Imports = imports.NewService(db, a.Tenants, a.Accounts, a.Audit, a.Queue)
	a.importsH = imports.NewHandler(a.Imports)
	// (app/exports is wired below, once a.Runs exists: the full export is a kind of run.)
	// app/platform additions
	// app/consultants
	a.ConsultantRequests = consultants.NewRequests(db, a.Audit, a.Mail, accounts.NewLimiter(rdb, cfg.RedisPrefix), cfg.BaseURL)
	a.searchH = consultants.NewSearchHandler(db, a.ConsultantRequests)
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	a.Storage, err = storage.Open(sctx, cfg.Storage, filepath.Join(cfg.DataDir, "files"))
	cancel()
	if err != nil {
		return nil, fmt.Errorf("STORAGE_URL: %w", err)
	}
	a.Registry = consultants.NewRegistry(db, a.Tenants.Store(), a.Audit, a.Storage)
	a.registryH = consultants.NewRegistryHandler(a.Registry)
	// app/consultants: matching
	a.Matching = consultants.NewMatching(db, a.Tenants.Store(), a.Audit, a.Mail, cfg.BaseURL)
	a.matchH = consultants.NewMatchHandler(a.Matching, a.ConsultantRequests)
	// app/supervision
	a.Supervision = supervision.NewService(db, a.Tenants.Store(), a.Audit)
	a.supervisionH = supervision.NewHandler(a.Supervision)
	// app/credentials
	a.Credentials = credentials.NewService(db, a.Tenants.Store(), a.Registry, a.Supervision, a.Audit, a.Mail, a.Storage, cfg.BaseURL)
	a.credentialsH = credentials.NewHandler(a.Credentials)
	// app/consultation (D1)
	a.Engagements = consultation.NewEngagements(db, a.Audit)
	// app/consultation (D2)
	notesKeys, err := notesKeyring(cfg, log)
	if err != nil {
		return nil, err
	}
	a.Sessions = consultation.NewSessions(db, a.Audit, notesKeys)
	a.Resources = consultation.NewResources(db, a.Audit)
	a.sessionsH = consultation.NewSessionHandler(a.Sessions, a.Resources)
	a.resourcesH = consultation.NewResourceHandler(a.Resources)
	// app/consultation (D3)
	a.Instruments = consultation.NewInstruments(db, a.Audit)
	a.Assessments = consultation.NewAssessments(db, a.Audit, a.Instruments)
	a.Plans = consultation.NewPlans(db, a.Audit)
	a.assessmentsH = consultation.NewAssessmentHandler(a.Assessments)
	a.plansH = consultation.NewPlanHandler(a.Plans)
	// The engagement page shows its sessions, assessments and plan.
	a.engagementsH = consultation.NewEngagementHandler(a.Engagements, a.Sessions, a.Assessments, a.Plans)
	a.tenantsH.AddNotices(a.Engagements.HomeNotices) // a consultant's new assignments
	// app/amendments
	a.Amendments = amendments.NewService(db, a.Programs, a.Tenants.Store(), a.Audit, a.Mail, a.Queue, a.Storage, cfg.BaseURL)
	a.amendmentsH = amendments.NewHandler(a.Amendments)
	a.tenantsH.AddNotices(a.Amendments.HomeNotices) // amendments waiting on a decider, or returned to a program
	// app/runs: the domains register their kinds on a.Runs (a.Runs.Register).
	a.Runs = runs.NewService(db, a.Audit, a.Queue, a.Storage)
	a.runsH = runs.NewHandler(a.Runs)
	// The first kind: the amendment document (its PDF), started by amendments:apply in the
	// apply's transaction, kept without expiry (it is the record of a decision), seen by whoever
	// may see the amendment.
	docName, docLabel, docBuild, docMaySee := a.Amendments.DocumentKind()
	a.Runs.Register(runs.Kind{
		Name: docName, Label: docLabel,
		Build: func(ctx context.Context, r *runs.Run, w io.Writer, _ func(done, total int)) (string, string, error) {
			name, err := docBuild(ctx, r.SubjectID, w)
			return name, "application/pdf", err
		},
		MaySee: func(ctx context.Context, r *runs.Run) (bool, error) { return docMaySee(ctx, r.SubjectID) },
		Back:   func(r *runs.Run) (string, string) { return "Back to the amendment", "amendments/" + r.SubjectID },
	})
	a.Amendments.SetDocuments(func(ctx context.Context, amendmentID string) (string, error) {
		r, err := a.Runs.Start(ctx, docName, amendmentID, nil)
		if err != nil {
			return "", err
		}
		return r.ID, nil
	})
	// app/exports: the tenant's full export, a kind of run ("tenant_export", tenant admins only,
	// kept 30 days), registered by NewService.
	a.Exports = exports.NewService(db, a.Audit, a.Runs)
	a.exportsH = exports.NewHandler(a.Exports)
	// Issue 12 (report runs: imports): an import's problems file, a kind of run
	// ("import_problems", kept 30 days, seen by whoever may see the import).
	a.Imports.UseRuns(a.Runs)
	// Issue 12 (reports index): the reports page.
	a.reportsIndexH = reports.NewIndex(reports.Deps{DB: db, Audit: a.Audit, Runs: a.Runs, Tenants: a.Tenants.Store(), Now: time.Now})
	// app/reports: the NCPC report (issue 12, section 2); its files are the "ncpc_report" run.
	ncpc := reports.Deps{DB: db, Audit: a.Audit, Runs: a.Runs, Tenants: a.Tenants.Store()}
	ncpc.RegisterNCPC()
	a.ncpcH = reports.NewNCPCHandler(ncpc)
	// app/reports: funders' reports ("funder_report") and the sessions export
	// ("sessions_export"), kinds of run seen only by who asked, kept 30 days.
	funderDeps := reports.Deps{DB: db, Audit: a.Audit, Runs: a.Runs, Tenants: a.Tenants.Store()}
	a.FunderReports = reports.NewFunderReports(funderDeps)
	a.SessionsExport = reports.NewSessionsExport(funderDeps, a.FunderReports)
	// app/reports (issue 12, part 4): the equity view of child outcomes; its file is a kind of
	// run ("child_outcomes", kept 30 days, for the person who asked), registered by the handler.
	a.equityH = reports.NewEquityHandler(reports.Deps{DB: db, Audit: a.Audit, Runs: a.Runs, Tenants: a.Tenants.Store()})
	// app/reports: the dashboards (issue 12, section 5), each role's on its home page.
	a.Dashboards = reports.NewDashboards(reports.Deps{DB: db, Audit: a.Audit, Runs: a.Runs, Tenants: a.Tenants.Store()},
		a.Engagements, a.Sessions, a.Credentials, a.Supervision)
	a.tenantsH.SetDashboard(a.Dashboards.Home)
	// app/billing (issue 13): it decides each tenant's access (a trial's change decides it
	// again) and syncs seats when people change.
	a.Billing = billing.New(billing.Deps{DB: db, Audit: a.Audit, Mail: a.Mail, Queue: a.Queue, Tenants: a.Tenants.Store(),
		Cfg: cfg.Stripe, BaseURL: cfg.BaseURL, Log: log})
	a.billingH = billing.NewHandler(a.Billing)
	a.webhookH = billing.NewWebhookHandler(a.Billing)
	a.consoleH = billing.NewConsoleHandler(a.Billing)
	a.Tenants.OnLifeChanged(a.Billing.Refresh)
	a.Tenants.OnMembersChanged(a.Billing.SeatsChanged)
	return a, nil
}

// Close releases the connections.
func (a *App) Close() error {
	a.Redis.Close()
	return a.DB.Close()
}

// Jobs returns the task handlers and the periodic tasks.
func (a *App) Jobs() (*jobs.Mux, []jobs.Periodic) {
	mux := jobs.NewMux()
	a.Mail.Register(mux)
	a.Accounts.Register(mux)
	periodic := append(accounts.Periodic(), mail.Periodic()...)
	// == Issue 3 tasks: each team registers its handlers and periodic tasks below. ==
	// app/imports: imports:validate, imports:run. (app/exports: the full export is built by
	// reports:build, expired by runs:expire.)
	a.Imports.Register(mux)
	// app/tenants: the purge of deleted tenants.
	a.Tenants.Register(mux, a.Log)
	periodic = append(periodic, tenants.Periodic()...)
	// app/consultants: consultants:cleanup_requests (unconfirmed requests whose link expired).
	a.ConsultantRequests.Register(mux, a.Log)
	periodic = append(periodic, consultants.Periodic()...)
	// app/credentials: credentials:remind, the daily staffing reminders.
	a.Credentials.Register(mux, a.Log)
	periodic = append(periodic, credentials.Periodic()...)
	// app/runs: reports:build (every kind's file; runs:build, its old name, too), runs:expire (hourly).
	a.Runs.RegisterTasks(mux)
	periodic = append(periodic, runs.Periodic()...)
	// app/amendments: amendments:step_opened, amendments:apply, amendments:sweep (hourly reminders
	// and escalations).
	a.Amendments.Register(mux)
	periodic = append(periodic, amendments.Periodic()...)
	// app/billing: the seat sync, Stripe's events and their nightly reconcile, dunning.
	a.Billing.Register(mux)
	periodic = append(periodic, billing.Periodic()...)
	return mux, periodic
}

// queueName is the asynq queue: REDIS_KEY_PREFIX keeps deployments (and tests) that share a
// Redis server apart.
func (a *App) queueName() string { return a.Cfg.RedisPrefix + jobs.DefaultQueue }

// Worker returns the asynq server and scheduler. Start them with Run and Start.
func (a *App) Worker(concurrency int) (*asynq.Server, *jobs.Mux, *asynq.Scheduler, error) {
	mux, periodic := a.Jobs()
	srv := jobs.NewServerWith(a.Redis, a.Log, jobs.ServerOptions{Concurrency: concurrency, Queue: a.queueName()})
	sched, err := jobs.NewScheduler(a.Cfg.RedisURL, a.queueName(), a.Log, periodic)
	if err != nil {
		return nil, nil, nil, err
	}
	return srv, mux, sched, nil
}
