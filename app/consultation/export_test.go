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

// EngagementListSQL is the SQL of the first page of engagements, of the page's summary (the
// filter's programs and the counts by program and stage) and of the filter's consultants for
// the person in ctx, unfiltered (tests explain their plans).
func (s *Engagements) EngagementListSQL(ctx context.Context) (page, summary, consultants string, err error) {
	v, err := s.listView(ctx)
	if err != nil {
		return "", "", "", err
	}
	today, err := s.listToday(ctx)
	if err != nil {
		return "", "", "", err
	}
	var list []listedEngagement
	q, err := s.pageQuery(ctx, v, CaseloadFilter{Page: 1}, today, &list)
	if err != nil {
		return "", "", "", err
	}
	sq, _, err := s.summaryQuery(ctx, v, CaseloadFilter{}, today, true, true)
	if err != nil {
		return "", "", "", err
	}
	cq, err := s.consultantsQuery(ctx, v)
	if err != nil {
		return "", "", "", err
	}
	return q.String(), sq.String(), cq.String(), nil
}
