package signup

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zone checks below must not depend on the machine's zoneinfo

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/tenants"
)

func TestCheckSlug(t *testing.T) {
	cases := []struct {
		name, slug, want string // want: part of the message, "" for a good address
	}{
		{"OK", "cook-county", ""},
		{"OKDigits", "region9-ecmh2", ""},
		{"OKShortest", "abc", ""},
		{"OKLongest", strings.Repeat("a", 40), ""},
		{"OKReservedWordInside", "admin-team", ""},
		{"ErrEmpty", "", "Web address: choose one"},
		{"ErrTooShort", "ab", "use 3 to 40 characters (this has 2)"},
		{"ErrTooLong", strings.Repeat("a", 41), "use 3 to 40 characters (this has 41)"},
		{"ErrUpperCase", "Cook", "only lower-case letters, digits and hyphens"},
		{"ErrSpace", "cook county", "only lower-case letters, digits and hyphens"},
		{"ErrUnderscore", "cook_county", "only lower-case letters, digits and hyphens"},
		{"ErrDot", "cook.county", "only lower-case letters, digits and hyphens"},
		{"ErrSlash", "cook/county", "only lower-case letters, digits and hyphens"},
		{"ErrAccent", "café-ecmh", "only lower-case letters, digits and hyphens"},
		{"ErrStartsWithDigit", "9lives", "start with a letter"},
		{"ErrStartsWithHyphen", "-cook", "start with a letter"},
		{"ErrEndsWithHyphen", "cook-", "do not end with a hyphen"},
		{"ErrDoubleHyphen", "cook--county", "single hyphens"},
	}
	for _, w := range tenants.ReservedSlugs {
		if len(w) >= tenants.SlugMinLen {
			cases = append(cases, struct{ name, slug, want string }{"ErrReserved_" + w, w, "is reserved"})
		}
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := tenants.CheckSlug(tc.slug)
			if tc.want == "" && got != "" {
				t.Fatalf("tenants.CheckSlug(%q) = %q, want no problem", tc.slug, got)
			}
			if tc.want != "" && !strings.Contains(got, tc.want) {
				t.Fatalf("tenants.CheckSlug(%q) = %q, want a message containing %q", tc.slug, got, tc.want)
			}
			if tc.want != "" && !strings.HasPrefix(got, "Web address") && !strings.Contains(got, "web address") {
				t.Fatalf("tenants.CheckSlug(%q) = %q: the message does not name the field", tc.slug, got)
			}
		})
	}
	// The short reserved words ("t") fail on length, but fail all the same.
	for _, w := range tenants.ReservedSlugs {
		if tenants.CheckSlug(w) == "" {
			t.Errorf("the reserved word %q is accepted", w)
		}
	}
}

func TestReservedList(t *testing.T) {
	want := strings.Fields(`admin api app static signin signout signup password invitations t tenants healthz readyz
		metrics holdspace support help www mail about login logout settings billing status demo test`)
	if len(tenants.ReservedSlugs) != len(want) {
		t.Fatalf("got %d reserved words, want %d", len(tenants.ReservedSlugs), len(want))
	}
	for _, w := range want {
		found := false
		for _, r := range tenants.ReservedSlugs {
			found = found || r == w
		}
		if !found {
			t.Errorf("%q is not reserved", w)
		}
	}
}

func TestNormalizeSlug(t *testing.T) {
	if got := tenants.NormalizeSlug("  Cook-County \t"); got != "cook-county" {
		t.Fatalf("got %q, want cook-county", got)
	}
}

func TestCheckInput(t *testing.T) {
	good := Input{Name: "Cook County Partnership", Kind: tenants.KindLocalPartnership, State: "il",
		AdminName: "Ana Ruiz", AdminEmail: " Ana.Ruiz@Example.org ", Slug: " Cook-County "}
	t.Run("OK", func(t *testing.T) {
		in, f := checkInput(good)
		if len(f) > 0 {
			t.Fatalf("got problems %v, want none", f)
		}
		if in.State != "IL" || in.AdminEmail != "ana.ruiz@example.org" || in.Slug != "cook-county" {
			t.Fatalf("got %+v, want state, email and address cleaned up", in)
		}
	})
	cases := []struct {
		name, field, want string
		change            func(*Input)
	}{
		{"ErrNameRequired", "name", "Enter your agency’s name.", func(i *Input) { i.Name = "  " }},
		{"ErrNameTooLong", "name", "Agency name: use at most 200 characters.", func(i *Input) { i.Name = strings.Repeat("é", 201) }},
		{"ErrKind", "kind", "state system or a local partnership", func(i *Input) { i.Kind = "county" }},
		{"ErrStateMissing", "state", "state from the list", func(i *Input) { i.State = "" }},
		{"ErrStateUnknown", "state", "state from the list", func(i *Input) { i.State = "PR" }},
		{"ErrAdminNameRequired", "admin_name", "Enter your name", func(i *Input) { i.AdminName = "" }},
		{"ErrAdminNameTooLong", "admin_name", "Your name: use at most 200", func(i *Input) { i.AdminName = strings.Repeat("a", 201) }},
		{"ErrEmail", "email", "Enter an email address in the form", func(i *Input) { i.AdminEmail = "ana at example" }},
		{"ErrEmailMissing", "email", "Enter an email address.", func(i *Input) { i.AdminEmail = "" }},
		{"ErrSlug", "slug", "is reserved", func(i *Input) { i.Slug = "support" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := good
			tc.change(&in)
			_, f := checkInput(in)
			if len(f) != 1 || !strings.Contains(f[tc.field], tc.want) {
				t.Fatalf("got %v, want only %s: %q", f, tc.field, tc.want)
			}
		})
	}
	t.Run("OKNameOf200Characters", func(t *testing.T) {
		in := good
		in.Name = strings.Repeat("é", 200)
		if _, f := checkInput(in); len(f) > 0 {
			t.Fatalf("got %v, want none", f)
		}
	})
}

func TestStatesAndTimeZones(t *testing.T) {
	if len(tenants.States) != 51 {
		t.Fatalf("got %d states, want the 50 and DC", len(tenants.States))
	}
	for _, s := range tenants.States {
		if _, err := time.LoadLocation(s.TimeZone); err != nil {
			t.Errorf("%s: time zone %q does not load: %v", s.Code, s.TimeZone, err)
		}
	}
	for state, want := range map[string]string{"IL": "America/Chicago", "NC": "America/New_York", "OH": "America/New_York",
		"AZ": "America/Phoenix", "HI": "Pacific/Honolulu", "ZZ": tenants.DefaultTimeZone, "": tenants.DefaultTimeZone} {
		if got := tenants.TimeZoneOf(state); got != want {
			t.Errorf("TimeZoneOf(%q) = %q, want %q", state, got, want)
		}
	}
}

func TestToken(t *testing.T) {
	s := &Service{secret: []byte(strings.Repeat("k", 32))}
	r := &Request{ID: "01TESTTENANT", Name: "Cook County Partnership", Kind: tenants.KindLocalPartnership, State: "IL",
		AdminName: "Ana Ruiz", AdminEmail: "ana.ruiz@example.org", Slug: "cook-county", ExpiresAt: time.Now().Add(time.Hour).UTC().Truncate(time.Second)}
	token, err := s.Sign(r)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(token, "+/=?#&") {
		t.Fatalf("token %q is not URL-safe", token)
	}
	t.Run("OK", func(t *testing.T) {
		got, err := s.Verify(token)
		if err != nil {
			t.Fatal(err)
		}
		if *got != *r {
			t.Fatalf("got %+v, want %+v", got, r)
		}
	})
	payload, sig, _ := strings.Cut(token, ".")
	forge := func(from, to string) string {
		b, _ := base64.RawURLEncoding.DecodeString(payload)
		return base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(b), from, to, 1))) + "." + sig
	}
	sign := func(change func(*Request)) string {
		c := *r
		change(&c)
		tok, err := s.Sign(&c)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	other := &Service{secret: []byte(strings.Repeat("x", 32))}
	otherToken, _ := other.Sign(r)
	cases := []struct{ name, token, want string }{
		{"ErrChangedSlug", forge("cook-county", "cook-countz"), "not valid"},
		{"ErrChangedEmail", forge("ana.ruiz@", "eve.ruiz@"), "not valid"},
		{"ErrChangedSignature", payload + "." + strings.Repeat("A", len(sig)), "not valid"},
		{"ErrNoSignature", payload, "not valid"},
		{"ErrCutShort", token[:len(token)-5], "not valid"},
		{"ErrEmpty", "", "not valid"},
		{"ErrOtherKey", otherToken, "not valid"},
		{"ErrNotJSON", base64.RawURLEncoding.EncodeToString([]byte("nope")) + "." + s.mac(base64.RawURLEncoding.EncodeToString([]byte("nope"))), "not valid"},
		{"ErrExpired", sign(func(c *Request) { c.ExpiresAt = time.Now().Add(-time.Minute) }), "expired"},
		{"ErrSignedButBadSlug", sign(func(c *Request) { c.Slug = "admin" }), "not valid"},
		{"ErrSignedWithoutID", sign(func(c *Request) { c.ID = "" }), "not valid"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Verify(tc.token)
			if apperr.Code(err) != apperr.ENOTFOUND || !strings.Contains(apperr.Message(err), tc.want) {
				t.Fatalf("got %v, want not found: %q", err, tc.want)
			}
			if !strings.Contains(apperr.Message(err), "ign up again") {
				t.Fatalf("got %q, want it to say to sign up again", apperr.Message(err))
			}
		})
	}
}
