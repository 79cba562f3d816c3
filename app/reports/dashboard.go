package reports

import (
	"context"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/charts"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/credentials"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/recent"
	"github.com/holdspace/holdspace/app/supervision"
	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/app/web"
)

// Dashboards are the home pages' dashboards, one per role, each on the fiscal year the switch
// names (?calendar=&fy=). What each shows:
//
//   - tenant admin and funder (the programs it funds only): sessions and hours by month,
//     engagements by stage, child care and Head Start facilities reached against the year
//     before, the mean pre/post change by instrument, staffing compliance, supervision hours
//     against the target, child outcomes;
//   - consultant: their sessions and hours by month, their flagged engagements and follow-ups;
//   - supervisor: the supervisees' supervision hours against target, and their flags;
//   - program: its consultation by month and its plans' goals.
//
// Sessions are read from the monthly rollups (session_months), so a year costs twelve rows per
// program and consultant, not every session.
type Dashboards struct {
	Deps
	Engagements *consultation.Engagements
	Sessions    *consultation.Sessions
	Credentials *credentials.Service
	Supervision *supervision.Service
	// PortfolioMaxAge is how old a tenant admin's or funder's dashboard may be: it adds up
	// the whole tenant (or every funded program) in seven panels, 19 to 25 statements, so it is
	// kept for this long per tenant, role, funder, year and day, and says when it was
	// counted. 0 counts it every time (tests).
	PortfolioMaxAge time.Duration
	portfolios      recent.Cache[*Dashboard]
}

// NewDashboards returns the dashboards over the domain services they reuse.
func NewDashboards(d Deps, e *consultation.Engagements, s *consultation.Sessions, c *credentials.Service, sup *supervision.Service) *Dashboards {
	return &Dashboards{Deps: d, Engagements: e, Sessions: s, Credentials: c, Supervision: sup, PortfolioMaxAge: time.Minute}
}

// Figure is a headline number with its words.
type Figure struct {
	Label, Value, Note string
}

// Item is one line of a list on a dashboard (a flagged engagement, a follow-up).
type Item struct {
	Text, Detail, Href string
}

// Panel is one part of a dashboard: a chart (with its table) and/or a list, under a heading,
// with one sentence on how it is counted.
type Panel struct {
	ID      string
	Heading string
	How     string
	Chart   template.HTML
	Empty   string // said instead of the chart when there is nothing to draw
	Items   []Item
	More    *Item
}

// Dashboard is one role's dashboard.
type Dashboard struct {
	Heading string
	Intro   string
	Switch  Switch
	Figures []Figure
	Panels  []Panel
	// CountedAt is when a portfolio dashboard was counted (the tenant's time, "3:04 PM"), for
	// the page to say it may be up to PortfolioMaxAge old; empty for the others.
	CountedAt string
	// PanelsHTML is Figures and Panels written (panelsHTML): drawn by the template, they were
	// most of the home page's own time (a reflected call per figure, panel, item and link). A
	// portfolio's is written once when it is counted, and shared as its panels are.
	PanelsHTML template.HTML
}

// panelsTemplate is what panelsHTML writes, as a template of a *Dashboard: the figures and
// the panels of views/reports/_dashboard.html.
const panelsTemplate = `{{with .Figures}}<ul class="hs-dashboard__figures usa-list--unstyled" aria-label="Headline figures">
{{range .}}<li class="hs-dashboard__figure"><span class="hs-dashboard__figure-label">{{.Label}}</span> <strong class="hs-dashboard__figure-value">{{.Value}}</strong>{{with .Note}} <span class="hs-dashboard__figure-note">({{.}})</span>{{end}}</li>
{{end}}</ul>
{{end}}<div class="hs-dashboard__panels">
{{range .Panels}}<section class="hs-dashboard__panel" id="panel-{{.ID}}" aria-labelledby="panel-{{.ID}}-heading">
<h3 id="panel-{{.ID}}-heading" class="margin-top-0">{{.Heading}}</h3>
<p class="hs-dashboard__how">{{.How}}</p>
{{with .Chart}}{{.}}{{end}}{{with .Empty}}<p class="text-italic">{{.}}</p>
{{end}}{{with .Items}}<ul class="usa-list hs-dashboard__items">
{{range .}}<li>{{if .Href}}<a class="usa-link" href="{{.Href}}">{{.Text}}</a>{{else}}{{.Text}}{{end}}{{with .Detail}}: {{.}}{{end}}</li>
{{end}}</ul>
{{end}}{{with .More}}<p><a class="usa-link" href="{{.Href}}">{{.Text}}</a></p>
{{end}}</section>
{{end}}</div>`

// panelsHTML writes figures and panels as panelsTemplate would (TestPanelsHTMLIsTheTemplate):
// texts and attributes escaped with html/template's table (web.EscapeHTML), the links as its
// URL filter and normalizer make them (web.TemplateURL), the charts as they are (SVG written
// by app/charts, already HTML).
func panelsHTML(figures []Figure, panels []Panel) template.HTML {
	var b strings.Builder
	n := 256
	for i := range panels {
		n += 400 + len(panels[i].Chart) + 120*len(panels[i].Items)
	}
	b.Grow(n + 200*len(figures))
	esc := func(s string) { web.EscapeHTML(&b, s) }
	link := func(it *Item) {
		b.WriteString(`<a class="usa-link" href="`)
		esc(web.TemplateURL(it.Href))
		b.WriteString(`">`)
		esc(it.Text)
		b.WriteString(`</a>`)
	}
	if len(figures) > 0 {
		b.WriteString(`<ul class="hs-dashboard__figures usa-list--unstyled" aria-label="Headline figures">` + "\n")
		for _, f := range figures {
			b.WriteString(`<li class="hs-dashboard__figure"><span class="hs-dashboard__figure-label">`)
			esc(f.Label)
			b.WriteString(`</span> <strong class="hs-dashboard__figure-value">`)
			esc(f.Value)
			b.WriteString(`</strong>`)
			if f.Note != "" {
				b.WriteString(` <span class="hs-dashboard__figure-note">(`)
				esc(f.Note)
				b.WriteString(`)</span>`)
			}
			b.WriteString("</li>\n")
		}
		b.WriteString("</ul>\n")
	}
	b.WriteString(`<div class="hs-dashboard__panels">` + "\n")
	for i := range panels {
		p := &panels[i]
		b.WriteString(`<section class="hs-dashboard__panel" id="panel-`)
		esc(p.ID)
		b.WriteString(`" aria-labelledby="panel-`)
		esc(p.ID)
		b.WriteString(`-heading">` + "\n" + `<h3 id="panel-`)
		esc(p.ID)
		b.WriteString(`-heading" class="margin-top-0">`)
		esc(p.Heading)
		b.WriteString("</h3>\n" + `<p class="hs-dashboard__how">`)
		esc(p.How)
		b.WriteString("</p>\n")
		b.WriteString(string(p.Chart))
		if p.Empty != "" {
			b.WriteString(`<p class="text-italic">`)
			esc(p.Empty)
			b.WriteString("</p>\n")
		}
		if len(p.Items) > 0 {
			b.WriteString(`<ul class="usa-list hs-dashboard__items">` + "\n")
			for j := range p.Items {
				it := &p.Items[j]
				b.WriteString("<li>")
				if it.Href != "" {
					link(it)
				} else {
					esc(it.Text)
				}
				if it.Detail != "" {
					b.WriteString(": ")
					esc(it.Detail)
				}
				b.WriteString("</li>\n")
			}
			b.WriteString("</ul>\n")
		}
		if p.More != nil {
			b.WriteString("<p>")
			link(p.More)
			b.WriteString("</p>\n")
		}
		b.WriteString("</section>\n")
	}
	b.WriteString("</div>")
	return template.HTML(b.String()) //nolint:gosec // every text and attribute escaped by web.EscapeHTML, every link by web.TemplateURL, as html/template does; the charts are app/charts' HTML
}

// Home is the home page's hook (tenants.Handler.SetDashboard): the dashboard of the person
// signed in, on the year the request's switch names.
func (d *Dashboards) Home(c *fiber.Ctx) (any, error) {
	ctx := c.UserContext()
	t, err := d.tenant(ctx)
	if err != nil {
		return nil, err
	}
	y := d.yearOf(c, t)
	return d.For(ctx, t, y, "/t/"+t.Slug+"/")
}

// For is the dashboard of the person in ctx for year y of tenant t; action is the page it is
// on (the year switch's address). A role without a dashboard gets nil.
func (d *Dashboards) For(ctx context.Context, t *tenants.Tenant, y Year, action string) (*Dashboard, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	now := d.now()
	db := &Dashboard{Switch: NewSwitch(t, y, action, now)}
	b := &builder{d: d, ctx: ctx, sc: sc, t: t, y: y, now: now, out: db}
	switch sc.Role {
	case authz.TenantAdmin, authz.Funder:
		org := ""
		if sc.Role == authz.Funder {
			org = sc.OrganisationID
		}
		key := fmt.Sprintf("%s|%s|%s|%s|%d|%d|%s", sc.TenantID, sc.Role, org, y.Calendar, y.FY, y.StartMonth, t.Local(now).Format(time.DateOnly))
		p, at, err := d.portfolios.Get(ctx, key, d.PortfolioMaxAge, 256, func(ctx context.Context) (*Dashboard, error) {
			p := &Dashboard{}
			b := &builder{d: d, ctx: ctx, sc: sc, t: t, y: y, now: now, out: p}
			if err := b.portfolio(); err != nil {
				return nil, err
			}
			p.PanelsHTML = panelsHTML(p.Figures, p.Panels)
			return p, nil
		})
		if err != nil {
			return nil, err
		}
		// The panels are shared by everyone the entry serves: read, never changed.
		db.Heading, db.Intro, db.Figures, db.Panels, db.PanelsHTML = p.Heading, p.Intro, p.Figures, p.Panels, p.PanelsHTML
		db.CountedAt = t.Local(at).Format("3:04 PM")
		return db, nil
	case authz.Consultant:
		err = b.consultant()
	case authz.Supervisor:
		err = b.supervisor()
	case authz.Program:
		err = b.program()
	default:
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	db.PanelsHTML = panelsHTML(db.Figures, db.Panels)
	return db, nil
}

// builder assembles one dashboard.
type builder struct {
	d   *Dashboards
	ctx context.Context
	sc  database.Scope
	t   *tenants.Tenant
	y   Year
	now time.Time
	out *Dashboard
	// monthTarget is the tenant's monthly supervision target in minutes (supervisionHours).
	monthTarget int
	// The funder's consultants (funded): their profiles and users, read once.
	fundedProfileIDs, fundedUserIDs map[string]bool
}

func (b *builder) base() string { return "/t/" + b.t.Slug }

// add renders a chart into a panel; an empty chart says empty instead.
func (b *builder) add(p Panel, c *charts.Chart, empty string) error {
	if c != nil {
		c.ID = "chart-" + p.ID
		if c.Empty() {
			p.Empty = empty
		} else {
			h, err := c.HTML()
			if err != nil {
				return err
			}
			p.Chart = h
		}
	}
	b.out.Panels = append(b.out.Panels, p)
	return nil
}

// hours says minutes as hours with one decimal ("12.5").
func hours(minutes int) string { return consultation.Dosage{Minutes: minutes}.Hours() }

func hoursValue(minutes int) float64 { return float64(minutes) / 60 }

// portfolio is the tenant admin's and the funder's dashboard.
func (b *builder) portfolio() error {
	funder := b.sc.Role == authz.Funder
	b.out.Heading = "Your tenant this year"
	b.out.Intro = "Consultation across " + b.t.Name + ", counted on the fiscal year you choose."
	if funder {
		b.out.Heading = "The programs you fund"
		b.out.Intro = "Consultation with the programs your organisation funds, counted on the fiscal year you choose. Other programs are not counted."
	}
	for _, panel := range []func() error{
		func() error {
			return b.monthsPanel("months", "Sessions and hours by month", "Each session counts in the month it was held; hours are the sessions’ minutes.")
		},
		b.stagesPanel, b.facilitiesPanel, b.prePostPanel, b.staffingPanel, b.supervisionTotalPanel, b.outcomesPanel,
	} {
		if err := panel(); err != nil {
			return err
		}
	}
	return nil
}

// consultant is a consultant's dashboard: their month, their flags and follow-ups.
func (b *builder) consultant() error {
	b.out.Heading = "Your work this year"
	b.out.Intro = "Your sessions by month, the engagements that need attention and what you said you would do."
	if err := b.monthsPanel("my-months", "Your sessions and hours by month", "Your sessions, each in the month it was held; this month is compared with the months before it in the year."); err != nil {
		return err
	}
	if err := b.flagsPanel("Engagements that need attention"); err != nil {
		return err
	}
	return b.followUpsPanel()
}

// supervisor is a supervisor's dashboard: the supervisees' hours against target and flags.
func (b *builder) supervisor() error {
	b.out.Heading = "Your supervisees this year"
	b.out.Intro = "Reflective supervision of the consultants assigned to you against the tenant’s target, and their engagements that need attention."
	if err := b.superviseesPanel(); err != nil {
		return err
	}
	return b.flagsPanel("Your supervisees’ engagements that need attention")
}

// program is a program's dashboard: its consultation by month and its plans' goals.
func (b *builder) program() error {
	b.out.Heading = "Consultation with your program this year"
	b.out.Intro = "The sessions consultants held with your program, and where the goals of your quality improvement plans stand."
	if err := b.monthsPanel("program-months", "Sessions and hours by month", "Every consultant’s sessions with your program, each in the month it was held."); err != nil {
		return err
	}
	return b.goalsPanel()
}

// monthsPanel: sessions and hours by month of the year (paired bars), with the year's totals
// against the year before as headline figures.
func (b *builder) monthsPanel(id, heading, how string) error {
	months := b.y.Months()
	prev := b.y.Prev().Months()
	rows, err := b.monthly(prev[0].Key, months[11].Key)
	if err != nil {
		return err
	}
	c := &charts.Chart{Title: heading + ", " + b.y.Label(), CategoryHead: "Month", Unit: "Sessions and hours",
		Desc: fmt.Sprintf("Two bars a month from %s: the number of sessions and the hours they lasted.", b.y.Span())}
	sessions := charts.Series{Name: "Sessions"}
	hrs := charts.Series{Name: "Hours"}
	var n, m, pn, pm int
	for i, mo := range months {
		r := rows[mo.Key]
		c.Categories = append(c.Categories, mo.Label[:3])
		c.CategoryNames = append(c.CategoryNames, mo.Label)
		sessions.Values = append(sessions.Values, float64(r.Sessions))
		hrs.Values = append(hrs.Values, hoursValue(r.Minutes))
		hrs.Text = append(hrs.Text, hours(r.Minutes))
		n, m = n+r.Sessions, m+r.Minutes
		pr := rows[prev[i].Key]
		pn, pm = pn+pr.Sessions, pm+pr.Minutes
	}
	c.Series = []charts.Series{sessions, hrs}
	b.out.Figures = append(b.out.Figures,
		Figure{Label: "Sessions in " + b.y.Label(), Value: fmt.Sprint(n), Note: fmt.Sprintf("%d in %s", pn, b.y.Prev().Label())},
		Figure{Label: "Hours of consultation", Value: hours(m), Note: fmt.Sprintf("%s in %s", hours(pm), b.y.Prev().Label())})
	if this := b.t.Local(b.now).Format("2006-01"); b.sc.Role == authz.Consultant && this >= months[0].Key && this <= months[11].Key {
		r := rows[this]
		b.out.Figures = append(b.out.Figures, Figure{Label: "This month", Value: fmt.Sprintf("%d sessions", r.Sessions), Note: hours(r.Minutes) + " hours"})
	}
	return b.add(Panel{ID: id, Heading: heading, How: how}, c, "No sessions were recorded in "+b.y.Label()+".")
}

// stagesPanel: the engagements open at some time in the year, by their stage now.
func (b *builder) stagesPanel() error {
	counts, err := b.stages()
	if err != nil {
		return err
	}
	c := &charts.Chart{Title: "Engagements by stage, " + b.y.Label(), CategoryHead: "Stage", Unit: "Engagements",
		Desc: "How many of the engagements open at some time in the year are at each stage of the consultation cycle now."}
	s := charts.Series{Name: "Engagements"}
	total := 0
	for i, st := range consultation.Stages {
		c.Categories = append(c.Categories, stageShort[i])
		c.CategoryNames = append(c.CategoryNames, fmt.Sprintf("%d. %s", i+1, st.Label))
		s.Values = append(s.Values, float64(counts[st.Value]))
		total += counts[st.Value]
	}
	c.Series = []charts.Series{s}
	c.Desc += fmt.Sprintf(" %d engagements in all, the bars in the cycle’s order from initial contact to closed.", total)
	return b.add(Panel{ID: "stages", Heading: "Engagements by stage",
		How: "An engagement counts when it was open at some time in the year, at the stage it is at now; the bars follow the cycle’s order."},
		c, "No engagement was open in "+b.y.Label()+".")
}

// stageShort are the stages' names under the bars (the table has them whole), in the order of
// consultation.Stages.
var stageShort = []string{"Contact", "Needs", "Pre", "Findings", "Plan", "Implement", "Post", "Sustain", "Closed"}

// facilitiesPanel: child care and Head Start programs with a session in the year and the year
// before.
func (b *builder) facilitiesPanel() error {
	now, before, err := b.facilities()
	if err != nil {
		return err
	}
	c := &charts.Chart{Title: "Child care facilities reached", CategoryHead: "Fiscal year", Unit: "Facilities",
		Desc:       fmt.Sprintf("%d child care and Head Start facilities had at least one session in %s, against %d in %s.", now, b.y.Label(), before, b.y.Prev().Label()),
		Categories: []string{b.y.Prev().Label(), b.y.Label()},
		Series:     []charts.Series{{Name: "Facilities", Values: []float64{float64(before), float64(now)}}}}
	b.out.Figures = append(b.out.Figures, Figure{Label: "Child care facilities reached", Value: fmt.Sprint(now), Note: fmt.Sprintf("%d in %s", before, b.y.Prev().Label())})
	return b.add(Panel{ID: "facilities", Heading: "Facilities reached this year against last",
		How: "A child care center, family child care home or Head Start program counts once a year when it had at least one session."},
		c, "No child care facility had a session in either year.")
}

// prePostPanel: the mean change of each instrument's first subscale, over the engagements
// with a pre- and a post-assessment in the year.
func (b *builder) prePostPanel() error {
	rows, err := b.prePost()
	if err != nil {
		return err
	}
	c := &charts.Chart{Title: "Mean pre/post change by instrument, " + b.y.Label(), CategoryHead: "Instrument", Unit: "Points of change",
		Desc: "The mean change from pre to post of each instrument’s first subscale; a bar below zero is a lower score at post."}
	s := charts.Series{Name: "Mean change"}
	n := charts.Series{Name: "Engagements"}
	for _, r := range rows {
		c.Categories = append(c.Categories, r.Short)
		c.CategoryNames = append(c.CategoryNames, r.Short+" ("+r.Subscale+", "+r.Direction+")")
		s.Values = append(s.Values, r.Mean)
		s.Text = append(s.Text, fmt.Sprintf("%+.2f", r.Mean))
		n.Values = append(n.Values, float64(r.N))
	}
	// The engagements are a column of the table, not bars: their scale is not the points'.
	n.TableOnly = true
	c.Series = []charts.Series{s, n}
	p := Panel{ID: "prepost", Heading: "Pre/post change by instrument",
		How: "Engagements with both a pre- and a post-assessment in the year; the change is post minus pre on the instrument’s first subscale, averaged."}
	if len(rows) == 0 {
		p.Empty = "No engagement had both a pre- and a post-assessment in " + b.y.Label() + "."
		b.out.Panels = append(b.out.Panels, p)
		return nil
	}
	c.Desc += " " + describeCounts(rows)
	return b.add(p, c, "")
}

func describeCounts(rows []prePostRow) string {
	out := ""
	for i, r := range rows {
		if i > 0 {
			out += "; "
		}
		out += fmt.Sprintf("%s over %d engagements", r.Short, r.N)
	}
	return out + "."
}

// staffingPanel: the share of consultants meeting every required credential today
// (app/credentials' staffing rule).
func (b *builder) staffingPanel() error {
	meet, lacking, err := b.staffing()
	if err != nil {
		return err
	}
	all := meet + lacking
	pct := 0
	if all > 0 {
		pct = (meet*100 + all/2) / all
	}
	c := &charts.Chart{Title: "Staffing compliance today", CategoryHead: "Consultants", Unit: "Consultants",
		Desc:       fmt.Sprintf("%d of %d consultants (%d%%) meet every required credential today; %d lack one or more.", meet, all, pct, lacking),
		Categories: []string{"Meet every requirement", "Lack one or more"},
		Series:     []charts.Series{{Name: "Consultants", Values: []float64{float64(meet), float64(lacking)}}}}
	b.out.Figures = append(b.out.Figures, Figure{Label: "Consultants meeting requirements", Value: fmt.Sprintf("%d%%", pct), Note: fmt.Sprintf("%d of %d today", meet, all)})
	how := "Every consultant with a profile against the tenant’s staffing requirements, as the staffing page counts them, today."
	if b.sc.Role == authz.Funder {
		how = "The consultants with an engagement with a program you fund, against the tenant’s staffing requirements, today."
	}
	return b.add(Panel{ID: "staffing", Heading: "Staffing compliance", How: how}, c, "No consultant has a profile yet.")
}

// supervisionTotalPanel: the consultants' reflective supervision in the year against the
// tenant's target (the monthly target times the months of the year gone by).
func (b *builder) supervisionTotalPanel() error {
	list, target, err := b.supervisionHours()
	if err != nil {
		return err
	}
	onTrack, behind, total := 0, 0, 0
	for _, x := range list {
		total += x.Minutes
		if x.Minutes >= target {
			onTrack++
		} else {
			behind++
		}
	}
	c := &charts.Chart{Title: "Supervision against target, " + b.y.Label(), CategoryHead: "Consultants", Unit: "Consultants",
		Desc: fmt.Sprintf("%d consultants have had at least the target’s %s hours of reflective supervision so far in the year; %d have had less.",
			onTrack, hours(target), behind),
		Categories: []string{"At or above the target", "Below the target"},
		Series:     []charts.Series{{Name: "Consultants", Values: []float64{float64(onTrack), float64(behind)}}}}
	b.out.Figures = append(b.out.Figures, Figure{Label: "Supervision hours", Value: hours(total), Note: fmt.Sprintf("target to date %s hours for each of %d consultants", hours(target), len(list))})
	return b.add(Panel{ID: "supervision", Heading: "Supervision hours against target",
		How: "Each supervised consultant’s hours of reflective supervision in the year, against the tenant’s monthly target times the months gone by."},
		c, "No consultant has a supervisor yet.")
}

// outcomesPanel: where the children of the year's closed child-and-family engagements are,
// every count under ten suppressed.
func (b *builder) outcomesPanel() error {
	o, err := ChildOutcomes(b.ctx, b.d.DB, b.y)
	if err != nil {
		return err
	}
	// Horizontal bars: the outcomes' names are too long to stand side by side under columns.
	c := &charts.Chart{Kind: charts.KindTarget, Title: "Child outcomes, " + b.y.Label(), CategoryHead: "Where the child is", Unit: "Children",
		Desc: "Where the child is when a child-and-family focused engagement closes. A count under 10 reads “" + FewerText + "” and has no bar."}
	s := charts.Series{Name: "Children"}
	short := map[string]string{consultation.OutcomeStayed: "Stayed", consultation.OutcomeMoved: "Moved",
		consultation.OutcomeRemoved: "Removed", consultation.OutcomeExpelled: "Expelled/suspended"}
	for _, r := range o.Rows {
		label := r.Label
		if v, ok := short[r.Value]; ok {
			label = v
		}
		c.Categories = append(c.Categories, label) // the axis: short; the table: the whole words
		c.CategoryNames = append(c.CategoryNames, r.Label)
		s.Values = append(s.Values, float64(r.Count.Value()))
		s.Text = append(s.Text, r.Count.String())
	}
	c.Series = []charts.Series{s}
	p := Panel{ID: "outcomes", Heading: "Child outcomes",
		How: fmt.Sprintf("Child-and-family focused engagements closed in the year with the child’s outcome recorded: %s.", o.Closed.String())}
	if len(o.Rows) == 0 {
		p.Empty = "No child outcome was recorded in " + b.y.Label() + "."
		b.out.Panels = append(b.out.Panels, p)
		return nil
	}
	if c.Empty() {
		// Every count is suppressed: the table says so, the bars would say nothing.
		c.ID = "chart-outcomes"
		h, err := c.HTML()
		if err != nil {
			return err
		}
		p.Chart = h
		b.out.Panels = append(b.out.Panels, p)
		return nil
	}
	return b.add(p, c, "")
}

// flagsPanel: the open engagements with a fidelity flag up (consultation's one flag rule), by
// flag, and the list.
func (b *builder) flagsPanel(heading string) error {
	rows, more, err := b.flagged()
	if err != nil {
		return err
	}
	kinds := []string{fmt.Sprintf("Fewer than %d contacts", consultation.MinContacts), fmt.Sprintf("Coaching beyond %d months", consultation.CoachingMaxMonths),
		"Post-assessment missing", "Follow-ups overdue"}
	counts := make([]float64, 4)
	p := Panel{ID: "flags", Heading: heading,
		How: "Open engagements with a fidelity flag up today, as the caseload counts them; an engagement can have more than one."}
	for _, r := range rows {
		f := r.Flags
		for i, up := range []bool{f.FewContacts, f.CoachingOverdue, f.PostMissing, f.OverdueFollowUps > 0} {
			if up {
				counts[i]++
			}
		}
		detail := r.ProgramName
		if b.sc.Role != authz.Consultant && r.ConsultantName != "" {
			detail = r.ConsultantName + " with " + r.ProgramName
		}
		p.Items = append(p.Items, Item{Text: detail, Detail: joinWords(f.Labels()), Href: b.base() + "/engagements/" + r.ID})
	}
	b.out.Figures = append(b.out.Figures, Figure{Label: "Engagements flagged", Value: fmt.Sprint(len(rows)) + more, Note: "open, today"})
	if len(rows) > 0 {
		p.More = &Item{Text: "Every flagged engagement in the caseload", Href: b.base() + "/caseload?flagged=1&open=1"}
	}
	c := &charts.Chart{Title: "Open engagements by flag", CategoryHead: "Flag", Unit: "Engagements",
		Desc:       fmt.Sprintf("%d open engagements have a flag up today.", len(rows)),
		Categories: []string{"Few contacts", "Long coaching", "No post", "Follow-ups"}, CategoryNames: kinds,
		Series: []charts.Series{{Name: "Engagements", Values: counts}}}
	return b.add(p, c, "No open engagement has a flag up today.")
}

func joinWords(list []string) string {
	out := ""
	for i, s := range list {
		if i > 0 {
			out += "; "
		}
		out += s
	}
	return out
}

// followUpsPanel: the consultant's follow-ups not done, the earliest due first.
func (b *builder) followUpsPanel() error {
	list, err := b.d.Sessions.OpenFollowUps(b.ctx, 10)
	if err != nil {
		return err
	}
	today := b.t.Local(b.now).Format(time.DateOnly)
	p := Panel{ID: "followups", Heading: "Follow-ups due", How: "Your follow-ups not marked done, the earliest due first; the ten nearest are listed."}
	overdue := 0
	for _, f := range list {
		when := "due " + f.DueOn
		if f.DueOn < today {
			when = "overdue since " + f.DueOn
			overdue++
		}
		p.Items = append(p.Items, Item{Text: f.Description, Detail: f.ProgramName + ", " + when, Href: b.base() + "/sessions/" + f.SessionID})
	}
	if len(list) == 0 {
		p.Empty = "No follow-up is waiting."
	} else {
		p.More = &Item{Text: "All your open follow-ups, on your sessions page", Href: b.base() + "/sessions"}
	}
	b.out.Figures = append(b.out.Figures, Figure{Label: "Follow-ups overdue", Value: fmt.Sprint(overdue), Note: fmt.Sprintf("of the %d nearest open ones", len(list))})
	b.out.Panels = append(b.out.Panels, p)
	return nil
}

// superviseesPanel: each supervisee's hours of reflective supervision in the year against the
// year's target (horizontal bars with their target line).
func (b *builder) superviseesPanel() error {
	list, target, err := b.supervisionHours()
	if err != nil {
		return err
	}
	full := 12 * b.monthTarget
	c := &charts.Chart{Kind: charts.KindTarget, Title: "Supervision hours against target, " + b.y.Label(), CategoryHead: "Supervisee",
		Unit: "Hours", TargetName: "Target to date",
		Desc: fmt.Sprintf("Each supervisee’s hours of reflective supervision in the year; the line is the target to date, %s hours (%s for the whole year).", hours(target), hours(full))}
	s := charts.Series{Name: "Hours"}
	behind := 0
	for _, x := range list {
		c.Categories = append(c.Categories, x.Name)
		s.Values = append(s.Values, hoursValue(x.Minutes))
		s.Text = append(s.Text, hours(x.Minutes))
		s.Targets = append(s.Targets, hoursValue(target))
		if x.Minutes < target {
			behind++
		}
	}
	c.Series = []charts.Series{s}
	b.out.Figures = append(b.out.Figures, Figure{Label: "Supervisees below the target", Value: fmt.Sprint(behind), Note: fmt.Sprintf("of %d", len(list))})
	p := Panel{ID: "supervisees", Heading: "Your supervisees’ hours against target",
		How: "Hours of reflective supervision each supervisee attended in the year, against the tenant’s monthly target times the months gone by."}
	if len(list) == 0 {
		p.Empty = "No consultant is assigned to you yet."
		b.out.Panels = append(b.out.Panels, p)
		return nil
	}
	c.ID = "chart-" + p.ID
	h, err := c.HTML()
	if err != nil {
		return err
	}
	p.Chart = h
	b.out.Panels = append(b.out.Panels, p)
	return nil
}

// goalsPanel: the goals of the program's plans that run in the year, by status.
func (b *builder) goalsPanel() error {
	counts, err := b.goals()
	if err != nil {
		return err
	}
	c := &charts.Chart{Title: "Plan goals by status, " + b.y.Label(), CategoryHead: "Status", Unit: "Goals"}
	s := charts.Series{Name: "Goals"}
	total := 0
	for _, st := range consultation.GoalStatusLabels {
		c.Categories = append(c.Categories, st.Label)
		s.Values = append(s.Values, float64(counts[st.Value]))
		total += counts[st.Value]
	}
	c.Series = []charts.Series{s}
	c.Desc = fmt.Sprintf("The %d goals of your quality improvement plans that run in the year: %d met, %d in progress.", total, counts[consultation.GoalMet], counts[consultation.GoalInProgress])
	b.out.Figures = append(b.out.Figures, Figure{Label: "Plan goals met", Value: fmt.Sprint(counts[consultation.GoalMet]), Note: fmt.Sprintf("of %d", total)})
	return b.add(Panel{ID: "goals", Heading: "Your plans’ goals",
		How: "Goals of the quality improvement plans with your program whose dates fall in the year, at their status now."},
		c, "No quality improvement plan runs in "+b.y.Label()+".")
}
