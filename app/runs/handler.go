package runs

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/web"
)

// Handler serves the one progress page and the one download of every kind of run.
type Handler struct {
	svc *Service
}

// NewHandler returns the runs handlers.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// PageData is a run's page.
type PageData struct {
	Run   *Run
	Label string // the kind's ("Budget amendment document")
	Base  string // the page's address; the download is Base + "/download"
	// BackLabel and BackHref link back to what the run is about, when its kind says.
	BackLabel, BackHref string
}

// Show is a run's page: its status and progress while it is built (the fragment polls itself
// every 2 seconds with htmx, and stops once the run is finished), then the download with the
// file's name, size and expiry, or the problem when it failed. A run stalled longer than
// StallAfter has its task queued again.
func (h *Handler) Show(c *fiber.Ctx) error {
	ctx := c.UserContext()
	r, err := h.svc.Run(ctx, c.Params("runID"))
	if err != nil {
		return err
	}
	h.svc.requeueStalled(ctx, r)
	slug := web.ScopeOf(c).TenantSlug
	d := PageData{Run: r, Label: h.svc.Label(r.Kind), Base: "/t/" + slug + "/runs/" + r.ID}
	if k, ok := h.svc.Kind(r.Kind); ok && k.Back != nil {
		if label, p := k.Back(r); label != "" {
			d.BackLabel, d.BackHref = label, "/t/"+slug+"/"+strings.TrimPrefix(p, "/")
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return web.Render(c, fiber.StatusOK, "runs/show", "runs/_run", web.View{Title: d.Label, D: d})
}

// Download streams a run's file as an attachment with its content type; the download is
// audited. A run the person may not see is not found; an expired one is a page saying so.
func (h *Handler) Download(c *fiber.Ctx) error {
	r, rc, err := h.svc.Download(c.UserContext(), c.Params("runID"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, r.ContentType)
	c.Set(fiber.HeaderContentDisposition, ContentDisposition(r.FileName))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendStream(rc, int(r.SizeBytes)) // the stream is closed once sent
}

// ContentDisposition is the attachment header for a file name: an ASCII name for old clients
// and the UTF-8 name (RFC 6266) for the others.
func ContentDisposition(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	return `attachment; filename="` + ascii + `"; filename*=UTF-8''` + extValue(name)
}

// extValue percent-encodes s as an RFC 5987 value: every byte but attr-char.
func extValue(s string) string {
	const attr = "!#$&+-.^_`|~"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(attr, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
