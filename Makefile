# webadmit: Go client for the WebAdMIT API. `make help` lists the targets.
GO        ?= go
DOCS      ?= $(abspath ../shared/webadmit-docs)
PKGS      := ./...
STATICCHECK := $(GO) run honnef.co/go/tools/cmd/staticcheck

export WEBADMIT_DOCS ?= $(DOCS)

.PHONY: help demo build generate check-generated lint test test-short bench bench-go fuzz

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

demo: ## run an export end to end against the built-in sandbox; writes Nightly-Banner-Export.csv here
	$(GO) run ./cmd/webadmit --sandbox run --identity 42 --export 29897 --force

build: ## build the webadmit CLI into ./bin
	$(GO) build -o bin/webadmit ./cmd/webadmit

generate: ## regenerate generated/ from spec/webadmit.yaml (pinned oapi-codegen)
	$(GO) generate ./gen

check-generated: generate ## fail if generated/ is not what the spec produces
	@git diff --exit-code -- generated/ || { echo "generated/ is stale: run 'make generate' and commit the result" >&2; exit 1; }
	@test -z "$$(git status --porcelain -- generated/)" || { echo "untracked files in generated/: commit them" >&2; git status --porcelain -- generated/; exit 1; }

lint: ## gofmt, go vet and staticcheck (pinned in go.mod)
	@fmt_out=$$(gofmt -l $$(git ls-files '*.go')); test -z "$$fmt_out" || { echo "gofmt would change:"; echo "$$fmt_out"; exit 1; }
	$(GO) vet $(PKGS)
	$(STATICCHECK) $$($(GO) list $(PKGS) | grep -v '/generated$$')  # generated code is vetted, not styled

test: check-generated ## check-generated, all tests with the race detector, then the fault matrix (prints its counts)
	$(GO) test -race -count=1 -skip '^TestFaultMatrix$$' $(PKGS)
	$(GO) test -race -count=1 -run '^TestFaultMatrix$$' -v ./wrapper  # seed: WEBADMIT_FAULT_SEED=N

test-short: ## tests without the race detector or the generated-code check
	$(GO) test -count=1 $(PKGS)

bench: ## measure downloads against curl, CLI memory, polling, generation: the table of BENCHMARKS.md (a few minutes)
	@command -v curl >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl; }
	$(GO) run ./internal/benchdriver $(BENCHFLAGS)

bench-go: ## every Go benchmark once (go test -bench), without the driver
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

FUZZTIME ?= 5s
fuzz: ## run every fuzz target for FUZZTIME each (default 5s)
	@set -e; for pkg in $$($(GO) list $(PKGS)); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$target ($(FUZZTIME))"; \
	    $(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done
