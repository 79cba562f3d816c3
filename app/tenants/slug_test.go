package tenants_test

import (
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/tenants"
)

func TestCheckSlug(t *testing.T) {
	for slug, want := range map[string]string{
		"illinois":              "",
		"nc-piedmont":           "",
		"abc":                   "",
		"a1-b2-c3":              "",
		strings.Repeat("a", 40): "",
		"":                      "Web address: choose one",
		"ab":                    "use 3 to 40 characters",
		strings.Repeat("a", 41): "use 3 to 40 characters",
		"Illinois":              "only lower-case letters, digits and hyphens",
		"nc_piedmont":           "only lower-case letters, digits and hyphens",
		"nc piedmont":           "only lower-case letters, digits and hyphens",
		"ohió":                  "only lower-case letters, digits and hyphens",
		"nc--piedmont":          "single hyphens",
		"1illinois":             "start with a letter",
		"-illinois":             "start with a letter",
		"illinois-":             "do not end with a hyphen",
		"admin":                 "“admin” is reserved",
		"signup":                "“signup” is reserved",
		"healthz":               "“healthz” is reserved",
		"www":                   "“www” is reserved",
		"demo":                  "“demo” is reserved",
	} {
		got := tenants.CheckSlug(slug)
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("CheckSlug(%q) = %q, want %q", slug, got, want)
		}
	}
	for _, w := range strings.Fields("admin api app static signin signout signup password invitations t tenants healthz readyz " +
		"metrics holdspace support help www mail about login logout settings billing status demo test") {
		if !tenants.IsReservedSlug(w) {
			t.Errorf("%q is not reserved", w)
		}
	}
}
