package reports

import (
	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/runs"
	"github.com/holdspace/holdspace/app/web"
)

// RecentLimit is how many of the person's own files the reports page lists.
const RecentLimit = 20

// Index is the reports page (GET /t/:slug/reports): the reports the person may open, one
// sentence each, and below them the files they asked for (their report runs).
type Index struct {
	d Deps
}

// NewIndex returns the reports page's handler.
func NewIndex(d Deps) *Index { return &Index{d: d} }

// IndexLink is one report the page offers.
type IndexLink struct {
	Label, Href, About string
}

// RecentFile is one of the person's runs: its kind's name and its page.
type RecentFile struct {
	Run   runs.Run
	Label string // the kind's ("NCPC report")
	Href  string // the run's page: its progress, then the download
}

// IndexData is the reports page.
type IndexData struct {
	Reports []IndexLink
	Recent  []RecentFile
}

// IndexLinks lists the reports a role may open in tenant slug. Tenant admins and funders read
// the reports (a funder's hold only the programs it funds); the full export and the NCPC setup
// are the tenant admins' (policies/roles.csv: exports read, reports_setup read).
func IndexLinks(slug, role string) []IndexLink {
	base := "/t/" + slug
	links := []IndexLink{
		{"NCPC report", base + "/reports/ncpc",
			"Child care facilities receiving technical assistance, classrooms and educators reached, and teacher–child interaction outcomes (TPITOS, TPOT), by quarter and year to date on the state fiscal year, by Purpose Service Code."},
		{"Funder reports", base + "/reports/funders",
			"Per funder, on its own fiscal calendar (state July–June or federal October–September): programs served, sessions, hours, staff reached, engagements by stage and pre/post outcomes, per quarter and for the year."},
		{"Child outcomes", base + "/reports/child-outcomes",
			"Where children in child-and-family focused engagements are when the engagement closes (stayed in their setting, moved, removed, expelled or suspended), by race and ethnicity, sex, dual-language learners and IEP/IFSP; every count under 10 reads “fewer than 10”."},
		{"Sessions export", base + "/reports/sessions",
			"Every session of a period, without notes or names, as a CSV or Excel file."},
	}
	if role == authz.TenantAdmin {
		links = append(links,
			IndexLink{"Full export", base + "/exports",
				"All of the agency’s data, one CSV file per table in a zip, to keep or to move elsewhere."},
			IndexLink{"NCPC setup", base + "/reports/ncpc/setup",
				"Which fundings are the NCPC activity: the program identifier and Purpose Service Code of each."})
	}
	return links
}

// Page is the reports page. Its route admits tenant admins and funders (reports read).
func (h *Index) Page(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sc := web.ScopeOf(c)
	mine, err := h.d.Runs.Mine(ctx, RecentLimit)
	if err != nil {
		return err
	}
	d := IndexData{Reports: IndexLinks(sc.TenantSlug, sc.Role)}
	for _, r := range mine {
		d.Recent = append(d.Recent, RecentFile{Run: r, Label: h.d.Runs.Label(r.Kind), Href: "/t/" + sc.TenantSlug + "/runs/" + r.ID})
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return web.Render(c, fiber.StatusOK, "reports/index", "", web.View{Title: "Reports", D: d})
}
