// Package policies holds the casbin model and the role permissions, embedded in the binary.
package policies

import _ "embed"

// Model is the casbin model (RBAC with domains).
//
//go:embed model.conf
var Model string

// Roles is the role-permission table: "p, role, object, action" lines.
//
//go:embed roles.csv
var Roles string
