package imports

import (
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/web"
)

// Handler serves the imports pages.
type Handler struct {
	svc *Service
}

// NewHandler returns the imports handlers.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// KindInfo describes a kind of file on the page.
type KindInfo struct {
	Kind, Label, About string
	Columns            []ColumnInfo
}

// ColumnInfo is one column of a kind of file and what to write in it.
type ColumnInfo struct{ Name, About string }

// kindInfos is what the page says about each kind of file.
func kindInfos() []KindInfo {
	return []KindInfo{
		{Kind: KindPrograms, Label: KindLabel(KindPrograms),
			About: "One row per budget line. Rows with the same program, funder and fiscal year make one funding; a program named in several rows is created once, and a program that already exists gets the new fundings.",
			Columns: []ColumnInfo{
				{"program_name", "The program’s name."},
				{"program_kind", "Needed for a new program: " + programKindList() + "."},
				{"county", "Needed for a new program: the county it serves, one of the agency’s counties."},
				{"languages", "The languages it works in, from the agency’s languages, separated by semicolons: English; Spanish (may be empty)."},
				{"funder", "The name or short name of one of your funders, as on the Funders page."},
				{"fiscal_year", "The fiscal year, by the year it ends in: 2026 or FY 2025-26."},
				{"iecmhc_funded", "yes if this funding already pays for I/ECMH consultation; no or empty if it does not."},
				{"budget_category", "The budget line: " + strings.Join(programs.BudgetCategories, ", ") + "."},
				{"budget_amount", "Dollars and cents: 12,500.00 or $12500."},
			}},
		{Kind: KindPeople, Label: KindLabel(KindPeople),
			About: "One row per person. Each gets an invitation by email, as from the People page.",
			Columns: []ColumnInfo{
				{"email", "Their email address."},
				{"name", "Their name (may be empty)."},
				{"role", "One of " + roleList() + "."},
				{"organisation", "For funder and program people: the funder or program they work for. Empty for the other roles."},
			}},
	}
}

// PageData is the imports page.
type PageData struct {
	Kinds   []KindInfo
	Imports []Import
	Limits  struct{ MB, Rows string }
}

func (h *Handler) renderPage(c *fiber.Ctx, status int, f *web.Form) error {
	list, err := h.svc.store.List(c.UserContext(), 50)
	if err != nil {
		return err
	}
	d := PageData{Kinds: kindInfos(), Imports: list}
	d.Limits.MB, d.Limits.Rows = fmt.Sprint(MaxFileBytes>>20), thousands(MaxRows)
	return web.Render(c, status, "imports/index", "", web.View{Title: "Imports", D: d, Form: f})
}

// Page lists the kinds of file, the upload form and the past imports.
func (h *Handler) Page(c *fiber.Ctx) error {
	return h.renderPage(c, fiber.StatusOK, &web.Form{Values: url.Values{"kind": {KindPrograms}}})
}

// Template sends the template CSV of a kind of file: the kind is the last part of the path
// (one route per kind, so that the route table has no parameter that is not a record of the
// tenant).
func (h *Handler) Template(c *fiber.Ctx) error {
	kind := path.Base(c.Path())
	b, err := h.svc.Template(c.UserContext(), kind)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="holdspace-%s-template.csv"`, kind))
	return c.Send(b)
}

// Upload receives a file; a file that cannot be used comes back to the page with the message
// under the file field, and nothing is stored.
func (h *Handler) Upload(c *fiber.Ctx) error {
	form := web.NewForm(c)
	kind := form.Get("kind")
	if st := form.Refused(); st != 0 {
		form.Values = url.Values{"kind": {kind}}
		for k, msg := range form.Errors {
			if k != "_form" {
				form.Errors["_form"] = msg
			}
		}
		return h.renderPage(c, st, form)
	}
	var data []byte
	name := ""
	if fh, ok := web.FormFile(c, "file"); ok && fh.Size > 0 {
		name = fh.Filename
		file, err := fh.Open()
		if err != nil {
			return err
		}
		defer file.Close()
		// The body is already in memory (the server limits it to 10 MB); the service says
		// when the file is over its own limit.
		if data, err = io.ReadAll(file); err != nil {
			return err
		}
	} else if ok {
		data = []byte{} // chosen, but empty
	}
	imp, err := h.svc.Upload(c.UserContext(), kind, name, data)
	if apperr.Code(err) == apperr.EINVALID {
		f := &web.Form{Values: url.Values{"kind": {kind}}, Errors: apperr.FieldsOf(err)}
		if f.Errors == nil {
			f.Errors = map[string]string{}
		}
		msg := f.Errors["file"]
		if msg == "" {
			msg = f.Errors["kind"]
		}
		if name != "" {
			msg = name + ": " + msg
		}
		f.Errors["_form"] = msg
		return h.renderPage(c, fiber.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	web.Flash(c, "Uploaded "+imp.FileName+": Holdspace is checking every row.")
	return web.Redirect(c, "/t/"+web.ScopeOf(c).TenantSlug+"/imports/"+imp.ID)
}

// ShowData is one import's page.
type ShowData struct {
	Import  *Import
	Preview Preview
	Base    string // the import's address
}

// Show is one import: its check, preview and problems, its progress. While a task is busy
// with it, its fragment polls itself every second; once done, the fragment comes back
// without the trigger and the polling stops.
func (h *Handler) Show(c *fiber.Ctx) error {
	ctx := c.UserContext()
	imp, err := h.svc.store.Get(ctx, c.Params("importID"), false)
	if err != nil {
		return err
	}
	d := ShowData{Import: imp, Base: "/t/" + web.ScopeOf(c).TenantSlug + "/imports/" + imp.ID}
	if imp.Status == StatusValid || imp.Status == StatusInvalid {
		full, err := h.svc.store.Get(ctx, imp.ID, true)
		if err != nil {
			return err
		}
		if d.Preview, err = h.svc.Preview(ctx, full); err != nil {
			return err
		}
	}
	title := imp.KindLabel() + ": " + imp.FileName
	return web.Render(c, fiber.StatusOK, "imports/show", "imports/_import", web.View{Title: title, D: d})
}

// Confirm starts the import of a checked file.
func (h *Handler) Confirm(c *fiber.Ctx) error {
	imp, err := h.svc.Confirm(c.UserContext(), c.Params("importID"))
	if err != nil {
		return err
	}
	return web.Redirect(c, "/t/"+web.ScopeOf(c).TenantSlug+"/imports/"+imp.ID)
}

// Problems asks for the problems file of an import (a report run, or the one already asked
// for) and goes to its page, which shows its progress and then the download.
func (h *Handler) Problems(c *fiber.Ctx) error {
	r, created, err := h.svc.RequestProblems(c.UserContext(), c.Params("importID"))
	if err != nil {
		return err
	}
	if created {
		web.Flash(c, "Problems file asked for. It is written in the background: this page shows its progress, then the download.")
	}
	return web.Redirect(c, "/t/"+web.ScopeOf(c).TenantSlug+"/runs/"+r.ID)
}
