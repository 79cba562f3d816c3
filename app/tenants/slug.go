package tenants

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Slug rules: a tenant's slug is its address, /t/{slug}. The public sign-up and the platform
// console both check a new slug with CheckSlug; whether it is taken is the database's to say.
const (
	SlugMinLen = 3
	SlugMaxLen = 40
)

// ReservedSlugs are the words no tenant may take as its address: they name, or may one day
// name, Holdspace's own pages, or would mislead ("admin", "support").
var ReservedSlugs = strings.Fields(`admin api app static signin signout signup password invitations t tenants
	healthz readyz metrics holdspace support help www mail about login logout settings billing status demo test`)

// IsReservedSlug reports whether slug is one of the reserved words.
func IsReservedSlug(slug string) bool {
	for _, w := range ReservedSlugs {
		if w == slug {
			return true
		}
	}
	return false
}

// NormalizeSlug trims and lower-cases what was typed.
func NormalizeSlug(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CheckSlug returns what is wrong with slug (already normalised) as a new tenant's address,
// naming the field, or "": 3 to 40 characters, lower-case letters, digits and single hyphens,
// starting with a letter, not ending with a hyphen, and not a reserved word.
func CheckSlug(slug string) string {
	n := utf8.RuneCountInString(slug)
	switch {
	case slug == "":
		return "Web address: choose one, such as cook-county."
	case n < SlugMinLen || n > SlugMaxLen:
		return fmt.Sprintf("Web address: use %d to %d characters (this has %d).", SlugMinLen, SlugMaxLen, n)
	}
	for _, r := range slug {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return "Web address: use only lower-case letters, digits and hyphens (no spaces, dots or accents)."
		}
	}
	switch {
	case slug[0] < 'a' || slug[0] > 'z':
		return "Web address: start with a letter."
	case strings.HasSuffix(slug, "-"):
		return "Web address: do not end with a hyphen."
	case strings.Contains(slug, "--"):
		return "Web address: use single hyphens, not two in a row."
	case IsReservedSlug(slug):
		return fmt.Sprintf("Web address: “%s” is reserved for Holdspace itself. Choose another.", slug)
	}
	return ""
}
