package tenants

import "context"

// Notice is something another domain asks the person to act on, shown on their home page
// ("New: Prairie Families Home Visiting asks you to start an engagement", with its button).
type Notice struct {
	Text   string // what is new, in a sentence
	Detail string // more, in a second sentence (optional)
	Href   string // where the button leads
	Action string // the button's words
}

// NoticeSource lists the notices for the person in ctx (none for roles it does not concern).
// The domain that owns the work writes it, so this package need not know that domain.
type NoticeSource func(ctx context.Context) ([]Notice, error)

// AddNotices adds a source of notices to the home page.
func (h *Handler) AddNotices(src NoticeSource) { h.notices = append(h.notices, src) }

// homeNotices collects the notices of every source.
func (h *Handler) homeNotices(ctx context.Context) ([]Notice, error) {
	var out []Notice
	for _, src := range h.notices {
		list, err := src(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	return out, nil
}
