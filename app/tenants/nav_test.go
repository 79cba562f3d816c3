package tenants_test

import (
	"testing"

	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/app/web"
)

// TestNavMenuIsWrittenInGo: the tenant menu's every link is an address web.MenuHTML writes
// itself (the template it falls back to for odd addresses costs every page a few hundred
// reflected calls), whatever links a role sees and whichever is current.
func TestNavMenuIsWrittenInGo(t *testing.T) {
	nav := tenants.Nav("nc-piedmont-2")
	for i := range nav {
		nav[i].Current = i%3 == 0
	}
	if m := web.Menu(nav); !web.MenuPlain(m) {
		t.Fatalf("the menu goes to the template: %+v", m)
	}
	for skip := range nav {
		part := append(append([]web.NavItem{}, nav[:skip]...), nav[skip+1:]...)
		if m := web.Menu(part); !web.MenuPlain(m) {
			t.Fatalf("without %q the menu goes to the template", nav[skip].Label)
		}
	}
}
