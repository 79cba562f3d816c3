package tenants

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/mail"
)

// Service is the tenants domain's rules: inviting people and accepting invitations.
type Service struct {
	db       *bun.DB
	store    *Store
	accounts *accounts.Service
	audit    *audit.Log
	mailer   *mail.Mailer
	baseURL  string

	// lifeChanged run in the transaction of a change to the tenant's life (a trial extended,
	// a suspension lifted): app/billing decides the tenant's access again.
	lifeChanged []func(ctx context.Context, tenantID string) error
	// membersChanged run after a commit that changed who is an active member in which role:
	// app/billing queues the seat sync.
	membersChanged []func(ctx context.Context, tenantID string)
}

// OnLifeChanged adds f to what runs in the transaction of a change to a tenant's life.
func (s *Service) OnLifeChanged(f func(ctx context.Context, tenantID string) error) {
	s.lifeChanged = append(s.lifeChanged, f)
}

// OnMembersChanged adds f to what runs after a change of active members or roles commits.
func (s *Service) OnMembersChanged(f func(ctx context.Context, tenantID string)) {
	s.membersChanged = append(s.membersChanged, f)
}

// MembersChanged tells the hooks, once ctx's transaction commits (at once outside one), that
// tenantID's active members or their roles changed.
func (s *Service) MembersChanged(ctx context.Context, tenantID string) {
	database.AfterCommit(ctx, func(ctx context.Context) {
		for _, f := range s.membersChanged {
			f(ctx, tenantID)
		}
	})
}

// NewService returns the service.
func NewService(db *bun.DB, store *Store, acc *accounts.Service, log *audit.Log, mailer *mail.Mailer, baseURL string) *Service {
	return &Service{db: db, store: store, accounts: acc, audit: log, mailer: mailer, baseURL: baseURL}
}

// Store returns the store.
func (s *Service) Store() *Store { return s.store }

// InviteInput is what the invitation form sends.
type InviteInput struct {
	Email, Name, Role, OrganisationID string
}

// Invite asks someone to join the tenant of ctx with a role, by an emailed link. A pending
// invitation to the same email is replaced.
//
// Errors: EINVALID naming the field; ECONFLICT when the person is already an active member.
func (s *Service) Invite(ctx context.Context, in InviteInput) (*Invitation, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	fields := map[string]string{}
	email, msg := accounts.NormalizeEmail(in.Email)
	if msg != "" {
		fields["email"] = msg
	}
	if len(in.Name) > 200 {
		fields["name"] = "Use at most 200 characters."
	}
	for k, v := range s.store.checkRole(ctx, in.Role, in.OrganisationID) {
		fields[k] = v
	}
	if len(fields) > 0 {
		return nil, apperr.Invalid(fields)
	}
	if _, bound := authz.NeedsOrganisation(in.Role); !bound {
		in.OrganisationID = ""
	}
	tenant, err := s.store.TenantByID(ctx, sc.TenantID)
	if err != nil {
		return nil, err
	}
	var inv *Invitation
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		if u, err := s.accounts.UserByEmail(ctx, email); err == nil {
			if m, err := s.store.ActiveMembership(ctx, sc.TenantID, u.ID); err == nil {
				return &apperr.Error{Code: apperr.ECONFLICT, Message: fmt.Sprintf("%s is already a member of %s (%s).",
					email, tenant.Name, authz.RoleLabel(m.Role)), Fields: map[string]string{"email": "This person is already a member."}}
			}
		}
		now := database.Now()
		if _, err := t.Update((*Invitation)(nil)).Set("revoked_at = ?", now).
			Where("i.email = ? AND i.accepted_at IS NULL AND i.revoked_at IS NULL", email).Exec(ctx); err != nil {
			return err
		}
		token, hash := accounts.NewToken()
		inv = &Invitation{ID: database.NewID(), Email: email, Name: strings.TrimSpace(in.Name), Role: in.Role,
			OrganisationID: in.OrganisationID, TokenHash: hash, InvitedBy: sc.UserID, CreatedAt: now,
			ExpiresAt: now.Add(InvitationLifetime)}
		if _, err := t.Insert(inv).Exec(ctx); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, "invitation.create", "invitation", inv.ID, email+" as "+in.Role); err != nil {
			return err
		}
		link := fmt.Sprintf("%s/t/%s/invitations/%s", s.baseURL, tenant.Slug, token)
		greeting := "Hello"
		if inv.Name != "" {
			greeting += " " + inv.Name
		}
		return s.mailer.Send(ctx, email, "You are invited to "+tenant.Name+" on Holdspace", fmt.Sprintf(
			"%s,\n\nYou are invited to join %s on Holdspace as %s.\n\nTo accept, open this link by %s:\n\n%s\n\n"+
				"Holdspace is where %s runs its infant and early childhood mental health consultation.\n",
			greeting, tenant.Name, strings.ToLower(authz.RoleLabel(in.Role)), inv.ExpiresAt.Format("January 2, 2006"), link, tenant.Name),
			mail.SecretLink(link))
	})
	return inv, err
}

// AcceptInput is what the acceptance form sends.
type AcceptInput struct {
	Token, Name, Password, Confirm, IP, UserAgent string
}

// Accept joins the invited person to the tenant of ctx and signs them in, creating their
// account if they have none. It returns the new session's token.
//
// Errors: ENOTFOUND for an unknown, used, revoked or expired link; EINVALID naming the field.
func (s *Service) Accept(ctx context.Context, in AcceptInput) (string, error) {
	inv, err := s.store.InvitationByToken(ctx, accounts.HashToken(in.Token))
	if err != nil {
		return "", err
	}
	var session string
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		u, err := s.accounts.UserByEmail(ctx, inv.Email)
		switch apperr.Code(err) {
		case apperr.ENOTFOUND:
			fields := map[string]string{}
			if strings.TrimSpace(in.Name) == "" {
				fields["name"] = "Enter your name."
			}
			if f, msg := accounts.CheckNewPassword(in.Password, in.Confirm); msg != "" {
				fields[f] = msg
			}
			if len(fields) > 0 {
				return apperr.Invalid(fields)
			}
			if u, err = s.accounts.CreateUser(ctx, inv.Email, in.Name, in.Password, false); err != nil {
				return err
			}
		case "":
		default:
			return err
		}
		session, _, err = s.accounts.SignIn(ctx, inv.Email, in.Password, in.IP, in.UserAgent)
		if err != nil {
			return err
		}
		ctx = audit.WithActor(ctx, audit.Actor{ID: u.ID, Email: u.Email, IP: in.IP})
		if _, err := s.AddMember(ctx, u.ID, inv.Role, inv.OrganisationID); err != nil {
			return err
		}
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		res, err := t.Update(inv).Set("accepted_at = ?", database.Now()).Where("i.id = ? AND i.accepted_at IS NULL", inv.ID).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.Errorf(apperr.ENOTFOUND, "This invitation has already been accepted.")
		}
		return s.audit.Record(ctx, "invitation.accept", "invitation", inv.ID, inv.Email)
	})
	return session, err
}

// HasAccount reports whether the invited email already has an account (the form then asks
// only for the password).
func (s *Service) HasAccount(ctx context.Context, email string) bool {
	_, err := s.accounts.UserByEmail(ctx, email)
	return err == nil
}

// Expired reports whether a time is in the past (for templates).
func Expired(t time.Time) bool { return time.Now().After(t) }

// CreateTenant adds a tenant, audited in the new tenant's log.
func (s *Service) CreateTenant(ctx context.Context, t *Tenant) error {
	return database.InTx(ctx, s.db, func(ctx context.Context) error {
		if err := s.store.CreateTenant(ctx, t); err != nil {
			return err
		}
		ctx = database.WithScope(ctx, database.Scope{TenantID: t.ID, TenantSlug: t.Slug})
		return s.audit.Record(ctx, "tenant.create", "tenant", t.ID, t.Slug)
	})
}

// CreateOrganisation adds a funder, program or consultant agency to the tenant of ctx.
func (s *Service) CreateOrganisation(ctx context.Context, o *Organisation) error {
	return database.InTx(ctx, s.db, func(ctx context.Context) error {
		if err := s.store.CreateOrganisation(ctx, o); err != nil {
			return err
		}
		return s.audit.Record(ctx, "organisation.create", "organisation", o.ID, o.Kind+": "+o.Name)
	})
}

// AddMember gives a person a role in the tenant of ctx, audited.
func (s *Service) AddMember(ctx context.Context, userID, role, orgID string) (*Membership, error) {
	var m *Membership
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		var err error
		if m, err = s.store.AddMember(ctx, userID, role, orgID); err != nil {
			return err
		}
		s.MembersChanged(ctx, m.TenantID) // an active consultant is a paid seat
		return s.audit.Record(ctx, "membership.create", "membership", m.ID, userID+" as "+role)
	})
	return m, err
}
