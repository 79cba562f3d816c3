package supervision

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/web"
)

// Limits on the tenant's monthly supervision target, in minutes: a quarter of an hour to 40
// hours.
const (
	MinTargetMinutes = 15
	MaxTargetMinutes = 2400
)

// TargetText says a monthly target in minutes and hours: "120 minutes (2 h)".
func TargetText(m int) string { return fmt.Sprintf("%d minutes (%s)", m, HoursText(m)) }

// ValidateTarget reads the target form's minutes a month ("2,400" is read as 2400).
// Errors: EINVALID naming target_minutes.
func ValidateTarget(in string) (int, error) {
	s := strings.ReplaceAll(strings.TrimSpace(in), ",", "")
	m, err := strconv.Atoi(s)
	if err != nil || m < MinTargetMinutes || m > MaxTargetMinutes {
		return 0, apperr.Invalid(map[string]string{
			"target_minutes": "Enter the minutes a month as a whole number from 15 to 2,400 (40 hours).",
		})
	}
	return m, nil
}

// Target is the tenant's monthly supervision target in minutes.
func (s *Service) Target(ctx context.Context) (int, error) {
	row, err := s.store.calendar(ctx)
	return row.Target, err
}

// SetTarget changes the tenant's monthly supervision target and records old → new in the
// audit log; the same value again writes nothing. It returns the target before and after.
// Errors: EINVALID naming target_minutes (nothing is written).
func (s *Service) SetTarget(ctx context.Context, minutes string) (before, after int, err error) {
	after, err = ValidateTarget(minutes)
	if err != nil {
		return 0, 0, err
	}
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		if before, err = s.Target(ctx); err != nil {
			return err
		}
		if before == after {
			return nil
		}
		if err := s.store.setTarget(ctx, after); err != nil {
			return err
		}
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		return s.audit.Record(ctx, "supervision.target_update", "tenant", t.ID,
			fmt.Sprintf("Monthly target %s → %s", TargetText(before), TargetText(after)))
	})
	return before, after, err
}

// setTarget writes the target of the tenant in ctx (the scope's tenant, never one named by
// the caller).
func (s *Store) setTarget(ctx context.Context, minutes int) error {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return err
	}
	_, err = database.Conn(ctx, s.db).NewUpdate().TableExpr("tenants").
		Set("supervision_target_minutes = ?", minutes).Set("updated_at = ?", database.Now()).
		Where("id = ?", t.ID).Exec(ctx)
	return err
}

// TargetData is the target page.
type TargetData struct {
	Base       string
	Current    int    // minutes a month
	CurrentTxt string // "120 minutes (2 h)"
	CurrentFY  string // twelve months of it, in hours
}

func (h *Handler) targetPage(c *fiber.Ctx, status int, f *web.Form) error {
	cur, err := h.svc.Target(c.UserContext())
	if err != nil {
		return err
	}
	if f == nil {
		f = &web.Form{Values: url.Values{}, Errors: map[string]string{}}
		f.Values.Set("target_minutes", strconv.Itoa(cur))
	}
	d := &TargetData{Base: base(c), Current: cur, CurrentTxt: TargetText(cur), CurrentFY: HoursText(12 * cur)}
	return web.Render(c, status, "supervision/target", "", web.View{Title: "Supervision target", D: d, Form: f})
}

// TargetPage is the form to change the tenant's monthly supervision target.
func (h *Handler) TargetPage(c *fiber.Ctx) error { return h.targetPage(c, 200, nil) }

// SaveTarget changes the target.
func (h *Handler) SaveTarget(c *fiber.Ctx) error {
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.targetPage(c, st, f)
	}
	before, after, err := h.svc.SetTarget(c.UserContext(), f.Get("target_minutes"))
	if st := web.FormError(f, err); st != 0 {
		return h.targetPage(c, st, f)
	}
	if err != nil {
		return err
	}
	if before == after {
		web.Flash(c, "The target is unchanged: "+HoursText(after)+" a month.")
	} else {
		web.Flash(c, "Target changed from "+HoursText(before)+" to "+HoursText(after)+" a month.")
	}
	return web.Redirect(c, base(c))
}
