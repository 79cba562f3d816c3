package billing

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/tenants"
)

// Contracts paid outside Stripe: a state agency's purchase order paid by check or transfer.
// The platform admin records it (PO, term, amount); the tenant may write until the end of its
// last day (Decide), and its amount spread over its months counts in the revenue.

// Limits of a contract's fields.
const (
	MaxPONumber     = 100
	MaxContractNote = 2000
	MaxContractYear = 10 // a term longer than this is a typing mistake
)

// ContractInput is the contract form.
type ContractInput struct {
	PONumber, StartsOn, EndsOn, Amount, Note string
}

// validate checks the form and returns the contract to record.
func (in ContractInput) validate() (*Contract, error) {
	bad := map[string]string{}
	c := &Contract{PONumber: strings.TrimSpace(in.PONumber), Note: strings.TrimSpace(in.Note)}
	switch {
	case c.PONumber == "":
		bad["po_number"] = "Enter the purchase order (PO) number."
	case utf8.RuneCountInString(c.PONumber) > MaxPONumber:
		bad["po_number"] = fmt.Sprintf("Keep the PO number to %d characters or fewer.", MaxPONumber)
	}
	date := func(field, what, v string) (time.Time, bool) {
		v = strings.TrimSpace(v)
		if v == "" {
			bad[field] = "Enter the " + what + " of the contract, as a date (YYYY-MM-DD)."
			return time.Time{}, false
		}
		d, err := time.Parse(time.DateOnly, v)
		if err != nil || d.Year() < 2000 || d.Year() > 2100 {
			bad[field] = "Enter the " + what + " of the contract as a real date, YYYY-MM-DD (for example 2026-07-01)."
			return time.Time{}, false
		}
		return d, true
	}
	starts, okS := date("starts_on", "first day", in.StartsOn)
	ends, okE := date("ends_on", "last day", in.EndsOn)
	if okS && okE {
		switch {
		case !ends.After(starts):
			bad["ends_on"] = "Enter a last day after the first day (" + starts.Format(time.DateOnly) + ")."
		case ends.After(starts.AddDate(MaxContractYear, 0, 0)):
			bad["ends_on"] = fmt.Sprintf("Enter a term of at most %d years.", MaxContractYear)
		}
	}
	c.StartsOn, c.EndsOn = starts.Format(time.DateOnly), ends.Format(time.DateOnly)
	amount, err := money.Parse(in.Amount)
	switch {
	case err != nil:
		bad["amount"] = err.Error()
	case amount <= 0:
		bad["amount"] = "Enter the contract's amount, more than zero."
	}
	c.Amount = int64(amount)
	if utf8.RuneCountInString(c.Note) > MaxContractNote {
		bad["note"] = fmt.Sprintf("Keep the note to %d characters or fewer.", MaxContractNote)
	}
	if len(bad) > 0 {
		return nil, apperr.Invalid(bad)
	}
	return c, nil
}

// RecordContract records a contract paid outside Stripe for the tenant, by the person
// recordedBy (their email), and decides its access again. Bad input writes nothing.
func (s *Service) RecordContract(ctx context.Context, tenantID string, in ContractInput, recordedBy string) (*tenants.Tenant, *Contract, error) {
	c, err := in.validate()
	if err != nil {
		return nil, nil, err
	}
	ctx, t, err := s.tenantCtx(ctx, tenantID)
	if err != nil {
		return nil, nil, err
	}
	c.ID, c.RecordedBy, c.CreatedAt = database.NewID(), recordedBy, s.now()
	if c.RecordedBy == "" {
		c.RecordedBy = audit.ActorFrom(ctx).Email
	}
	err = s.inTenantTx(ctx, func(ctx context.Context, db database.Tenant) error {
		if _, err := db.Insert(c).Exec(ctx); err != nil {
			return err
		}
		detail := fmt.Sprintf("PO %s, %s to %s, %s.", c.PONumber, c.StartsOn, c.EndsOn, money.Cents(c.Amount))
		if c.Note != "" {
			detail += " Note: " + c.Note
		}
		return s.d.Audit.Record(ctx, "billing.contract", "billing_contract", c.ID, detail)
	})
	if err != nil {
		return nil, nil, err
	}
	return t, c, nil
}

// InForce reports whether the contract runs on day (YYYY-MM-DD).
func (c *Contract) InForce(day string) bool { return c.StartsOn <= day && day <= c.EndsOn }

// Total is the contract's amount for its whole term.
func (c *Contract) Total() money.Cents { return money.Cents(c.Amount) }
