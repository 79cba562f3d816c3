package reports

import (
	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/app/web"
)

// FunderChoice is a funder in the list of funders' reports.
type FunderChoice struct {
	Org      tenants.Organisation
	Calendar string // its calendar in words
}

// FundersPageData is the list of funders' reports.
type FundersPageData struct {
	Funders []FunderChoice
}

// FundersPage lists the funders whose report the person may open: a tenant admin picks one;
// a funder's people go straight to their own.
func (f *FunderReports) FundersPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sc := web.ScopeOf(c)
	if sc.Role == authz.Funder {
		if sc.OrganisationID == "" {
			return apperr.NotFound("funder")
		}
		return web.Redirect(c, "/t/"+sc.TenantSlug+"/reports/funders/"+sc.OrganisationID)
	}
	list, err := f.FundersFor(ctx)
	if err != nil {
		return err
	}
	ten, err := f.d.tenant(ctx)
	if err != nil {
		return err
	}
	d := FundersPageData{}
	for i := range list {
		cal := YearOf(ten, OwnCalendar(ten, &list[i]), f.d.now())
		d.Funders = append(d.Funders, FunderChoice{Org: list[i], Calendar: cal.CalendarLabel()})
	}
	return web.Render(c, fiber.StatusOK, "reports/funders", "", web.View{Title: "Funders’ reports", D: d})
}

// FunderPageData is a funder's report page.
type FunderPageData struct {
	Report   *FunderReport
	Switch   Switch
	Action   string // where the file is asked for
	AllLink  bool   // a tenant admin goes back to the list of funders
	Own      string // the funder's calendar in words
	OtherCal bool   // shown on the calendar the funder does not budget by
	// CountedAt is when the figures were counted (the tenant's time, "3:04 PM"): the page
	// keeps a report for FunderReportMaxAge.
	CountedAt string
}

// yearFor reads the year switch of a funder's report: the funder's own calendar and the
// current fiscal year on it, unless the request says otherwise.
func (f *FunderReports) yearFor(c *fiber.Ctx, ten *tenants.Tenant, o *tenants.Organisation, calendar, fy string) Year {
	if calendar != CalendarState && calendar != CalendarFederal {
		calendar = OwnCalendar(ten, o)
	}
	return ParseYear(ten, calendar, fy, f.d.now())
}

// FunderPage is a funder's report for a fiscal year (?calendar=state|federal&fy=2026), per
// quarter and for the year, with the request for its file.
func (f *FunderReports) FunderPage(c *fiber.Ctx) error {
	return f.renderFunder(c, c.Query("calendar"), c.Query("fy"), nil, fiber.StatusOK)
}

func (f *FunderReports) renderFunder(c *fiber.Ctx, calendar, fy string, form *web.Form, status int) error {
	ctx := c.UserContext()
	o, err := f.Funder(ctx, c.Params("funderID"))
	if err != nil {
		return err
	}
	ten, err := f.d.tenant(ctx)
	if err != nil {
		return err
	}
	y := f.yearFor(c, ten, o, calendar, fy)
	rep, at, err := f.cachedReport(ctx, o, y)
	if err != nil {
		return err
	}
	base := "/t/" + web.ScopeOf(c).TenantSlug + "/reports/funders/" + o.ID
	own := YearOf(ten, rep.OwnCalendar, f.d.now())
	d := FunderPageData{Report: rep, Switch: NewSwitch(ten, y, base, f.d.now()), Action: base + "/runs",
		AllLink: web.ScopeOf(c).Role == authz.TenantAdmin, Own: own.CalendarLabel(), OtherCal: rep.OwnCalendar != y.Calendar,
		CountedAt: ten.Local(at).Format("3:04 PM")}
	if form == nil {
		form = &web.Form{Values: map[string][]string{"format": {"xlsx"}}, Errors: map[string]string{}}
	}
	return web.Render(c, status, "reports/funder", "", web.View{Title: rep.Name() + " report, " + y.Label(), D: d, Form: form, Wide: true})
}

// StartFunderRun asks for the report's file (format csv or xlsx, for the calendar and fy
// posted) and goes to the run's page, which shows its progress and then the download.
func (f *FunderReports) StartFunderRun(c *fiber.Ctx) error {
	ctx := c.UserContext()
	form := web.NewForm(c)
	err := form.Err()
	if err == nil {
		var o *tenants.Organisation
		if o, err = f.Funder(ctx, c.Params("funderID")); err == nil {
			var ten *tenants.Tenant
			if ten, err = f.d.tenant(ctx); err != nil {
				return err
			}
			y := f.yearFor(c, ten, o, form.Get("calendar"), form.Get("fy"))
			r, err := f.Start(ctx, o.ID, y, form.Get("format"))
			if err == nil {
				web.Flash(c, "The report’s file is being built: this page shows its progress, then the download.")
				return web.Redirect(c, "/t/"+web.ScopeOf(c).TenantSlug+"/runs/"+r.ID)
			}
			if status := web.FormError(form, err); status != 0 {
				return f.renderFunder(c, form.Get("calendar"), form.Get("fy"), form, status)
			}
			return err
		}
		return err
	}
	if _, ferr := f.Funder(ctx, c.Params("funderID")); ferr != nil {
		return ferr // another tenant's or funder's address: not found, whatever the form says
	}
	status := web.FormError(form, err)
	return f.renderFunder(c, "", "", form, status)
}
