// Package steps moves a record of a workflow from one status to the next, the one way every
// domain does it (the consultation cycle, consultant requests, budget amendments):
//
//   - the UPDATE names the status it expects (and any other column it expects, such as an
//     amendment's version and step), so two people clicking at once make one move and the
//     second is told the record changed;
//   - the history row the domain keeps is written in the same transaction, with the audit event;
//   - the tasks that follow are queued only after the transaction commits.
//
// A domain declares its statuses and the moves allowed between them in a Flow; it does not
// hand-roll the transaction.
package steps

import (
	"context"
	"fmt"
	"slices"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/database"
)

// Flow is one kind of record's workflow.
type Flow struct {
	// Model is a nil pointer to the record's model ((*Amendment)(nil)); its table alias is
	// used in Expect and the status column is Column.
	Model  any
	Column string
	// Record is the record's word in the audit log ("amendment").
	Record string
	// Moves lists, for each status, the statuses it may move to. A move to the same status
	// (an amendment's step approved, with steps to go) must be listed too.
	Moves map[string][]string
	// Conflict is what the second of two people clicking at once reads.
	Conflict string
}

// Cond is one more condition the UPDATE expects ("am.step = ?", 1) or one more column it sets
// ("step = ?", 2).
type Cond struct {
	Query string
	Args  []any
}

// C is a Cond.
func C(query string, args ...any) Cond { return Cond{Query: query, Args: args} }

// Move is one move of one record.
type Move struct {
	ID       string
	From, To string
	Expect   []Cond // besides the status
	Set      []Cond // besides the status
	// History is the domain's history row (a bun model with its tenant stamped by Insert), or
	// nil.
	History database.TenantOwned
	// Action and Detail are the audit event ("amendment.submit", "Amendment 12, version 2").
	Action, Detail string
	// Within runs inside the transaction after the update, for the domain's own writes that
	// belong to the move (a decision row, a budget hold). An error undoes the whole move.
	Within func(ctx context.Context) error
	// After runs once the transaction has committed: queue tasks here.
	After func(ctx context.Context)
	// Refused, when set, is what a refused move returns instead of ECONFLICT with the flow's
	// Conflict (a confirmation link already spent is simply not found).
	Refused error
}

// Allowed reports whether the flow allows a move from one status to another.
func (f *Flow) Allowed(from, to string) bool { return slices.Contains(f.Moves[from], to) }

// refused is what a refused move returns.
func (f *Flow) refused(m Move) error {
	if m.Refused != nil {
		return m.Refused
	}
	return apperr.Errorf(apperr.ECONFLICT, "%s", f.Conflict)
}

// Apply makes the move in one transaction (joining ctx's, if any): the record's status goes
// from m.From to m.To only where it is still m.From and every m.Expect holds; otherwise the
// move is refused with ECONFLICT and f.Conflict (or m.Refused), and nothing is written.
func (f *Flow) Apply(ctx context.Context, db *bun.DB, log *audit.Log, m Move) error {
	if !f.Allowed(m.From, m.To) {
		return f.refused(m)
	}
	return database.InTx(ctx, db, func(ctx context.Context) error {
		t, err := database.For(ctx, db)
		if err != nil {
			return err
		}
		q := t.Update(f.Model).Set("? = ?", bun.Ident(f.Column), m.To)
		for _, s := range m.Set {
			q = q.Set(s.Query, s.Args...)
		}
		q = q.Where("?TableAlias.id = ?", m.ID).Where("?TableAlias.? = ?", bun.Ident(f.Column), m.From)
		for _, c := range m.Expect {
			q = q.Where(c.Query, c.Args...)
		}
		res, err := q.Exec(ctx)
		if err != nil {
			return fmt.Errorf("steps: move %s %s → %s: %w", f.Record, m.From, m.To, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return f.refused(m)
		}
		if m.History != nil {
			if _, err := t.Insert(m.History).Exec(ctx); err != nil {
				return err
			}
		}
		if m.Within != nil {
			if err := m.Within(ctx); err != nil {
				return err
			}
		}
		if m.Action != "" {
			if err := log.Record(ctx, m.Action, f.Record, m.ID, m.Detail); err != nil {
				return err
			}
		}
		if m.After != nil {
			database.AfterCommit(ctx, m.After)
		}
		return nil
	})
}
