package reports

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/app/web"
)

// SessionsPageData is the sessions export page.
type SessionsPageData struct {
	Years     []Year // the fiscal years to choose from (state calendar's numbers; both calendars)
	Current   Year
	Funders   []tenants.Organisation // a tenant admin's funder filter; empty for a funder
	Funder    string                 // a funder's own name: the export holds its programs only
	Columns   []string
	Roles     []string
	Action    string
	Quarters  []int
	Omissions []string
}

// What the export leaves out, said on its page.
var sessionsOmissions = []string{
	"the session’s notes (sealed) and its shared summary",
	"the child’s initials and age band of a child and family focus, and the name of a staff group",
	"follow-ups and referrals",
	"who the consultant was, and who recorded or changed the session",
}

// SessionsPage is the sessions export's page: choose the period (a fiscal year or a quarter,
// on either calendar), a funder's programs (tenant admins), and the format.
func (s *SessionsExport) SessionsPage(c *fiber.Ctx) error {
	form := &web.Form{Values: map[string][]string{"format": {"csv"}}, Errors: map[string]string{}}
	return s.render(c, form, fiber.StatusOK)
}

func (s *SessionsExport) render(c *fiber.Ctx, form *web.Form, status int) error {
	ctx := c.UserContext()
	ten, err := s.d.tenant(ctx)
	if err != nil {
		return err
	}
	sc := web.ScopeOf(c)
	cur := YearOf(ten, CalendarState, s.d.now())
	d := SessionsPageData{Current: cur, Columns: sessionColumns(), Action: "/t/" + sc.TenantSlug + "/reports/sessions/runs",
		Quarters: []int{1, 2, 3, 4}, Omissions: sessionsOmissions}
	for y, i := cur, 0; i < 6; i++ {
		d.Years = append(d.Years, y)
		y = y.Prev()
	}
	for _, r := range consultation.ParticipantRoles {
		d.Roles = append(d.Roles, r.Label)
	}
	switch sc.Role {
	case authz.TenantAdmin:
		if d.Funders, err = s.d.Tenants.OrganisationsOfKind(ctx, tenants.OrgFunder); err != nil {
			return err
		}
	case authz.Funder:
		o, err := s.funders.Funder(ctx, sc.OrganisationID)
		if err != nil {
			return err
		}
		d.Funder = o.Name
	}
	if form.Get("fy") == "" {
		form.Values.Set("fy", strconv.Itoa(cur.FY))
	}
	return web.Render(c, status, "reports/sessions", "", web.View{Title: "Sessions export", D: d, Form: form})
}

// StartSessionsRun asks for the export and goes to its run's page.
func (s *SessionsExport) StartSessionsRun(c *fiber.Ctx) error {
	form := web.NewForm(c)
	err := form.Err()
	if err == nil {
		fy, _ := strconv.Atoi(form.Get("fy"))
		q, qerr := strconv.Atoi(form.Get("quarter"))
		if qerr != nil && form.Get("quarter") != "" {
			q = -1
		}
		f := SessionsFilter{Calendar: form.Get("calendar"), FY: fy, Quarter: q, FunderID: form.Get("funder_id"), Format: form.Get("format")}
		ten, terr := s.d.tenant(c.UserContext())
		if terr != nil {
			return terr
		}
		f.FY = ParseYear(ten, f.Calendar, form.Get("fy"), s.d.now()).FY
		r, serr := s.Start(c.UserContext(), f)
		if serr == nil {
			web.Flash(c, "The sessions export is being built: this page shows its progress, then the download.")
			return web.Redirect(c, "/t/"+web.ScopeOf(c).TenantSlug+"/runs/"+r.ID)
		}
		err = serr
	}
	if status := web.FormError(form, err); status != 0 {
		return s.render(c, form, status)
	}
	return err
}
