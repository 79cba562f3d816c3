# Holdspace. `make test` is the README's test command; `make test-postgres` runs the same
# tests against a PostgreSQL and a Redis on this machine.
.PHONY: assets run test test-postgres bench bench-sessions bench-reports bench-billing vet vuln build docker soak soak-embedded

HOLDSPACE_TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
HOLDSPACE_TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

# Re-vendor htmx and USWDS into static/vendor/ (needs npm; the output is committed).
assets:
	bash static/vendor.sh

# The embedded default: SQLite in ./data, an in-process Redis, demo data.
run:
	go run ./cmd/holdspace

test:
	go test ./...

test-postgres:
	HOLDSPACE_TEST_DATABASE_URL='$(HOLDSPACE_TEST_DATABASE_URL)' \
	HOLDSPACE_TEST_REDIS_URL='$(HOLDSPACE_TEST_REDIS_URL)' \
	go test ./...

bench:
	go test -run '^$$' -bench . -benchtime 2s ./...

# The consultation speed target: 1,000,000 sessions in a tenant, 5,000 for one consultant, on
# PostgreSQL (seeded once into the holdspace_bench schema by the first run, a few minutes).
bench-sessions:
	HOLDSPACE_BENCH_DATABASE_URL='$(HOLDSPACE_TEST_DATABASE_URL)' \
		go test ./app/consultation/ -run '^$$' -bench 'SessionList|RecordSession' -benchtime 200x

# The reports' speed targets (issue 12) on the same volume tenant: the NCPC report under 3 s,
# the year's sessions CSV against psql \copy of the same rows, the XLSX of 1,000,000 rows under
# 10 s with peak RSS under 256 MB, every dashboard under 50 ms.
bench-reports:
	HOLDSPACE_BENCH_DATABASE_URL='$(HOLDSPACE_TEST_DATABASE_URL)' \
		go test ./app/reports/ -run '^$$' -bench 'NCPCReport|SessionsExport|FunderReport|Dashboards' -benchtime 3x

# The Stripe webhook's speed targets (issue 13) on PostgreSQL and Redis: POST /webhooks/stripe
# under 5 ms p99 while the event worker is busy (BenchmarkWebhook/WorkerBusy: p50-ms, p99-ms),
# and 1,000 events stored, queued and handled by the asynq worker in under 10 s
# (BenchmarkEvents: s/1000-events).
bench-billing:
	HOLDSPACE_TEST_DATABASE_URL='$(HOLDSPACE_TEST_DATABASE_URL)' \
	HOLDSPACE_TEST_REDIS_URL='$(HOLDSPACE_TEST_REDIS_URL)' \
		go test ./app/billing/ -run '^$$' -bench 'Webhook' -benchtime 1000x
	HOLDSPACE_TEST_DATABASE_URL='$(HOLDSPACE_TEST_DATABASE_URL)' \
	HOLDSPACE_TEST_REDIS_URL='$(HOLDSPACE_TEST_REDIS_URL)' \
		go test ./app/billing/ -run '^$$' -bench 'Events' -benchtime 3x

vet:
	go vet ./...

# govulncheck (pinned, from the Go module proxy) against the offline database: HOLDSPACE_VULNDB,
# default /work/shared/vulndb. Fails (exit 3) when Holdspace calls vulnerable code. See .ci/vuln.
vuln:
	bash .ci/vuln

build:
	go build -o bin/holdspace ./cmd/holdspace

# The production shape: PostgreSQL, Redis, Mailpit, web, worker and asynqmon.
docker:
	docker compose up --build

# The soak: the worker as its own process (holdspace worker), killed with SIGKILL at random and
# restarted, while mail, imports, exports and every other kind of task run; prints what was
# lost and what happened twice per kind (see cmd/holdspace/soak_test.go). On PostgreSQL and
# Redis; soak-embedded runs it on a SQLite file and an in-process Redis.
SOAK_SECONDS ?= 60
SOAK_DRAIN_SECONDS ?= 300

soak:
	SOAK_SECONDS=$(SOAK_SECONDS) SOAK_DRAIN_SECONDS=$(SOAK_DRAIN_SECONDS) \
	HOLDSPACE_TEST_DATABASE_URL='$(HOLDSPACE_TEST_DATABASE_URL)' \
	HOLDSPACE_TEST_REDIS_URL='$(HOLDSPACE_TEST_REDIS_URL)' \
	go test -tags soak -run '^TestSoak$$' -count=1 -v -timeout 30m ./cmd/holdspace

soak-embedded:
	SOAK_SECONDS=$(SOAK_SECONDS) SOAK_DRAIN_SECONDS=$(SOAK_DRAIN_SECONDS) \
	go test -tags soak -run '^TestSoak$$' -count=1 -v -timeout 30m ./cmd/holdspace

# The load harness (issue 14; README, "Speed and the load harness"): every page a role can
# open, signed in as that role, against the real binary on PostgreSQL and Redis; single
# requests, then LOAD_RATES req/s for LOAD_DURATION each; one table. A schema without its
# tenants is seeded first (holdspace benchdata: a long while the first time, then kept).
# load-quick is the CI mode: small data, no load, fails on an N+1 or a 5xx.
.PHONY: load load-quick
LOAD_SCHEMA ?= holdspace_bench
LOAD_COMPARE_SCHEMA ?= holdspace_load10
LOAD_RATES ?= 50,100,200
LOAD_DURATION ?= 2s
LOAD_FLAGS ?=

load:
	HOLDSPACE_TEST_DATABASE_URL='$(HOLDSPACE_TEST_DATABASE_URL)' \
	HOLDSPACE_TEST_REDIS_URL='$(HOLDSPACE_TEST_REDIS_URL)' \
		go run ./cmd/holdspace-load -schema $(LOAD_SCHEMA) -compare-schema $(LOAD_COMPARE_SCHEMA) \
		-rates $(LOAD_RATES) -duration $(LOAD_DURATION) $(LOAD_FLAGS)

load-quick:
	go test -count=1 -run '^TestQuickLoad$$' -v ./cmd/holdspace-load
