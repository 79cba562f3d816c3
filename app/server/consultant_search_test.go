package server

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/database"
)

// searchSeed inserts an approved, active profile (with its facets) in a demo tenant and
// returns it; change lets a test make it unapproved, inactive or full.
func (e *testEnv) searchSeed(slug, name string, counties, languages, specialties []string, change func(*consultants.Profile)) *consultants.Profile {
	e.t.Helper()
	ctx := e.scoped(slug)
	now := database.Now()
	p := &consultants.Profile{ID: database.NewID(), UserID: database.NewID(), DisplayName: name, Counties: counties,
		Languages: languages, Settings: []string{"home_visiting"}, Specialties: specialties, Modes: []string{"in_person"},
		Capacity: 2, Status: consultants.StatusApproved, Active: true, Bio: "bio",
		ReviewComments: "secret review of " + name, CreatedAt: now, UpdatedAt: now}
	if change != nil {
		change(p)
	}
	t, err := database.For(ctx, e.app.DB)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := t.Insert(p).Exec(ctx); err != nil {
		e.t.Fatal(err)
	}
	var fs []*consultants.Facet
	for facet, vs := range map[string][]string{consultants.FacetCounty: p.Counties, consultants.FacetLanguage: p.Languages,
		consultants.FacetSetting: p.Settings, consultants.FacetSpecialty: p.Specialties, consultants.FacetMode: p.Modes} {
		for _, v := range vs {
			fs = append(fs, &consultants.Facet{ProfileID: p.ID, Facet: facet, Value: v})
		}
	}
	if _, err := database.InsertMany(t, fs).Exec(ctx); err != nil {
		e.t.Fatal(err)
	}
	return p
}

func TestConsultantSearchPublic(t *testing.T) {
	env := newTestEnv(t)
	s := func(xs ...string) []string { return xs }
	env.searchSeed("illinois", "Zora Quill", s("Cook"), s("English", "Spanish"), s("Trauma"), func(p *consultants.Profile) {
		p.UserID = "zora-user-id"
	})
	env.searchSeed("illinois", "Yves Quill", s("Peoria"), s("English"), s("Attachment"), func(p *consultants.Profile) {
		p.Capacity, p.Settings, p.Modes = 0, s("doula"), s("virtual")
	})
	env.searchSeed("illinois", "Xena Draft", s("Cook"), s("English"), s("Trauma"), func(p *consultants.Profile) { p.Status = consultants.StatusSubmitted })
	env.searchSeed("illinois", "Wade Inactive", s("Cook"), s("English"), s("Trauma"), func(p *consultants.Profile) { p.Active = false })
	env.searchSeed("ohio", "Vera Ohio", s("Cook"), s("English"), s("Trauma"), nil)

	c := env.client(t) // not signed in
	r := c.get("/t/illinois/find-a-consultant").mustStatus(t, 200).
		mustContain(t, "Find a consultant", "Zora Quill", "Yves Quill", "Taking new programs", "Not taking new programs",
			`hx-get="/t/illinois/find-a-consultant"`, `hx-push-url="true"`, `hx-trigger="change"`, "Request this consultant")
	// A card taking programs links to the request form for its consultant.
	if !regexp.MustCompile(`<a class="usa-button" href="/t/illinois/find-a-consultant/request\?consultant=[0-9a-f-]{36}">Request this consultant<span class="usa-sr-only">: Zora Quill</span></a>`).MatchString(r.body) {
		t.Error("Zora Quill's card does not link to a request for her")
	}
	for _, never := range []string{"Xena Draft", "Wade Inactive", "Vera Ohio", "zora-user-id", "secret review", "@"} {
		if strings.Contains(strings.SplitN(r.body, `id="main-content"`, 2)[len(strings.SplitN(r.body, `id="main-content"`, 2))-1], never) {
			t.Errorf("the public search shows %q", never)
		}
	}
	// Each filter narrows, in a shareable URL.
	for q, want := range map[string][2]string{
		"county=Peoria":               {"Yves Quill", "Zora Quill"},
		"language=Spanish":            {"Zora Quill", "Yves Quill"},
		"specialty=Attachment":        {"Yves Quill", "Zora Quill"},
		"taking=1":                    {"Zora Quill", "Yves Quill"},
		"setting=doula":               {"Yves Quill", "Zora Quill"},
		"mode=virtual":                {"Yves Quill", "Zora Quill"},
		"county=Cook&language=Polish": {"No listed consultant matches", "Zora Quill"},
	} {
		r := c.get("/t/illinois/find-a-consultant?"+q).mustStatus(t, 200).mustContain(t, want[0])
		if strings.Contains(r.body, want[1]) {
			t.Errorf("%s: the results still show %s", q, want[1])
		}
	}
	// htmx gets only the results fragment.
	r = c.get("/t/illinois/find-a-consultant?county=Cook", "HX-Request", "true").mustStatus(t, 200).mustContain(t, `id="results"`, "Zora Quill")
	if strings.Contains(r.body, "<html") || strings.Contains(r.body, "Yves Quill") {
		t.Fatalf("the htmx answer is not just the filtered results:\n%s", truncateBody(r.body))
	}
	c.get("/t/nowhere/find-a-consultant").mustStatus(t, 404)
}

func TestConsultantSearchHiddenForClosedTenants(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	now := time.Now()
	if _, err := env.raw().NewUpdate().Table("tenants").Set("suspended_at = ?", now).Set("status = ?", "suspended").
		Where("slug = ?", "ohio").Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := env.raw().NewUpdate().Table("tenants").Set("deleted_at = ?", now).Where("slug = ?", "nc-piedmont").Exec(ctx); err != nil {
		t.Fatal(err)
	}
	c := env.client(t)
	r := c.get("/t/ohio/find-a-consultant")
	if r.status == 200 || strings.Contains(r.body, "Find a consultant") {
		t.Fatalf("a suspended tenant's search answered %d", r.status)
	}
	c.get("/t/nc-piedmont/find-a-consultant").mustStatus(t, 404)
	c.get("/t/nc-piedmont/find-a-consultant/request").mustStatus(t, 404)
}

var requestLink = regexp.MustCompile(`http://holdspace\.test(/t/illinois/find-a-consultant/confirm/[A-Za-z0-9_-]+)`)

func requestForm(email string) url.Values {
	return url.Values{"organisation": {"Prairie Families Home Visiting"}, "county": {"Cook"},
		"need": {"Our home visitors want support around postpartum depression."}, "preferred_language": {"Spanish"},
		"contact_name": {"Rosa Lee"}, "email": {email}, "phone": {""}, "website": {""}}
}

func TestConsultantRequest(t *testing.T) {
	env := newTestEnv(t)
	zora := env.searchSeed("illinois", "Zora Quill", []string{"Cook"}, []string{"English"}, []string{"Trauma"}, nil)
	ohio := env.searchSeed("ohio", "Vera Ohio", []string{"Cook"}, []string{"English"}, []string{"Trauma"}, nil)
	draft := env.searchSeed("illinois", "Xena Draft", []string{"Cook"}, []string{"English"}, []string{"Trauma"},
		func(p *consultants.Profile) { p.Status = consultants.StatusSubmitted })
	c := env.client(t)
	c.get("/t/illinois/find-a-consultant/request?consultant="+zora.ID).mustStatus(t, 200).
		mustContain(t, "Request Zora Quill", `name="website"`, `class="hs-honeypot"`, `name="_csrf"`)
	c.get("/t/illinois/find-a-consultant/request?consultant="+ohio.ID).mustStatus(t, 404)
	c.get("/t/illinois/find-a-consultant/request?consultant="+draft.ID).mustStatus(t, 404)

	t.Run("bad input is named per field and nothing is written", func(t *testing.T) {
		f := requestForm("not-an-email")
		f.Set("organisation", "")
		f.Set("need", strings.Repeat("x", 2001))
		f.Set("consultant", ohio.ID)
		c.post("/t/illinois/find-a-consultant/request", f).mustStatus(t, 422).
			mustContain(t, "Organisation: enter", "What you need: use at most 2000", "Email: enter an address",
				"Consultant: this consultant is not listed", "Rosa Lee", "Spanish")
		if n := env.count("consultant_requests", "status = ?", consultants.RequestUnconfirmed); n != 0 {
			t.Fatalf("%d requests written", n)
		}
	})
	t.Run("honeypot", func(t *testing.T) {
		f := requestForm("bot@example.org")
		f.Set("website", "http://spam.example")
		c.post("/t/illinois/find-a-consultant/request", f).mustStatus(t, 200).mustContain(t, "Check your email")
		if n := env.count("consultant_requests", "status = ?", consultants.RequestUnconfirmed); n != 0 {
			t.Fatalf("the honeypot let %d requests through", n)
		}
		if n := env.count("emails", "to_addr = ?", "bot@example.org"); n != 0 {
			t.Fatal("the honeypot sent an email")
		}
	})
	t.Run("confirm once, then it is in the queue", func(t *testing.T) {
		f := requestForm("rosa@prairie.example")
		f.Set("consultant", zora.ID)
		c.post("/t/illinois/find-a-consultant/request", f).mustStatus(t, 200).mustContain(t, "rosa@prairie.example")
		if n := env.count("consultant_requests", "status = ?", consultants.RequestUnconfirmed); n != 1 {
			t.Fatalf("%d unconfirmed requests, want 1", n)
		}
		admin := env.signedIn(t, "admin@illinois.example")
		if r := admin.get("/t/illinois/requests").mustStatus(t, 200); strings.Contains(r.body, "rosa@prairie.example") {
			t.Fatal("the queue shows an unconfirmed request")
		}

		m := requestLink.FindStringSubmatch(env.lastEmailTo("rosa@prairie.example").Body)
		if m == nil {
			t.Fatal("no confirmation link in the email")
		}
		// Another tenant's address does not know the token.
		c.get(strings.Replace(m[1], "/t/illinois/", "/t/ohio/", 1)).mustStatus(t, 404)
		c.get(m[1]).mustStatus(t, 200).mustContain(t, "Confirm your request", "Prairie Families Home Visiting")
		events := env.count("audit_events", "action = ? AND tenant_id = ?", "request.create", env.tenantID("illinois"))
		c.post(m[1], nil).mustStatus(t, 200).mustContain(t, "Request sent")
		c.post(m[1], nil).mustStatus(t, 404)
		c.get(m[1]).mustStatus(t, 404)
		if n := env.count("audit_events", "action = ? AND tenant_id = ?", "request.create", env.tenantID("illinois")); n != events+1 {
			t.Fatalf("%d request.create events in the tenant, want %d", n, events+1)
		}
		admin.get("/t/illinois/requests").mustStatus(t, 200).
			mustContain(t, "Prairie Families Home Visiting", "Open", "Cook", "postpartum depression", "Zora Quill")
		// The tenant admin is told, with a link to the request.
		var opened consultants.Request
		if err := env.raw().NewSelect().Model(&opened).Where("contact_email = ?", "rosa@prairie.example").Scan(context.Background()); err != nil {
			t.Fatal(err)
		}
		if mail := env.lastEmailTo("admin@illinois.example"); mail == nil || !strings.Contains(mail.Body, "/t/illinois/requests/"+opened.ID) {
			t.Fatalf("the tenant admin was not told of the request: %+v", mail)
		}
		if r := env.signedIn(t, "admin@ohio.example").get("/t/ohio/requests").mustStatus(t, 200); strings.Contains(r.body, "rosa@prairie.example") {
			t.Fatal("another tenant's queue shows the request")
		}
	})
	t.Run("an unconfirmed request stays out of the queue", func(t *testing.T) {
		f := requestForm("sam@other.example")
		f.Set("organisation", "Unconfirmed Org")
		c.post("/t/illinois/find-a-consultant/request", f).mustStatus(t, 200)
		r := env.signedIn(t, "admin@illinois.example").get("/t/illinois/requests").mustStatus(t, 200)
		if strings.Contains(r.body, "Unconfirmed Org") {
			t.Fatal("the queue shows an unconfirmed request")
		}
	})
}

// TestConsultantRequestNotTaking: a consultant not taking new programs has no "Request this
// consultant" on the public search (a sentence says so and points to asking for anyone); the
// request form named for them asks for any consultant instead; a request naming them anyway
// is refused with a message, nothing written or sent, and what was typed is kept.
func TestConsultantRequestNotTaking(t *testing.T) {
	env := newTestEnv(t)
	zora := env.searchSeed("illinois", "Zora Quill", []string{"Cook"}, []string{"English"}, []string{"Trauma"}, nil)
	yves := env.searchSeed("illinois", "Yves Quill", []string{"Cook"}, []string{"English"}, []string{"Trauma"},
		func(p *consultants.Profile) { p.Capacity = 0 })
	c := env.client(t)
	r := c.get("/t/illinois/find-a-consultant?county=Cook").mustStatus(t, 200).
		mustContain(t, "Not taking new programs", "Yves Quill has no place for a new program now, so you cannot request them.",
			`href="/t/illinois/find-a-consultant/request?consultant=`+zora.ID+`"`, `<a href="/t/illinois/find-a-consultant/request">Ask for any consultant</a>`)
	if strings.Contains(r.body, "request?consultant="+yves.ID) {
		t.Fatal("the search offers to request a consultant who is not taking new programs")
	}
	page := c.get("/t/illinois/find-a-consultant/request?consultant="+yves.ID).mustStatus(t, 200).
		mustContain(t, "Ask for a consultant</h1>", "Yves Quill is not taking new programs now, so this form asks for any consultant")
	if strings.Contains(page.body, `name="consultant"`) {
		t.Fatal("the form still names the consultant who is not taking new programs")
	}
	requests, emails := env.count("consultant_requests", "1 = 1"), env.count("emails", "1 = 1")
	f := requestForm("rosa@prairie.example")
	f.Set("consultant", yves.ID)
	r = c.post("/t/illinois/find-a-consultant/request", f).mustStatus(t, 422).
		mustContain(t, "Consultant: Yves Quill is not taking new programs now.", "Rosa Lee", "postpartum depression")
	if strings.Contains(r.body, `name="consultant"`) {
		t.Fatal("sending the form again would name the same consultant")
	}
	if env.count("consultant_requests", "1 = 1") != requests || env.count("emails", "1 = 1") != emails {
		t.Fatal("a request for a consultant not taking new programs was written or sent")
	}
	f.Del("consultant")
	c.post("/t/illinois/find-a-consultant/request", f).mustStatus(t, 200).mustContain(t, "Check your email")
}

func TestConsultantRequestRateLimits(t *testing.T) {
	env := newTestEnv(t)
	c := env.client(t)
	for i := 0; i < 3; i++ {
		c.post("/t/illinois/find-a-consultant/request", requestForm("same@example.org")).mustStatus(t, 200)
	}
	c.post("/t/illinois/find-a-consultant/request", requestForm("same@example.org")).
		mustStatus(t, http.StatusTooManyRequests).mustContain(t, "Too many requests for this email address", "Rosa Lee")
	c.post("/t/illinois/find-a-consultant/request", requestForm("other1@example.org")).mustStatus(t, 200)
	c.post("/t/illinois/find-a-consultant/request", requestForm("other2@example.org")).mustStatus(t, 200)
	c.post("/t/illinois/find-a-consultant/request", requestForm("other3@example.org")).
		mustStatus(t, http.StatusTooManyRequests).mustContain(t, "Too many requests from your network")
	if n := env.count("consultant_requests", "status = ?", consultants.RequestUnconfirmed); n != 5 {
		t.Fatalf("%d requests written, want 5", n)
	}
}

// TestBrowserConsultantSearch: the public search, without signing in; choosing a filter
// replaces the results without a page load, and the URL follows.
func TestBrowserConsultantSearch(t *testing.T) {
	env := newTestEnv(t)
	s := func(xs ...string) []string { return xs }
	env.searchSeed("illinois", "Zora Quill", s("Cook"), s("English", "Spanish"), s("Trauma"), nil)
	env.searchSeed("illinois", "Yves Quill", s("Peoria"), s("English"), s("Attachment"), nil)
	b := openBrowser(t, env)
	b.open("/t/illinois/find-a-consultant", "#county")
	// Read in the page's own JavaScript: an htmx swap may replace the node between a query
	// and a read by the protocol.
	before := evalJS[string](b, `document.querySelector("#results").textContent`)
	if !strings.Contains(before, "Zora Quill") || !strings.Contains(before, "Yves Quill") {
		t.Fatalf("the results before filtering say %q", before)
	}
	b.waitUpTo(20*time.Second, "htmx", `typeof htmx !== "undefined" && !!document.getElementById("consultant-filter")["htmx-internal-data"]`)
	b.js(`window.hsMarker = "still here"`)
	b.do("choose Peoria", chromedp.SetValue(chromedp.ID("county"), "Peoria"))
	b.js(`document.getElementById("county").dispatchEvent(new Event("change", {bubbles: true}))`)
	b.waitUpTo(20*time.Second, "the filtered results", `!document.querySelector("#results").textContent.includes("Zora Quill")`)
	b.screenshot("consultant-search")
	after := evalJS[string](b, `document.querySelector("#results").textContent`)
	marker := evalJS[string](b, `window.hsMarker || ""`)
	location := evalJS[string](b, `location.search`)
	if !strings.Contains(after, "Yves Quill") {
		t.Fatalf("after choosing Peoria the results say %q", after)
	}
	if marker != "still here" {
		t.Fatal("choosing a filter reloaded the whole page")
	}
	if !strings.Contains(location, "county=Peoria") {
		t.Fatalf("got location %q, want the filter in the URL", location)
	}
}

// searchFixtures: a live confirmation link of a request for a consultant in tenant slug.
func (e *testEnv) searchFixtures(slug string) fixtures {
	e.t.Helper()
	email := "isolation.request." + slug + "@program.example"
	_, err := e.app.ConsultantRequests.Create(e.scoped(slug), consultants.RequestInput{Organisation: "Isolation Program",
		County: "Cook", Need: "Support for our home visitors.", ContactName: "Iso Lation", Email: email}, "192.0.2.1")
	if err != nil {
		e.t.Fatal(err)
	}
	m := regexp.MustCompile(`/t/` + slug + `/find-a-consultant/confirm/([A-Za-z0-9_-]+)`).FindStringSubmatch(e.lastEmailTo(email).Body)
	if m == nil {
		e.t.Fatal("no confirmation link in the request email")
	}
	return fixtures{"requestToken": m[1]}
}
