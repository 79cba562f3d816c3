package consultation_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/consultation/volumebench"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/sealed"
)

// The speed benchmark (issue 5): with a consultant holding 5,000 sessions and a tenant holding
// 1,000,000, the consultant's session list and the record-a-session save each answer in under
// 20 ms. Run it on PostgreSQL:
//
//	HOLDSPACE_BENCH_DATABASE_URL='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' \
//	  go test ./app/consultation/ -run '^$' -bench 'SessionList|RecordSession' -benchtime 200x
//
// The data lives in its own schema (holdspace_bench) and is kept between runs: the first run
// seeds it (SeedVolume, a few minutes), later ones find it. HOLDSPACE_BENCH_SESSIONS changes the
// tenant's size. Without a PostgreSQL address it is skipped, unless HOLDSPACE_BENCH_SESSIONS is
// set: then it runs on a SQLite file in the temp folder.
// Plain "go test" never runs benchmarks.

func benchSetup(b *testing.B) (*bun.DB, *consultation.Volume) {
	b.Helper()
	d := volumebench.Open(b)
	return d.DB, d.V
}

func benchContext(v *consultation.Volume) context.Context {
	return audit.WithActor(database.WithScope(context.Background(), v.Scope()), audit.Actor{ID: v.ConsultantUserID, Email: "bench@volume.example"})
}

// BenchmarkSessionList is the consultant's sessions page: the first page, then a page deep in
// the keyset (the cursor of a session from a year ago).
func BenchmarkSessionList(b *testing.B) {
	db, v := benchSetup(b)
	keys, _ := sealed.New(sealed.NewKey())
	svc := consultation.NewSessions(db, audit.New(db), keys)
	ctx := benchContext(v)
	b.Run("first page", func(b *testing.B) {
		for b.Loop() {
			p, err := svc.List(ctx, consultation.SessionFilter{})
			if err != nil || len(p.Sessions) != consultation.SessionPageSize {
				b.Fatalf("%v %v", p, err)
			}
		}
	})
	p, err := svc.List(ctx, consultation.SessionFilter{Limit: 200})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("a later page", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.List(ctx, consultation.SessionFilter{After: p.Next}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRecordSession is the record-a-session save: the session, a follow-up, the audit
// event and the engagement's counters, in one transaction.
func BenchmarkRecordSession(b *testing.B) {
	db, v := benchSetup(b)
	keys, _ := sealed.New(sealed.NewKey())
	svc := consultation.NewSessions(db, audit.New(db), keys)
	ctx := benchContext(v)
	today := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	in := consultation.SessionInput{HeldOn: today, Minutes: "60", Mode: "in_person", Service: "reflective_group",
		Participants: map[string]string{"educators": "3"}, Topics: []string{"Attachment"},
		Notes: "Benchmark notes, sealed like any other.", Summary: "Benchmark summary.",
		FollowUps: []consultation.FollowUpInput{{Description: "Benchmark follow-up", DueOn: today}}}
	for b.Loop() {
		if _, err := svc.Record(ctx, v.EngagementID, in); err != nil {
			b.Fatal(err)
		}
	}
}
