package credentials

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/mail"
	"github.com/holdspace/holdspace/app/storage"
	"github.com/holdspace/holdspace/app/supervision"
	"github.com/holdspace/holdspace/app/tenants"
)

// Service is the rules for requirements, credentials, verification and reminders: it checks
// input, writes in one transaction with its audit event, and writes nothing of a bad form.
type Service struct {
	db      *bun.DB
	store   *Store
	tenants *tenants.Store
	reg     *consultants.Registry
	sup     *supervision.Service
	audit   *audit.Log
	mail    *mail.Mailer
	files   storage.Store
	baseURL string
}

// NewService returns the service. files keeps the evidence; mailer sends the reminders and
// the verification notices; baseURL starts the links in them.
func NewService(db *bun.DB, ten *tenants.Store, reg *consultants.Registry, sup *supervision.Service, log *audit.Log,
	mailer *mail.Mailer, files storage.Store, baseURL string) *Service {
	return &Service{db: db, store: NewStore(db), tenants: ten, reg: reg, sup: sup, audit: log, mail: mailer, files: files,
		baseURL: strings.TrimRight(baseURL, "/")}
}

// Store returns the store.
func (s *Service) Store() *Store { return s.store }

// Today is today's date (YYYY-MM-DD) in the time zone of ctx's tenant, at now.
func (s *Service) Today(ctx context.Context, now time.Time) (string, error) {
	t, err := s.tenant(ctx)
	if err != nil {
		return "", err
	}
	return t.Local(now).Format(time.DateOnly), nil
}

func (s *Service) tenant(ctx context.Context) (*tenants.Tenant, error) {
	return s.tenants.RequestTenant(ctx)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

func tooLong(bad map[string]string, field, value string, max int) {
	if n := utf8.RuneCountInString(value); n > max {
		bad[field] = fmt.Sprintf("Use at most %d characters (this is %d).", max, n)
	}
}

// ---- Requirements and kinds ----

// RequirementInput is the requirement form.
type RequirementInput struct {
	Name, Description, Level, Rule, DeadlineDays string
}

func (in RequirementInput) check() (*Requirement, map[string]string) {
	bad := map[string]string{}
	r := &Requirement{Name: clean(in.Name), Description: strings.TrimSpace(strings.ReplaceAll(in.Description, "\r\n", "\n")),
		Level: in.Level, Rule: in.Rule}
	if r.Name == "" {
		bad["name"] = "Enter the requirement’s name."
	}
	tooLong(bad, "name", r.Name, MaxName)
	tooLong(bad, "description", r.Description, MaxDescription)
	if r.Level != LevelRequired && r.Level != LevelRecommended {
		bad["level"] = "Choose required or recommended."
	}
	if r.Rule != RuleCredential && r.Rule != RuleSupervision {
		bad["rule"] = "Choose how the requirement is met."
	}
	days := strings.TrimSpace(in.DeadlineDays)
	if days == "" {
		days = "0"
	}
	n, err := strconv.Atoi(days)
	if err != nil || n < 0 || n > MaxDeadlineDays {
		bad["deadline_days"] = fmt.Sprintf("Enter the days after hire as a whole number from 0 to %d (0: no deadline).", MaxDeadlineDays)
	}
	r.DeadlineDays = n
	return r, bad
}

func (s *Service) nameTaken(ctx context.Context, model any, alias, name, exceptID string) (bool, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return false, err
	}
	n, err := t.Select(model).Where("LOWER("+alias+".name) = LOWER(?)", name).Where(alias+".id <> ?", exceptID).Count(ctx)
	return n > 0, err
}

func (s *Service) nextPosition(ctx context.Context, table, where string, args ...any) (int, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return 0, err
	}
	var n int
	q := t.SelectFrom(table, table).ColumnExpr("COALESCE(MAX(position), 0)")
	if where != "" {
		q = q.Where(where, args...)
	}
	err = q.Scan(ctx, &n)
	return n + 1, err
}

// SaveRequirement adds a requirement (id "") or changes one. Errors: ENOTFOUND; EINVALID
// naming each bad field (nothing is written).
func (s *Service) SaveRequirement(ctx context.Context, id string, in RequirementInput) (*Requirement, error) {
	var out *Requirement
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		var cur *Requirement
		if id != "" {
			var err error
			if cur, err = s.store.Requirement(ctx, id); err != nil {
				return err
			}
		}
		r, bad := in.check()
		if bad["name"] == "" {
			taken, err := s.nameTaken(ctx, (*Requirement)(nil), "sreq", r.Name, id)
			if err != nil {
				return err
			}
			if taken {
				bad["name"] = "There is already a requirement with this name."
			}
		}
		if cur != nil && r.Rule == RuleSupervision && len(cur.Kinds) > 0 && bad["rule"] == "" {
			bad["rule"] = "This requirement has credential kinds: remove them before it is met by a supervisor instead."
		}
		if len(bad) > 0 {
			return apperr.Invalid(bad)
		}
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		now := database.Now()
		if cur == nil {
			if r.Position, err = s.nextPosition(ctx, "staffing_requirements", ""); err != nil {
				return err
			}
			r.ID, r.CreatedAt, r.UpdatedAt = database.NewID(), now, now
			if _, err := t.Insert(r).Exec(ctx); err != nil {
				return err
			}
			out = r
			return s.audit.Record(ctx, "staffing_requirement.create", "staffing_requirement", r.ID, r.Name+" ("+strings.ToLower(r.LevelLabel())+")")
		}
		cur.Name, cur.Description, cur.Level, cur.Rule, cur.DeadlineDays, cur.UpdatedAt = r.Name, r.Description, r.Level, r.Rule, r.DeadlineDays, now
		if _, err := t.Update(cur).Column("name", "description", "level", "rule", "deadline_days", "updated_at").
			Where("sreq.id = ?", cur.ID).Exec(ctx); err != nil {
			return err
		}
		out = cur
		return s.audit.Record(ctx, "staffing_requirement.update", "staffing_requirement", cur.ID, cur.Name+" ("+strings.ToLower(cur.LevelLabel())+")")
	})
	return out, err
}

// KindInput is the form adding a kind of credential to a requirement.
type KindInput struct {
	Name, Issuer, ValidMonths string
}

// AddKind adds a kind of credential that meets requirement reqID. Errors: ENOTFOUND;
// EINVALID naming each bad field.
func (s *Service) AddKind(ctx context.Context, reqID string, in KindInput) (*Kind, error) {
	var k *Kind
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		r, err := s.store.Requirement(ctx, reqID)
		if err != nil {
			return err
		}
		bad := map[string]string{}
		k = &Kind{RequirementID: r.ID, Name: clean(in.Name), Issuer: clean(in.Issuer)}
		if k.Name == "" {
			bad["kind_name"] = "Enter the credential’s name."
		}
		tooLong(bad, "kind_name", k.Name, MaxName)
		tooLong(bad, "issuer", k.Issuer, MaxIssuer)
		months := strings.TrimSpace(in.ValidMonths)
		if months == "" {
			months = "0"
		}
		if k.ValidMonths, err = strconv.Atoi(months); err != nil || k.ValidMonths < 0 || k.ValidMonths > MaxValidMonths {
			bad["valid_months"] = fmt.Sprintf("Enter the months as a whole number from 0 to %d (0: it does not expire).", MaxValidMonths)
		}
		if r.Rule == RuleSupervision {
			bad["kind_name"] = "This requirement is met by an assigned supervisor: it takes no credentials."
		}
		if bad["kind_name"] == "" {
			taken, err := s.nameTaken(ctx, (*Kind)(nil), "ck", k.Name, "")
			if err != nil {
				return err
			}
			if taken {
				bad["kind_name"] = "There is already a credential with this name."
			}
		}
		if len(bad) > 0 {
			return apperr.Invalid(bad)
		}
		if k.Position, err = s.nextPosition(ctx, "credential_kinds", "requirement_id = ?", r.ID); err != nil {
			return err
		}
		k.ID, k.CreatedAt = database.NewID(), database.Now()
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		if _, err := t.Insert(k).Exec(ctx); err != nil {
			return err
		}
		return s.audit.Record(ctx, "credential_kind.create", "credential_kind", k.ID, k.Name+" meets "+r.Name)
	})
	return k, err
}

// RemoveKind removes a kind of requirement reqID that no credential is of. Errors:
// ENOTFOUND; ECONFLICT when credentials use it.
func (s *Service) RemoveKind(ctx context.Context, reqID, kindID string) (*Kind, error) {
	var k *Kind
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		var err error
		if k, err = s.store.Kind(ctx, kindID); err != nil {
			return err
		}
		if k.RequirementID != reqID {
			return apperr.NotFound("credential kind")
		}
		if k.Used > 0 {
			return apperr.Errorf(apperr.ECONFLICT, "Consultants hold %s of “%s”: it cannot be removed.",
				plural(k.Used, "credential", "credentials"), k.Name)
		}
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		if _, err := t.Delete((*Kind)(nil)).Where("ck.id = ?", k.ID).Exec(ctx); err != nil {
			return err
		}
		return s.audit.Record(ctx, "credential_kind.delete", "credential_kind", k.ID, k.Name)
	})
	return k, err
}

// AddBuiltin adds the built-in set key's requirements and kinds that the tenant does not have
// yet (matched on name), and returns how many requirements and kinds it added: adding a set
// twice adds nothing. Errors: EINVALID for an unknown set.
func (s *Service) AddBuiltin(ctx context.Context, key string) (int, error) {
	set := builtinSet(key)
	if set == nil {
		return 0, apperr.Invalid(map[string]string{"set": "Choose one of the built-in sets."})
	}
	added := 0
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		have, err := s.store.Requirements(ctx)
		if err != nil {
			return err
		}
		kinds, err := s.store.Kinds(ctx)
		if err != nil {
			return err
		}
		reqByName, kindByName := map[string]*Requirement{}, map[string]bool{}
		for i := range have {
			reqByName[strings.ToLower(have[i].Name)] = &have[i]
		}
		for _, k := range kinds {
			kindByName[strings.ToLower(k.Name)] = true
		}
		pos, err := s.nextPosition(ctx, "staffing_requirements", "")
		if err != nil {
			return err
		}
		now := database.Now()
		for _, br := range set.requirements {
			r := reqByName[strings.ToLower(br.name)]
			if r == nil {
				r = &Requirement{ID: database.NewID(), Name: br.name, Description: br.description, Level: br.level, Rule: br.rule,
					DeadlineDays: br.deadlineDays, Position: pos, Builtin: set.Key, CreatedAt: now, UpdatedAt: now}
				pos++
				if _, err := t.Insert(r).Exec(ctx); err != nil {
					return err
				}
				added++
			}
			for i, bk := range br.kinds {
				if kindByName[strings.ToLower(bk.name)] {
					continue
				}
				k := &Kind{ID: database.NewID(), RequirementID: r.ID, Name: bk.name, Issuer: bk.issuer, ValidMonths: bk.validMonths,
					Position: len(r.Kinds) + i + 1, CreatedAt: now}
				if _, err := t.Insert(k).Exec(ctx); err != nil {
					return err
				}
				kindByName[strings.ToLower(bk.name)] = true
				added++
			}
		}
		if added == 0 {
			return nil
		}
		return s.audit.Record(ctx, "staffing_requirement.builtin", "staffing_requirement", "", fmt.Sprintf("%s: %d added", set.Label, added))
	})
	return added, err
}
