package credentials

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/jobs"
	"github.com/holdspace/holdspace/app/tenants"
)

// TaskRemind is the daily reminders task: for a payload naming a tenant, that tenant; for the
// scheduler's empty payload, every tenant that is neither suspended nor deleted.
const TaskRemind = "credentials:remind"

// Register adds the credentials tasks to mux.
func (s *Service) Register(mux *jobs.Mux, log *slog.Logger) {
	jobs.Handle(mux, TaskRemind, func(ctx context.Context, p jobs.Tenant) error {
		var n int
		var err error
		if p.TenantID != "" {
			n, err = s.Remind(ctx, time.Now())
		} else {
			n, err = s.RemindAll(ctx, time.Now())
		}
		if n > 0 {
			log.InfoContext(ctx, "staffing reminders sent", "emails", n)
		}
		return err
	})
}

// Periodic lists the credentials' scheduled tasks: the reminders, once a day at 12:00 UTC
// (the morning in the United States).
func Periodic() []jobs.Periodic {
	return []jobs.Periodic{{Spec: "0 12 * * *", Type: TaskRemind}}
}

// RemindAll runs Remind in every live tenant, each in its own scope, and returns how many
// emails went out. A tenant that fails does not stop the others; the errors are returned
// together (and the task retried: what was sent is not sent again).
func (s *Service) RemindAll(ctx context.Context, now time.Time) (int, error) {
	var list []tenants.Tenant
	if err := s.db.NewSelect().Model(&list).Column("t.id", "t.slug").
		Where("t.deleted_at IS NULL AND t.suspended_at IS NULL").OrderExpr("t.id").Scan(ctx); err != nil {
		return 0, err
	}
	total := 0
	var errs []error
	for _, t := range list {
		tctx := database.WithScope(ctx, database.Scope{TenantID: t.ID, TenantSlug: t.Slug})
		n, err := s.Remind(tctx, now)
		total += n
		if err != nil {
			errs = append(errs, fmt.Errorf("reminders of %s: %w", t.Slug, err))
		}
	}
	return total, errors.Join(errs...)
}

// due is one thing that falls due: a credential's expiry or a requirement's deadline.
type due struct {
	subject string // "credential:<id>" or "requirement:<requirement id>:<profile id>"
	dueOn   string
	profile *consultants.Profile
	what    string // "your Infant Family Specialist expires", for "… on <date>"
	whose   string // the same about the consultant, for their supervisors
}

// dueItems lists what falls due for the tenant's consultants, as of today: each credential
// with an expiry (submitted or verified, unless a later one of the same requirement replaces
// it), and each unmet requirement with a deadline still ahead.
func (s *Service) dueItems(ctx context.Context, today string, now time.Time) ([]due, error) {
	reqs, err := s.store.Requirements(ctx)
	if err != nil {
		return nil, err
	}
	profiles, err := s.store.Profiles(ctx, nil)
	if err != nil {
		return nil, err
	}
	creds, err := s.store.CredentialsOf(ctx, nil)
	if err != nil {
		return nil, err
	}
	subs, err := s.subjects(ctx, profiles, now)
	if err != nil {
		return nil, err
	}
	byProfile := map[string][]Credential{}
	for _, c := range creds {
		byProfile[c.ProfileID] = append(byProfile[c.ProfileID], c)
	}
	live := func(c *Credential) bool { return c.Status == StatusVerified || c.Status == StatusSubmitted }
	var out []due
	for i := range profiles {
		p := &profiles[i]
		mine := byProfile[p.ID]
		for j := range mine {
			c := &mine[j]
			if c.ExpiresOn == "" || !live(c) {
				continue
			}
			replaced := false
			for k := range mine {
				o := &mine[k]
				if o.ID != c.ID && live(o) && o.RequirementID == c.RequirementID && (o.ExpiresOn == "" || o.ExpiresOn > c.ExpiresOn) {
					replaced = true
				}
			}
			if replaced {
				continue
			}
			out = append(out, due{subject: "credential:" + c.ID, dueOn: c.ExpiresOn, profile: p,
				what: "your credential “" + c.KindName + "” expires", whose: "the credential “" + c.KindName + "” of " + p.DisplayName + " expires"})
		}
		for _, st := range Evaluate(reqs, mine, subs[p.ID], today) {
			if st.State != StateDue {
				continue
			}
			name := st.Requirement.Name
			out = append(out, due{subject: "requirement:" + st.Requirement.ID + ":" + p.ID, dueOn: st.DueOn, profile: p,
				what: "the staffing requirement “" + name + "” is due", whose: "the staffing requirement “" + name + "” is due for " + p.DisplayName})
		}
	}
	return out, nil
}

// Remind sends the reminders due in ctx's tenant at now and returns how many emails it sent.
//
// A reminder goes out when a due date is 60, 30 or 7 days away or less (and not past): one
// email to the consultant and one to each of their supervisors, for the smallest threshold
// reached. Every threshold reached is recorded in staffing_reminders in the same transaction
// as the emails, so a second run sends nothing, and a due date first seen 5 days ahead gets
// one email, not three. A new due date (a renewed expiry) is a new subject of reminders.
func (s *Service) Remind(ctx context.Context, now time.Time) (int, error) {
	if audit.ActorFrom(ctx).Email == "" {
		ctx = audit.WithActor(ctx, audit.Actor{Email: "daily reminders"})
	}
	today, err := s.Today(ctx, now)
	if err != nil {
		return 0, err
	}
	items, err := s.dueItems(ctx, today, now)
	if err != nil {
		return 0, err
	}
	var supervisors map[string][]string // consultant user id → supervisor user ids
	sent := 0
	for _, it := range items {
		days, ok := DaysBetween(today, it.dueOn)
		if !ok || days < 0 {
			continue
		}
		var reached []int
		for _, th := range Thresholds {
			if days <= th {
				reached = append(reached, th)
			}
		}
		if len(reached) == 0 {
			continue
		}
		if supervisors == nil {
			as, err := s.sup.Store().Assignments(ctx, "")
			if err != nil {
				return sent, err
			}
			supervisors = map[string][]string{}
			for _, a := range as {
				supervisors[a.ConsultantID] = append(supervisors[a.ConsultantID], a.SupervisorID)
			}
		}
		n, err := s.remindOne(ctx, it, days, reached, supervisors[it.profile.UserID])
		sent += n
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// remindOne records the thresholds reached for one due date and, when the smallest of them
// is new, sends its emails, all in one transaction.
func (s *Service) remindOne(ctx context.Context, it due, days int, reached []int, supervisorIDs []string) (int, error) {
	smallest := reached[0]
	for _, th := range reached {
		smallest = min(smallest, th)
	}
	sent := 0
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		sent = 0
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		fresh := false
		at := database.Now()
		for _, th := range reached {
			res, err := t.Insert(&Reminder{Subject: it.subject, DueOn: it.dueOn, ThresholdDays: th, SentAt: at}).
				On("CONFLICT DO NOTHING").Exec(ctx)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 && th == smallest {
				fresh = true
			}
		}
		if !fresh {
			return nil
		}
		who, err := s.contacts(ctx, append([]string{it.profile.UserID}, supervisorIDs...))
		if err != nil {
			return err
		}
		when := it.dueOn + " (" + inDays(days) + ")"
		if u, ok := who[it.profile.UserID]; ok && u.Email != "" {
			body := "Hello " + u.Name + ",\n\nA reminder: " + it.what + " on " + when + ".\n\n" +
				"Add the renewed credential, or the one that meets the requirement, for verification:\n" + s.link(ctx, "/credentials") + "\n"
			if err := s.mail.Send(ctx, u.Email, "Reminder: "+capitalise(it.what)+" on "+it.dueOn, body); err != nil {
				return err
			}
			sent++
		}
		for _, id := range supervisorIDs {
			u, ok := who[id]
			if !ok || u.Email == "" {
				continue
			}
			body := "Hello " + u.Name + ",\n\nA reminder about a consultant you supervise: " + it.whose + " on " + when + ".\n\n" +
				"Their credentials and staffing requirements:\n" + s.link(ctx, "/staffing/"+it.profile.ID) + "\n"
			if err := s.mail.Send(ctx, u.Email, "Reminder: "+capitalise(it.whose)+" on "+it.dueOn, body); err != nil {
				return err
			}
			sent++
		}
		return s.audit.Record(ctx, "staffing.reminder", "consultant_profile", it.profile.ID,
			fmt.Sprintf("%s on %s, %d days before: %d emails", capitalise(it.whose), it.dueOn, smallest, sent))
	})
	return sent, err
}

func inDays(n int) string {
	switch n {
	case 0:
		return "today"
	case 1:
		return "tomorrow"
	}
	return fmt.Sprintf("in %d days", n)
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
