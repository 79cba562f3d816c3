package credentials

import (
	"context"
	"html/template"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/dates"
	"github.com/holdspace/holdspace/app/supervision"
	"github.com/holdspace/holdspace/app/web"
)

// visibleUsers is whose profiles the person in ctx sees on the staffing pages: nil for a
// tenant admin (everyone's), a supervisor's supervisees (user ids) otherwise.
func (s *Service) visibleUsers(ctx context.Context) ([]string, error) {
	ids, _, err := s.visible(ctx)
	return ids, err
}

// visible is visibleUsers with a supervisor's assignments (nil for anyone else).
func (s *Service) visible(ctx context.Context) ([]string, []supervision.Assignment, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, nil, err
	}
	switch sc.Role {
	case authz.TenantAdmin:
		return nil, nil, nil
	case authz.Supervisor:
		as, err := s.sup.Store().Assignments(ctx, sc.UserID)
		if err != nil {
			return nil, nil, err
		}
		ids := make([]string, 0, len(as))
		for _, a := range as {
			ids = append(ids, a.ConsultantID)
		}
		return ids, as, nil
	}
	return []string{}, nil, nil
}

// canSee says whether the person in ctx may read profile p's credentials: the consultant
// themselves, their supervisors, the tenant admins. Else ENOTFOUND.
func (s *Service) canSee(ctx context.Context, p *consultants.Profile) error {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return err
	}
	if sc.Role == authz.Consultant {
		if p.UserID == sc.UserID {
			return nil
		}
		return apperr.NotFound("consultant")
	}
	ids, err := s.visibleUsers(ctx)
	if err != nil || ids == nil {
		return err
	}
	for _, id := range ids {
		if id == p.UserID {
			return nil
		}
	}
	return apperr.NotFound("consultant")
}

// subjects returns what the rule needs of each profile besides its credentials: the hire date,
// the supervisors and this fiscal year's supervision hours.
func (s *Service) subjects(ctx context.Context, profiles []consultants.Profile, now time.Time) (map[string]Subject, error) {
	list, _, err := s.sup.Supervisees(ctx, "", now)
	if err != nil {
		return nil, err
	}
	byUser := map[string][]supervision.Supervisee{}
	for _, x := range list {
		byUser[x.ConsultantID] = append(byUser[x.ConsultantID], x)
	}
	out := map[string]Subject{}
	for _, p := range profiles {
		sub := Subject{HiredOn: p.HiredOn}
		for _, x := range byUser[p.UserID] {
			sub.Supervisors = append(sub.Supervisors, x.SupervisorName)
			sub.SupervisionFY = x.Hours.FYText() + " of " + x.Hours.TargetFYText() + " this fiscal year"
		}
		out[p.ID] = sub
	}
	return out, nil
}

// subjectOf is subjects for one profile: its supervisors among the tenant's assignments, and
// its own supervision hours (read only when someone supervises it, as only then are they
// shown), not every supervisee's.
func (s *Service) subjectOf(ctx context.Context, p *consultants.Profile, now time.Time) (Subject, error) {
	sub := Subject{HiredOn: p.HiredOn}
	as, err := s.sup.Store().Assignments(ctx, "")
	if err != nil {
		return sub, err
	}
	for _, a := range as {
		if a.ConsultantID == p.UserID {
			sub.Supervisors = append(sub.Supervisors, a.SupervisorName)
		}
	}
	if len(sub.Supervisors) > 0 {
		h, _, err := s.sup.HoursOf(ctx, p.UserID, now)
		if err != nil {
			return sub, err
		}
		sub.SupervisionFY = h.FYText() + " of " + h.TargetFYText()
	}
	return sub, nil
}

// Filter narrows the staffing table.
type Filter struct {
	RequirementID string     // only this requirement's column
	Lacking       bool       // only consultants lacking something (the chosen requirement, or any required one)
	Keyset        web.Keyset // where the page starts, by consultant name then id
	Limit         int        // consultants a page shows (StaffingPageSize when 0)
}

// StaffingPageSize is how many consultants a page of the staffing table shows.
const StaffingPageSize = 50

// Row is one consultant of the staffing table.
type Row struct {
	Profile  consultants.Profile // what the table shows of it: id, user, name, hire date
	Statuses []Status            // the page's rows only; Credential and Hours are not read for the table
	Cells    []Cell              // what the table shows of each status (the page's rows only)
	Lacking  int                 // required requirements not met
	Pending  int                 // credentials waiting for verification
}

// Cell is one status as the staffing table shows it, worked out once in Go rather than by
// method calls in the template for every cell.
type Cell struct {
	Tag, Text string
}

// Cursor is the row's keyset position in the table (display name~id).
func (r *Row) Cursor() string { return web.Cursor(r.Profile.DisplayName, r.Profile.ID) }

// Counts are the staffing page's headline figures, over every consultant the person sees.
type Counts struct {
	Consultants int
	MeetAll     int // every required requirement met
	LackingSome int // at least one required requirement not met
	Overdue     int // deadlines passed (required or recommended)
	Expiring    int // credentials meeting a requirement that expire within ExpiringSoonDays
	Pending     int // credentials waiting for verification
}

// Overview is the staffing table.
type Overview struct {
	Requirements []Requirement // the columns (one when filtered by requirement)
	All          []Requirement // every requirement, for the filter
	Rows         []Row
	Counts       Counts
	Today        string
	Filter       Filter
	IsAdmin      bool
	Next, Prev   string // the cursors of the next and previous pages ("" when none)
}

// Staffing returns a page of the consultants with a profile the person in ctx sees (a tenant
// admin all of them, a supervisor their supervisees) against each requirement, by name, and
// the counts over all of them. Its statements are the same whatever the number of consultants
// (requirements, profiles, what the rule needs of their credentials, the assignments: one
// each); the counts need every consultant's statuses, worked out in Go, but only a page of
// rows keeps them and is rendered.
func (s *Service) Staffing(ctx context.Context, f Filter, now time.Time) (*Overview, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	o := &Overview{Filter: f, IsAdmin: sc.Role == authz.TenantAdmin}
	if o.Today, err = s.Today(ctx, now); err != nil {
		return nil, err
	}
	if o.All, err = s.store.RequirementList(ctx); err != nil {
		return nil, err
	}
	users, as, err := s.visible(ctx)
	if err != nil {
		return nil, err
	}
	profiles, err := s.store.staffingProfiles(ctx, users) // in the table's order below
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(profiles))
	for i, p := range profiles {
		ids[i] = p.ID
	}
	if users == nil {
		ids = nil // a tenant admin's: every credential of the tenant, without a list of ids
		// Who supervises whom: the table shows whether someone does, not the hours, so no
		// supervision sessions are read. A supervisor's own assignments (read above) say it
		// of each of their supervisees.
		if as, err = s.sup.Store().Assignments(ctx, ""); err != nil {
			return nil, err
		}
	}
	facts, err := s.store.facts(ctx, ids)
	if err != nil {
		return nil, err
	}
	byProfile := groupByProfile(profiles, facts)
	supervisors := make(map[string][]string, len(as))
	for _, a := range as {
		supervisors[a.ConsultantID] = append(supervisors[a.ConsultantID], a.SupervisorName)
	}
	col := -1
	o.Requirements = o.All
	for i := range o.All {
		if o.All[i].ID == f.RequirementID {
			col = i
			o.Requirements = o.All[i : i+1]
		}
	}
	if col < 0 {
		o.Filter.RequirementID = ""
	}
	ev := newEvaluator(o.Today)
	subject := func(p *staffingProfile) Subject {
		return Subject{HiredOn: p.HiredOn, Supervisors: supervisors[p.UserID]}
	}
	var statuses []Status // one consultant's at a time, for the counts
	rows := make([]candidate, 0, len(profiles))
	for _, i := range staffingOrder(profiles) {
		p := &profiles[i]
		statuses = ev.evaluate(statuses[:0], o.All, byProfile[i], nil, subject(p))
		row := candidate{p: p, facts: byProfile[i]}
		for _, st := range statuses {
			if st.Lacking() {
				row.lacking++
			}
			if st.State == StateOverdue {
				o.Counts.Overdue++
			}
			if st.State == StateExpiring {
				o.Counts.Expiring++
			}
		}
		for _, c := range byProfile[i] {
			if c.Status == StatusSubmitted {
				row.pending++
			}
		}
		o.Counts.Consultants++
		o.Counts.Pending += row.pending
		if row.lacking > 0 {
			o.Counts.LackingSome++
		} else {
			o.Counts.MeetAll++
		}
		if f.Lacking {
			if col >= 0 && statuses[col].Met() || col < 0 && row.lacking == 0 {
				continue
			}
		}
		rows = append(rows, row)
	}
	var page []candidate
	page, o.Next, o.Prev = staffingPage(rows, f)
	// The page's rows, and only they, keep their statuses and cells.
	o.Rows = make([]Row, len(page))
	for k, c := range page {
		r := &o.Rows[k]
		r.Profile = consultants.Profile{ID: c.p.ID, UserID: c.p.UserID, DisplayName: c.p.DisplayName, HiredOn: c.p.HiredOn}
		r.Lacking, r.Pending = c.lacking, c.pending
		r.Statuses = ev.evaluate(make([]Status, 0, len(o.All)), o.All, c.facts, nil, subject(c.p))
		if col >= 0 {
			r.Statuses = r.Statuses[col : col+1]
		}
		r.Cells = make([]Cell, len(r.Statuses))
		for j, st := range r.Statuses {
			r.Cells[j] = Cell{Tag: st.Tag(), Text: st.Text()}
		}
	}
	return o, nil
}

// candidate is a consultant the table may show, before the page is cut.
type candidate struct {
	p                *staffingProfile
	facts            []fact
	lacking, pending int
}

func (c *candidate) cursor() string { return web.Cursor(c.p.DisplayName, c.p.ID) }

// groupByProfile returns the facts of each profile (by its index in profiles), as slices of
// one array; facts of other profiles are left out.
func groupByProfile(profiles []staffingProfile, facts []fact) [][]fact {
	pos := make(map[string]int, len(profiles))
	for i := range profiles {
		pos[profiles[i].ID] = i
	}
	at := make([]int, len(facts)) // each fact's profile, -1 when none
	end := make([]int, len(profiles)+1)
	for j := range facts {
		i, ok := pos[facts[j].ProfileID]
		if !ok {
			i = -1
		} else {
			end[i+1]++
		}
		at[j] = i
	}
	for i := 1; i < len(end); i++ {
		end[i] += end[i-1]
	}
	all := make([]fact, end[len(profiles)])
	next := append([]int(nil), end[:len(profiles)]...)
	for j := range facts {
		if i := at[j]; i >= 0 {
			all[next[i]] = facts[j]
			next[i]++
		}
	}
	out := make([][]fact, len(profiles))
	for i := range profiles {
		out[i] = all[end[i]:end[i+1]:end[i+1]]
	}
	return out
}

// staffingOrder is the profiles' indexes in the table's order (staffingLess), each name
// lowered once rather than at every comparison.
func staffingOrder(profiles []staffingProfile) []int {
	lower := make([]string, len(profiles))
	order := make([]int, len(profiles))
	for i := range profiles {
		lower[i], order[i] = strings.ToLower(profiles[i].DisplayName), i
	}
	sort.Slice(order, func(a, b int) bool {
		i, j := order[a], order[b]
		if lower[i] != lower[j] {
			return lower[i] < lower[j]
		}
		if profiles[i].DisplayName != profiles[j].DisplayName {
			return profiles[i].DisplayName < profiles[j].DisplayName
		}
		return profiles[i].ID < profiles[j].ID
	})
	return order
}

// staffingPage cuts the rows (sorted by display name, id) to the page after (or before) the
// cursor.
func staffingPage(rows []candidate, f Filter) ([]candidate, string, string) {
	limit := f.Limit
	if limit <= 0 {
		limit = StaffingPageSize
	}
	keys, backward, ok := f.Keyset.Keys(2)
	if !ok {
		f.Keyset = web.Keyset{}
	}
	var cut []candidate
	if !ok {
		cut = rows
		if len(cut) > limit+1 {
			cut = cut[:limit+1]
		}
	} else if !backward {
		i := sort.Search(len(rows), func(i int) bool { return keyAfter(rows[i].p, keys) })
		cut = rows[i:min(len(rows), i+limit+1)]
	} else {
		i := sort.Search(len(rows), func(i int) bool { return !keyBefore(rows[i].p, keys) })
		for j := i - 1; j >= 0 && len(cut) <= limit; j-- {
			cut = append(cut, rows[j])
		}
	}
	return web.KeysetPage(f.Keyset, 2, append([]candidate(nil), cut...), limit, (*candidate).cursor)
}

// cellsHTML writes the cells exactly as the template
//
//	{{range .}}<td><span class="usa-tag {{.Tag}}">{{.Text}}</span></td>{{end}}
//
// would: html/template escapes both the quoted attribute and the text with the same table.
func cellsHTML(cells []Cell) template.HTML {
	n := 0
	for _, c := range cells {
		n += 40 + len(c.Tag) + len(c.Text)
	}
	var b strings.Builder
	b.Grow(n)
	writeCells(&b, cells)
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, as html/template does
}

// writeCells writes the cells as cellsHTML says; the staffing rows (staffingRowsHTML) write
// theirs with it.
func writeCells(b *strings.Builder, cells []Cell) {
	for _, c := range cells {
		b.WriteString(`<td><span class="usa-tag `)
		web.EscapeHTML(b, c.Tag)
		b.WriteString(`">`)
		web.EscapeHTML(b, c.Text)
		b.WriteString(`</span></td>`)
	}
}

// staffingLess is the table's order: by name regardless of case, then as written, then by id;
// a total order that the page and its cursors share, whatever the database's collation.
func staffingLess(aName, aID, bName, bID string) bool {
	if al, bl := strings.ToLower(aName), strings.ToLower(bName); al != bl {
		return al < bl
	}
	if aName != bName {
		return aName < bName
	}
	return aID < bID
}

func keyAfter(p *staffingProfile, keys []string) bool {
	return staffingLess(keys[0], keys[1], p.DisplayName, p.ID)
}

func keyBefore(p *staffingProfile, keys []string) bool {
	return staffingLess(p.DisplayName, p.ID, keys[0], keys[1])
}

// Detail is one consultant's staffing page.
type Detail struct {
	Profile     *consultants.Profile
	Agency      string
	Settings    []string
	Modes       []string
	Statuses    []Status
	Credentials []Credential
	Today       string
	IsAdmin     bool
	Lacking     int
}

// Consultant returns one consultant's profile summary, credentials and requirements, for a
// tenant admin or one of their supervisors (anyone else: ENOTFOUND).
func (s *Service) Consultant(ctx context.Context, profileID string, now time.Time) (*Detail, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.reg.Profile(ctx, profileID)
	if err != nil {
		return nil, err
	}
	if sc.Role == authz.Consultant {
		return nil, apperr.NotFound("consultant")
	}
	if err := s.canSee(ctx, p); err != nil {
		return nil, err
	}
	d := &Detail{Profile: p, IsAdmin: sc.Role == authz.TenantAdmin, Settings: labels(p.Settings, consultants.Settings),
		Modes: labels(p.Modes, consultants.Modes)}
	if d.Today, err = s.Today(ctx, now); err != nil {
		return nil, err
	}
	if p.AgencyID != "" {
		org, err := s.tenants.Organisation(ctx, p.AgencyID)
		if err == nil {
			d.Agency = org.Name
		} else if apperr.Code(err) != apperr.ENOTFOUND {
			return nil, err
		}
	}
	reqs, err := s.store.RequirementList(ctx) // the page shows no kinds
	if err != nil {
		return nil, err
	}
	if d.Credentials, err = s.store.CredentialsOf(ctx, []string{p.ID}); err != nil {
		return nil, err
	}
	sub, err := s.subjectOf(ctx, p, now)
	if err != nil {
		return nil, err
	}
	d.Statuses = Evaluate(reqs, d.Credentials, sub, d.Today)
	for _, st := range d.Statuses {
		if st.Lacking() {
			d.Lacking++
		}
	}
	return d, nil
}

func labels(values []string, set []struct{ Value, Label string }) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		l := v
		for _, x := range set {
			if x.Value == v {
				l = x.Label
			}
		}
		out = append(out, l)
	}
	return out
}

// SetHiredOn sets (or, with "", clears) a consultant's hire date, from which deadlines count.
// Errors: ENOTFOUND; EINVALID on hired_on.
func (s *Service) SetHiredOn(ctx context.Context, profileID, hiredOn string, now time.Time) (*consultants.Profile, error) {
	var p *consultants.Profile
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		var err error
		if p, err = s.reg.Profile(ctx, profileID); err != nil {
			return err
		}
		today, err := s.Today(ctx, now)
		if err != nil {
			return err
		}
		hiredOn = strings.TrimSpace(hiredOn)
		if hiredOn != "" {
			iso, ok := dates.ISO(hiredOn)
			if !ok {
				return apperr.Invalid(map[string]string{"hired_on": strings.TrimSuffix(dates.Message("the hire date"), ".") + ", or leave it empty."})
			}
			hiredOn = iso
			if hiredOn > AddDays(today, 366) {
				return apperr.Invalid(map[string]string{"hired_on": "The hire date cannot be more than a year ahead."})
			}
		}
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		p.HiredOn, p.UpdatedAt = hiredOn, database.Now()
		if _, err := t.Update(p).Column("hired_on", "updated_at").Where("cp.id = ?", p.ID).Exec(ctx); err != nil {
			return err
		}
		detail := p.DisplayName + ": hire date cleared"
		if hiredOn != "" {
			detail = p.DisplayName + " hired on " + hiredOn
		}
		return s.audit.Record(ctx, "consultant_profile.hired", "consultant_profile", p.ID, detail)
	})
	return p, err
}

// profileCredential returns credential id of profile profileID (ENOTFOUND otherwise).
func (s *Service) profileCredential(ctx context.Context, profileID, id string) (*Credential, *consultants.Profile, error) {
	c, err := s.store.Credential(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if c.ProfileID != profileID {
		return nil, nil, apperr.NotFound("credential")
	}
	p, err := s.reg.Profile(ctx, profileID)
	return c, p, err
}

// userContact is a person's email and name.
type userContact struct {
	Email string `bun:"email"`
	Name  string `bun:"name"`
}

func (s *Service) contacts(ctx context.Context, userIDs []string) (map[string]userContact, error) {
	out := map[string]userContact{}
	if len(userIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		ID    string `bun:"id"`
		Email string `bun:"email"`
		Name  string `bun:"name"`
	}
	err := database.Conn(ctx, s.db).NewSelect().Table("users").Column("id", "email", "name").
		Where("id IN (?)", bun.In(userIDs)).Scan(ctx, &rows)
	for _, r := range rows {
		out[r.ID] = userContact{Email: r.Email, Name: r.Name}
	}
	return out, err
}

func (s *Service) link(ctx context.Context, path string) string {
	sc, _ := database.ScopeFrom(ctx)
	slug := sc.TenantSlug
	if slug == "" {
		if t, err := s.tenant(ctx); err == nil {
			slug = t.Slug
		}
	}
	return s.baseURL + "/t/" + slug + path
}

// Verify marks a credential of profile profileID verified by the tenant admin in ctx and
// tells the consultant. Errors: ENOTFOUND; ECONFLICT when it is verified already.
func (s *Service) Verify(ctx context.Context, profileID, id string) (*Credential, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	var c *Credential
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		var p *consultants.Profile
		var err error
		if c, p, err = s.profileCredential(ctx, profileID, id); err != nil {
			return err
		}
		if c.Verified() {
			return apperr.Errorf(apperr.ECONFLICT, "This credential is verified already.")
		}
		now := database.Now()
		c.Status, c.ReviewNote, c.VerifiedBy, c.VerifiedAt, c.UpdatedAt = StatusVerified, "", sc.UserID, &now, now
		if err := s.review(ctx, c, p, "credential.verify"); err != nil {
			return err
		}
		return s.notify(ctx, p, "Your credential is verified: "+c.KindName,
			"Your credential “"+c.KindName+"” is verified."+expiryLine(c)+"\n\nYour credentials and staffing requirements:\n"+s.link(ctx, "/credentials")+"\n")
	})
	return c, err
}

func expiryLine(c *Credential) string {
	if c.ExpiresOn == "" {
		return " It does not expire."
	}
	return " It is good until " + c.ExpiresOn + "; you will get reminders before then."
}

// Return sends a credential of profile profileID back to the consultant with a note saying
// what to change. Errors: ENOTFOUND; EINVALID on note; ECONFLICT when it is returned already.
func (s *Service) Return(ctx context.Context, profileID, id, note string) (*Credential, error) {
	var c *Credential
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		var p *consultants.Profile
		var err error
		if c, p, err = s.profileCredential(ctx, profileID, id); err != nil {
			return err
		}
		note = strings.TrimSpace(strings.ReplaceAll(note, "\r\n", "\n"))
		switch n := utf8.RuneCountInString(note); {
		case n == 0:
			return apperr.Invalid(map[string]string{"note": "Say what the consultant should change or add."})
		case n > MaxNote:
			return apperr.Invalid(map[string]string{"note": "Use at most 2,000 characters."})
		}
		if c.Status == StatusReturned {
			return apperr.Errorf(apperr.ECONFLICT, "This credential is returned already.")
		}
		c.Status, c.ReviewNote, c.VerifiedBy, c.VerifiedAt, c.UpdatedAt = StatusReturned, note, "", nil, database.Now()
		if err := s.review(ctx, c, p, "credential.return"); err != nil {
			return err
		}
		return s.notify(ctx, p, "Your credential is returned: "+c.KindName,
			"Your credential “"+c.KindName+"” was returned with this note:\n\n"+note+
				"\n\nChange it or add the missing evidence, and it goes back for verification:\n"+s.link(ctx, "/credentials")+"\n")
	})
	return c, err
}

func (s *Service) review(ctx context.Context, c *Credential, p *consultants.Profile, action string) error {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return err
	}
	if _, err := t.Update(c).Column("status", "review_note", "verified_by", "verified_at", "updated_at").
		Where("cc.id = ?", c.ID).Exec(ctx); err != nil {
		return err
	}
	return s.audit.Record(ctx, action, "credential", c.ID, c.KindName+" of "+p.DisplayName)
}

// notify emails the consultant of profile p (in ctx's transaction).
func (s *Service) notify(ctx context.Context, p *consultants.Profile, subject, body string) error {
	if s.mail == nil {
		return nil
	}
	who, err := s.contacts(ctx, []string{p.UserID})
	if err != nil {
		return err
	}
	u, ok := who[p.UserID]
	if !ok || u.Email == "" {
		return nil
	}
	return s.mail.Send(ctx, u.Email, subject, "Hello "+u.Name+",\n\n"+body)
}
