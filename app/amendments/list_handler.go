package amendments

import (
	"html/template"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/app/web"
)

// Choice is an option of a filter.
type Choice struct {
	Value, Label string
}

// ListData is the "Budget amendments" page.
type ListData struct {
	Base       string
	Amendments []Amendment
	Filter     ListFilter
	Next       string // the cursor of the next page, if any
	// Program people: their program's fundings, each with "Propose an amendment".
	Fundings  []programs.Funding
	IsProgram bool
	IsAdmin   bool
	Today     string
	// Written in Go (issue 14): the table's rows (listRowsHTML) and the filters' options
	// ({{options}}), each chosen as the filter says.
	Rows           template.HTML
	StatusOptions  []web.Option
	ProgramOptions []web.Option
	FunderOptions  []web.Option
}

// ListPage lists the amendments the person may see: a program's people their program's (and
// a "Propose an amendment" per funding), a funder's those on its fundings, the tenant admin
// every one of the tenant by status, overdue first.
func (h *Handler) ListPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sc := web.ScopeOf(c)
	f := ListFilter{Status: c.Query("status"), ProgramID: c.Query("program"), FunderID: c.Query("funder"),
		FundingID: c.Query("funding"), After: c.Query("after"), Limit: ListPageSize + 1}
	list, err := h.svc.List(ctx, f)
	if err != nil {
		return err
	}
	d := &ListData{Base: base(c), Filter: f, IsProgram: sc.Role == authz.Program, IsAdmin: sc.Role == authz.TenantAdmin}
	if len(list) > ListPageSize {
		list = list[:ListPageSize]
		d.Next = list[ListPageSize-1].Cursor()
	}
	d.Amendments = list
	d.Rows = listRowsHTML(d.Base, d.IsProgram, list)
	var statuses []web.Option
	for _, s := range Statuses {
		if s == StatusDraft && !d.IsProgram {
			continue
		}
		statuses = append(statuses, web.Option{Value: s, Label: StatusLabel(s), Selected: s == f.Status})
	}
	d.StatusOptions = statuses
	if d.IsProgram {
		if d.Fundings, err = h.svc.ProgramFundings(ctx); err != nil {
			return err
		}
	} else {
		for _, k := range []struct {
			kind, chosen string
			dst          *[]web.Option
		}{{tenants.OrgProgram, f.ProgramID, &d.ProgramOptions}, {tenants.OrgFunder, f.FunderID, &d.FunderOptions}} {
			orgs, err := h.svc.Organisations(ctx, k.kind)
			if err != nil {
				return err
			}
			opts := make([]web.Option, len(orgs))
			for i, o := range orgs {
				opts[i] = web.Option{Value: o.ID, Label: o.Name, Selected: o.ID == k.chosen}
			}
			*k.dst = opts
		}
	}
	return web.Render(c, fiber.StatusOK, "amendments/list", "", web.View{Title: "Budget amendments", D: d, Wide: true})
}
