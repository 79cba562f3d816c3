package web

import "testing"

func TestMenuGroupsLinks(t *testing.T) {
	nav := []NavItem{
		{Label: "Home", Href: "/"},
		{Label: "Funders", Href: "/funders", Group: "Organisations"},
		{Label: "Audit log", Href: "/audit", Secondary: true, Group: "Organisations"},
		{Label: "Programs", Href: "/programs", Group: "Organisations", Current: true},
		{Label: "Profile", Href: "/profile", Group: "You"},
		{Label: "Settings", Href: "/settings"},
	}
	got := Menu(nav)
	if len(got) != 4 {
		t.Fatalf("got %d entries, want 4: %+v", len(got), got)
	}
	org := got[1]
	if org.Label != "Organisations" || len(org.Items) != 2 || !org.Current || org.ID == "" {
		t.Fatalf("the group is %+v, want Organisations with Funders and Programs, current", org)
	}
	if org.Items[0].Label != "Funders" || org.Items[1].Label != "Programs" {
		t.Fatalf("the group's links are %+v", org.Items)
	}
	// A group with one link the person can reach shows as that link.
	if got[2].Label != "Profile" || got[2].Href != "/profile" || got[2].Items != nil {
		t.Fatalf("a group of one is %+v, want the plain link", got[2])
	}
	if got[3].Label != "Settings" {
		t.Fatalf("the last entry is %+v", got[3])
	}
}
