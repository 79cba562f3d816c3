package credentials

import (
	"context"
	"database/sql"
	"errors"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/database"
)

// Store reads the credentials tables of the tenant in the context.
type Store struct{ db *bun.DB }

// NewStore returns the store.
func NewStore(db *bun.DB) *Store { return &Store{db: db} }

func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFound(what)
	}
	return err
}

// Requirements lists the tenant's requirements in order, each with its kinds (and how many
// credentials use each kind).
func (s *Store) Requirements(ctx context.Context) ([]Requirement, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var reqs []Requirement
	if err := t.Select(&reqs).OrderExpr("sreq.position, sreq.name").Scan(ctx); err != nil {
		return nil, err
	}
	kinds, err := s.Kinds(ctx)
	if err != nil {
		return nil, err
	}
	idx := map[string]int{}
	for i := range reqs {
		idx[reqs[i].ID] = i
	}
	for _, k := range kinds {
		if i, ok := idx[k.RequirementID]; ok {
			reqs[i].Kinds = append(reqs[i].Kinds, k)
		}
	}
	return reqs, nil
}

// RequirementList lists the tenant's requirements in order, without their kinds: what the
// staffing pages show and the rule needs (one statement, not the kinds' usage counts).
func (s *Store) RequirementList(ctx context.Context) ([]Requirement, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var reqs []Requirement
	err = t.Select(&reqs).OrderExpr("sreq.position, sreq.name").Scan(ctx)
	return reqs, err
}

// Requirement returns one requirement with its kinds, or ENOTFOUND.
func (s *Store) Requirement(ctx context.Context, id string) (*Requirement, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if !database.IsID(id) {
		return nil, apperr.NotFound("requirement")
	}
	r := new(Requirement)
	if err := t.Select(r).Where("sreq.id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, "requirement")
	}
	kinds, err := s.Kinds(ctx)
	if err != nil {
		return nil, err
	}
	for _, k := range kinds {
		if k.RequirementID == r.ID {
			r.Kinds = append(r.Kinds, k)
		}
	}
	return r, nil
}

// Kinds lists the tenant's credential kinds in order, with how many credentials are of each.
func (s *Store) Kinds(ctx context.Context) ([]Kind, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []Kind
	err = t.Select(&list).ColumnExpr("ck.*").
		ColumnExpr("(SELECT COUNT(*) FROM consultant_credentials AS cc WHERE cc.tenant_id = ck.tenant_id AND cc.kind_id = ck.id) AS used").
		OrderExpr("ck.position, ck.name").Scan(ctx)
	return list, err
}

// Kind returns one kind, or ENOTFOUND.
func (s *Store) Kind(ctx context.Context, id string) (*Kind, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if !database.IsID(id) {
		return nil, apperr.NotFound("credential kind")
	}
	k := new(Kind)
	err = t.Select(k).ColumnExpr("ck.*").
		ColumnExpr("(SELECT COUNT(*) FROM consultant_credentials AS cc WHERE cc.tenant_id = ck.tenant_id AND cc.kind_id = ck.id) AS used").
		Where("ck.id = ?", id).Scan(ctx)
	return k, notFound(err, "credential kind")
}

func credentialColumns(q *bun.SelectQuery) *bun.SelectQuery {
	return q.ColumnExpr("cc.*, ck.name AS kind_name, ck.requirement_id AS requirement_id, COALESCE(sreq.name, '') AS requirement_name").
		Join("JOIN credential_kinds AS ck ON ck.tenant_id = cc.tenant_id AND ck.id = cc.kind_id").
		Join("LEFT JOIN staffing_requirements AS sreq ON sreq.tenant_id = ck.tenant_id AND sreq.id = ck.requirement_id")
}

// CredentialsOf lists the credentials of the profiles (every profile's when ids is nil), by
// requirement and kind, the newest first.
func (s *Store) CredentialsOf(ctx context.Context, profileIDs []string) ([]Credential, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []Credential
	q := t.Select(&list).Apply(credentialColumns)
	if profileIDs != nil {
		if len(profileIDs) == 0 {
			return nil, nil
		}
		q = q.Where("cc.profile_id IN (?)", bun.In(profileIDs))
	}
	err = q.OrderExpr("sreq.position, ck.position, ck.name, cc.issued_on DESC, cc.created_at DESC").Scan(ctx)
	return list, err
}

// fact is what the staffing rule needs of one credential (Evaluate), and whose it is.
type fact struct {
	ProfileID     string `bun:"profile_id"`
	RequirementID string `bun:"requirement_id"`
	Status        string `bun:"status"`
	ExpiresOn     string `bun:"expires_on"`
}

// facts lists what the staffing rule needs of each credential of the profiles (every
// profile's when ids is nil), in no order: the staffing table counts every consultant with
// it, its statuses and counts do not depend on the order, and nothing else of a credential is
// shown there.
func (s *Store) facts(ctx context.Context, profileIDs []string) ([]fact, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []fact
	q := t.SelectFrom("consultant_credentials", "cc").ColumnExpr("cc.profile_id, ck.requirement_id, cc.status, cc.expires_on").
		Join("JOIN credential_kinds AS ck ON ck.tenant_id = cc.tenant_id AND ck.id = cc.kind_id")
	if profileIDs != nil {
		if len(profileIDs) == 0 {
			return nil, nil
		}
		q = q.Where("cc.profile_id IN (?)", bun.In(profileIDs))
	}
	err = q.Scan(ctx, &list)
	return list, err
}

// Credential returns one credential of the tenant, or ENOTFOUND.
func (s *Store) Credential(ctx context.Context, id string) (*Credential, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if !database.IsID(id) {
		return nil, apperr.NotFound("credential")
	}
	c := new(Credential)
	err = t.Select(c).Apply(credentialColumns).Where("cc.id = ?", id).Scan(ctx)
	return c, notFound(err, "credential")
}

// Profiles lists the tenant's consultant profiles by name; userIDs narrows them to those
// people when not nil.
func (s *Store) Profiles(ctx context.Context, userIDs []string) ([]consultants.Profile, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []consultants.Profile
	q := t.Select(&list)
	if userIDs != nil {
		if len(userIDs) == 0 {
			return nil, nil
		}
		q = q.Where("cp.user_id IN (?)", bun.In(userIDs))
	}
	err = q.OrderExpr("cp.display_name, cp.id").Scan(ctx)
	return list, err
}

// staffingProfile is what the staffing table needs of a profile.
type staffingProfile struct {
	ID          string `bun:"id"`
	UserID      string `bun:"user_id"`
	DisplayName string `bun:"display_name"`
	HiredOn     string `bun:"hired_on"`
}

// staffingProfiles is Profiles with only what the staffing table needs of each (id, user,
// name, hire date), in no order: not the bios and lists a registry page shows.
func (s *Store) staffingProfiles(ctx context.Context, userIDs []string) ([]staffingProfile, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []staffingProfile
	q := t.SelectFrom("consultant_profiles", "cp").ColumnExpr("cp.id, cp.user_id, cp.display_name, cp.hired_on")
	if userIDs != nil {
		if len(userIDs) == 0 {
			return nil, nil
		}
		q = q.Where("cp.user_id IN (?)", bun.In(userIDs))
	}
	err = q.Scan(ctx, &list)
	return list, err
}

// sent lists the thresholds already recorded for a subject's due date.
func (s *Store) sent(ctx context.Context, subject, dueOn string) (map[int]bool, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []Reminder
	if err := t.Select(&list).Where("srem.subject = ? AND srem.due_on = ?", subject, dueOn).Scan(ctx); err != nil {
		return nil, err
	}
	out := map[int]bool{}
	for _, r := range list {
		out[r.ThresholdDays] = true
	}
	return out, nil
}
