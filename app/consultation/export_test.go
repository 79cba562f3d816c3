package consultation

import "context"

// ListSQL is the SQL of a page of the sessions list for the person in ctx (tests explain its
// plan).
func (s *Sessions) ListSQL(ctx context.Context, f SessionFilter) (string, error) {
	f.Limit = SessionPageSize
	var list []Session
	q, err := s.pageQuery(ctx, &list, f)
	if err != nil {
		return "", err
	}
	return q.String(), nil
}
