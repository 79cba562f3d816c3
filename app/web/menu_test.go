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
	if len(got) != 5 {
		t.Fatalf("got %d entries, want 5: %+v", len(got), got)
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
		t.Fatalf("the fourth entry is %+v", got[3])
	}
	// A secondary link alone comes last, as a plain link.
	if got[4].Label != "Audit log" || got[4].Href != "/audit" || got[4].Items != nil {
		t.Fatalf("the last entry is %+v, want the audit log", got[4])
	}
}

func TestMenuSecondaryLinksInMore(t *testing.T) {
	got := Menu([]NavItem{{Label: "Home", Href: "/"}, {Label: "Exports", Href: "/exports", Secondary: true},
		{Label: "Audit log", Href: "/audit", Secondary: true, Current: true}, {Label: "Settings", Href: "/settings"}})
	if len(got) != 3 || got[2].Label != "More" || len(got[2].Items) != 2 || !got[2].Current || got[2].ID == "" {
		t.Fatalf("got %+v, want Home, Settings and a current More drop-down with Exports and the audit log", got)
	}
	if got[2].Items[0].Label != "Exports" || got[2].Items[1].Label != "Audit log" {
		t.Fatalf("More holds %+v", got[2].Items)
	}
}
