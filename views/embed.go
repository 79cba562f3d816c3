// Package views holds the html templates: layouts/, one folder per domain with its pages, and
// the htmx fragments (files starting with "_"), which the pages include.
package views

import "embed"

// FS holds every template.
//
//go:embed all:layouts all:errors all:accounts all:tenants all:audit all:platform all:signup all:programs all:imports all:exports all:consultants all:supervision all:credentials all:consultation all:amendments all:runs all:reports all:billing
var FS embed.FS
