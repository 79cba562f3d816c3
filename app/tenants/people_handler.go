package tenants

import (
	"html/template"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/web"
)

// PeopleData is the people page: the filtered list, the invitations and the invitation form.
type PeopleData struct {
	Members     []Member
	Pager       web.Pager // the links to the next and previous pages, filter kept
	Filter      PeopleFilter
	Query       string // the filter as a query string, for links back to the list
	Invitations []Invitation
	Roles       []string
	Funders     []Organisation
	Programs    []Organisation
	Problem     string // why an invitation button did not work

	// What the page draws, worked out once: the template looks up a field of an embedded
	// struct or calls a method slowly, once per cell of every row and per option.
	Rows                                      []PersonRow
	RowsHTML                                  template.HTML // Rows, written (personRowsHTML)
	FilterFunderOptions, FilterProgramOptions []web.Option  // the filter's organisations ({{options}})
	InviteFunderOptions, InviteProgramOptions []web.Option  // the invitation form's
}

// PersonRow is a member as a row of the list.
type PersonRow struct {
	Href, Label, Email, Role, OrganisationName string
	Active                                     bool
}

// orgOptions are the organisations as a select's options, chosen selected.
func orgOptions(orgs []Organisation, chosen string) []web.Option {
	opts := make([]web.Option, len(orgs))
	for i, o := range orgs {
		opts[i] = web.Option{Value: o.ID, Label: o.Name, Selected: o.ID == chosen}
	}
	return opts
}

// inviting sets the invitation form's organisation options, chosen selected.
func (d *PeopleData) inviting(chosen string) {
	d.InviteFunderOptions, d.InviteProgramOptions = orgOptions(d.Funders, chosen), orgOptions(d.Programs, chosen)
}

// Filtered reports whether any filter is set.
func (d *PeopleData) Filtered() bool { return d.Filter != PeopleFilter{} }

// Statuses are the filter's status choices.
func (d *PeopleData) Statuses() []struct{ Value, Label string } {
	return []struct{ Value, Label string }{{MemberActive, "Active"}, {MemberDeactivated, "Deactivated"}}
}

func peopleFilter(c *fiber.Ctx) PeopleFilter {
	return PeopleFilter{Role: strings.Clone(c.Query("role")), OrganisationID: strings.Clone(c.Query("organisation_id")),
		Status: strings.Clone(c.Query("status")), Q: strings.Clone(c.Query("q"))}
}

func (f PeopleFilter) query() string {
	v := url.Values{}
	for k, s := range map[string]string{"role": f.Role, "organisation_id": f.OrganisationID, "status": f.Status, "q": f.Q} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v.Encode()
}

func (h *Handler) peopleData(c *fiber.Ctx, f PeopleFilter, k web.Keyset) (*PeopleData, error) {
	ctx := c.UserContext()
	d := &PeopleData{Roles: authz.TenantRoles, Filter: f, Query: f.query()}
	p, err := h.store.PeoplePage(ctx, f, k, PeoplePageSize)
	if err != nil {
		return nil, err
	}
	d.Members = p.Members
	q, _ := url.ParseQuery(d.Query)
	d.Pager = web.NewPager("/t/"+web.ScopeOf(c).TenantSlug+"/people", q, k, p.Next, p.Prev).
		Words("People pages", "people-list", "Next people", "Previous people", "Back to the start")
	if d.Invitations, err = h.store.Invitations(ctx); err != nil {
		return nil, err
	}
	if d.Funders, err = h.store.OrganisationsOfKind(ctx, OrgFunder); err != nil {
		return nil, err
	}
	if d.Programs, err = h.store.OrganisationsOfKind(ctx, OrgProgram); err != nil {
		return nil, err
	}
	people := "/t/" + web.ScopeOf(c).TenantSlug + "/people/"
	d.Rows = make([]PersonRow, len(d.Members))
	for i, m := range d.Members {
		r := PersonRow{Href: people + m.ID, Label: m.Name, Email: m.Email, Role: authz.RoleLabel(m.Role),
			OrganisationName: m.OrganisationName, Active: m.Active}
		if r.Label == "" {
			r.Label = m.Email
		}
		d.Rows[i] = r
	}
	d.RowsHTML = personRowsHTML(d.Rows)
	d.FilterFunderOptions, d.FilterProgramOptions = orgOptions(d.Funders, f.OrganisationID), orgOptions(d.Programs, f.OrganisationID)
	d.inviting("")
	return d, nil
}

// PeoplePage lists the tenant's people (filtered by role, organisation, status and a name or
// email; the filter is in the URL, so a filtered list can be shared), the invitations, and the
// invitation form. An htmx request for it gets only the list.
func (h *Handler) PeoplePage(c *fiber.Ctx) error {
	d, err := h.peopleData(c, peopleFilter(c), web.KeysetFrom(c))
	if err != nil {
		return err
	}
	return web.Render(c, fiber.StatusOK, "tenants/people", "tenants/_people", web.View{Wide: true, Title: "People", D: d, Form: &web.Form{}})
}

// Invite sends an invitation; a bad form comes back with what was typed and the messages.
func (h *Handler) Invite(c *fiber.Ctx) error {
	f := web.NewForm(c)
	var inv *Invitation
	err := f.Err()
	if err == nil {
		inv, err = h.svc.Invite(c.UserContext(), InviteInput{Email: f.Get("email"), Name: f.Get("name"),
			Role: f.Get("role"), OrganisationID: f.Get("organisation_id")})
	}
	if code := apperr.Code(err); code == apperr.EINVALID || code == apperr.ECONFLICT {
		d, derr := h.peopleData(c, PeopleFilter{}, web.Keyset{})
		if derr != nil {
			return derr
		}
		f.Errors = apperr.FieldsOf(err)
		if f.Errors == nil {
			f.Errors = map[string]string{}
		}
		f.Errors["_form"] = apperr.Message(err)
		d.inviting(f.Get("organisation_id"))
		return web.Render(c, web.Status(code), "tenants/people", "tenants/_invite", web.View{Wide: true, Title: "People", D: d, Form: f})
	} else if err != nil {
		return err
	}
	web.Flash(c, "Invitation sent to "+inv.Email+".")
	return web.Redirect(c, "/t/"+web.ScopeOf(c).TenantSlug+"/people")
}

// invitationAction runs a resend or a revoke; a refusal comes back on the people page.
func (h *Handler) invitationAction(c *fiber.Ctx, act func() (*Invitation, error), done func(*Invitation) string) error {
	inv, err := act()
	if code := apperr.Code(err); code == apperr.ECONFLICT || code == apperr.EINVALID {
		d, derr := h.peopleData(c, PeopleFilter{}, web.Keyset{})
		if derr != nil {
			return derr
		}
		d.Problem = apperr.Message(err)
		if f := apperr.FieldsOf(err); f != nil {
			for _, msg := range f {
				d.Problem += " " + msg
			}
		}
		return web.Render(c, web.Status(code), "tenants/people", "", web.View{Wide: true, Title: "People", D: d, Form: &web.Form{}})
	} else if err != nil {
		return err
	}
	web.Flash(c, done(inv))
	return web.Redirect(c, "/t/"+web.ScopeOf(c).TenantSlug+"/people#invitations")
}

// ResendInvitation sends a new link; the old one stops working.
func (h *Handler) ResendInvitation(c *fiber.Ctx) error {
	return h.invitationAction(c, func() (*Invitation, error) {
		return h.svc.ResendInvitation(c.UserContext(), c.Params("invitationID"))
	}, func(inv *Invitation) string {
		return "A new invitation link is sent to " + inv.Email + "; the old link no longer works."
	})
}

// RevokeInvitation stops an invitation's link from working.
func (h *Handler) RevokeInvitation(c *fiber.Ctx) error {
	return h.invitationAction(c, func() (*Invitation, error) {
		return h.svc.RevokeInvitation(c.UserContext(), c.Params("invitationID"))
	}, func(inv *Invitation) string { return "The invitation to " + inv.Email + " is revoked." })
}

// PersonData is the page of one person in the tenant.
type PersonData struct {
	Member  *Member
	Self    bool   // the person is the one looking
	Back    string // the people list, with its filter
	Problem string // why deactivation was refused
	// The role form's selects, the form's choice selected ({{options}}): ranged in the
	// template, a tenant's funders and programs were most of the page's drawing.
	RoleOptions, FunderOptions, ProgramOptions []web.Option
}

// roleOptions are the tenant roles as a select's options, chosen selected.
func roleOptions(chosen string) []web.Option {
	opts := make([]web.Option, len(authz.TenantRoles))
	for i, r := range authz.TenantRoles {
		opts[i] = web.Option{Value: r, Label: authz.RoleLabel(r), Selected: r == chosen}
	}
	return opts
}

func (h *Handler) renderPerson(c *fiber.Ctx, status int, m *Member, f *web.Form, problem string) error {
	ctx := c.UserContext()
	d := PersonData{Member: m, Self: m.UserID == web.ScopeOf(c).UserID, Problem: problem,
		Back: "/t/" + web.ScopeOf(c).TenantSlug + "/people"}
	funders, err := h.store.OrganisationsOfKind(ctx, OrgFunder)
	if err != nil {
		return err
	}
	programs, err := h.store.OrganisationsOfKind(ctx, OrgProgram)
	if err != nil {
		return err
	}
	if f == nil {
		f = &web.Form{Values: url.Values{"role": {m.Role}, "organisation_id": {m.OrganisationID}}, Errors: map[string]string{}}
	}
	org := f.Get("organisation_id")
	d.RoleOptions, d.FunderOptions, d.ProgramOptions = roleOptions(f.Get("role")), orgOptions(funders, org), orgOptions(programs, org)
	title := m.Name
	if title == "" {
		title = m.Email
	}
	return web.Render(c, status, "tenants/person", "tenants/_person_role", web.View{Title: title, D: d, Form: f})
}

// PersonPage shows one person: their role and organisation (a form to change them) and the
// buttons to deactivate or reactivate them.
func (h *Handler) PersonPage(c *fiber.Ctx) error {
	m, err := h.store.MemberByID(c.UserContext(), c.Params("memberID"))
	if err != nil {
		return err
	}
	return h.renderPerson(c, fiber.StatusOK, m, nil, "")
}

// UpdatePerson changes a person's role or organisation.
func (h *Handler) UpdatePerson(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := web.NewForm(c)
	var m *Member
	err := f.Err()
	if err == nil {
		m, err = h.svc.ChangeRole(ctx, c.Params("memberID"), ChangeRoleInput{Role: f.Get("role"), OrganisationID: f.Get("organisation_id")})
	}
	if code := apperr.Code(err); code == apperr.EINVALID || code == apperr.ECONFLICT {
		current, lerr := h.store.MemberByID(ctx, c.Params("memberID"))
		if lerr != nil {
			return lerr
		}
		f.Errors = apperr.FieldsOf(err)
		if f.Errors == nil {
			f.Errors = map[string]string{}
		}
		f.Errors["_form"] = apperr.Message(err)
		return h.renderPerson(c, web.Status(code), current, f, "")
	} else if err != nil {
		return err
	}
	web.Flash(c, displayName(m)+" is now "+describeRole(ctx, h.store, m.Role, m.OrganisationID)+".")
	return web.Redirect(c, "/t/"+web.ScopeOf(c).TenantSlug+"/people/"+m.ID)
}

// DeactivatePerson deactivates a person in this tenant: they lose it at once, their records stay.
func (h *Handler) DeactivatePerson(c *fiber.Ctx) error {
	ctx := c.UserContext()
	m, err := h.svc.DeactivateMember(ctx, c.Params("memberID"))
	if apperr.Code(err) == apperr.ECONFLICT {
		current, lerr := h.store.MemberByID(ctx, c.Params("memberID"))
		if lerr != nil {
			return lerr
		}
		return h.renderPerson(c, fiber.StatusConflict, current, nil, apperr.Message(err))
	} else if err != nil {
		return err
	}
	web.Flash(c, displayName(m)+" is deactivated and can no longer open "+web.TenantOf(c).Name+". Their records stay.")
	return web.Redirect(c, "/t/"+web.ScopeOf(c).TenantSlug+"/people/"+m.ID)
}

// ReactivatePerson gives a deactivated person their membership back.
func (h *Handler) ReactivatePerson(c *fiber.Ctx) error {
	m, err := h.svc.ReactivateMember(c.UserContext(), c.Params("memberID"))
	if err != nil {
		return err
	}
	web.Flash(c, displayName(m)+" is active again, as "+authz.RoleLabel(m.Role)+".")
	return web.Redirect(c, "/t/"+web.ScopeOf(c).TenantSlug+"/people/"+m.ID)
}

func displayName(m *Member) string {
	if m.Name != "" {
		return m.Name
	}
	return m.Email
}
