# Holdspace. `make test` is the README's test command; `make test-postgres` runs the same
# tests against a PostgreSQL and a Redis on this machine.
.PHONY: assets run test test-postgres bench bench-sessions vet vuln build docker

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
