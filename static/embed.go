// Package static holds the browser assets (vendored htmx and USWDS, and Holdspace's own CSS and JS), embedded in the binary.
package static

import "embed"

// FS is served under /static/.
//
//go:embed vendor css js
var FS embed.FS
