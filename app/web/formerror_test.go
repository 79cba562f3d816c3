package web

import (
	"reflect"
	"testing"
)

func TestFormSummary(t *testing.T) {
	if s := (&Form{Errors: map[string]string{}}).Summary(); s != nil {
		t.Fatalf("a form without errors has a summary: %+v", s)
	}
	f := &Form{Errors: map[string]string{"_form": "Please correct the fields marked below.",
		"time_zone": "Choose a time zone.", "name": "Enter your agency’s name.", "kind": "Choose one."}}
	s := f.Summary("name=settings-name", "Nothing was saved.")
	if s.Message != "Please correct the fields marked below. Nothing was saved." {
		t.Errorf("message %q", s.Message)
	}
	want := []ErrorItem{
		{Field: "name", ID: "settings-name", Message: "Enter your agency’s name."}, // named: first, to its element
		{Field: "kind", ID: "kind-error", Message: "Choose one."},                  // the rest by name, to their message
		{Field: "time_zone", ID: "time_zone-error", Message: "Choose a time zone."},
	}
	if !reflect.DeepEqual(s.Items, want) {
		t.Errorf("items %+v, want %+v", s.Items, want)
	}
	// Field errors without a whole-form message still get one.
	if s := (&Form{Errors: map[string]string{"name": "x"}}).Summary(); s.Message != "Please correct the fields marked below." {
		t.Errorf("message %q", s.Message)
	}
}

func TestClip(t *testing.T) {
	if c := Clip(20, "  Short need.  "); c.Cut || c.Text != "Short need." {
		t.Errorf("short text: %+v", c)
	}
	c := Clip(20, "Our home visitors want support around postpartum depression")
	if !c.Cut || c.Text != "Our home visitors…" {
		t.Errorf("long text: %+v", c)
	}
	if c := Clip(5, "ééééééééé"); c.Text != "ééééé…" {
		t.Errorf("runes: %+v", c)
	}
}
