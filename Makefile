# webadmit: Go client for the WebAdMIT API. `make help` lists the targets.
GO        ?= go
# DOCS: the docs to compare the spec with: the docs repository (pages/ and
# seed/), a folder of pages, one page, or an http(s) URL of the docs site.
DOCS      ?= $(abspath ../shared/webadmit-docs)
PKGS      := ./...
STATICCHECK := $(GO) run honnef.co/go/tools/cmd/staticcheck

# The race detector needs cgo: CGO_ENABLED=1 and a C compiler (go env CC,
# gcc or clang). Without them, make test runs the tests without it and says so.
RACE := $(shell [ "$$($(GO) env CGO_ENABLED)" = 1 ] && command -v "$$($(GO) env CC | cut -d' ' -f1)" >/dev/null 2>&1 && echo -race)
define no-race
	@if [ -z "$(RACE)" ]; then echo "cgo is off or no C compiler ($$($(GO) env CC)) was found: the tests run without the race detector (install gcc, or set CGO_ENABLED=1)"; fi
endef

# The Go tests read the docs repository from $$WEBADMIT_DOCS: DOCS when it is
# that folder, its parent when DOCS is its pages/ folder, else unset.
DOCS_ROOT := $(firstword $(foreach d,$(DOCS) $(DOCS)/..,$(if $(wildcard $(d)/pages/.),$(abspath $(d)))))
export WEBADMIT_DOCS ?= $(DOCS_ROOT)

.PHONY: help demo build generate check-generated check-docs lint lint-spec tools conformance test test-short test-s3 weed bench bench-go fuzz

# The spec's linters and Prism are npm packages pinned in tools/package.json
# and tools/package-lock.json, installed into tools/node_modules (gitignored;
# CI may cache it) and run with npx. Without Node, lint-spec and conformance
# skip and say so, except in CI (CI set), where they fail.
NPX := npx --prefix tools --no --
export REDOCLY_TELEMETRY := off
export REDOCLY_SUPPRESS_UPDATE_NOTICE := true
HAVE_NODE := $(shell command -v node >/dev/null 2>&1 && command -v npx >/dev/null 2>&1 && echo yes)
define no-node
	@if [ -n "$$CI" ]; then echo "$@: node and npx are required in CI (.ci/run installs them)" >&2; exit 1; fi
	@echo "node/npx not found: $@ skipped (install Node.js 18.20 or later and npm to run it)"
endef

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

demo: ## run an export end to end against the built-in sandbox; writes Nightly-Banner-Export.csv here
	$(GO) run ./cmd/webadmit --sandbox run --identity 42 --export 29897 -o Nightly-Banner-Export.csv --force

build: ## build the webadmit CLI into ./bin
	$(GO) build -o bin/webadmit ./cmd/webadmit

generate: ## regenerate generated/ from spec/webadmit.yaml (pinned oapi-codegen)
	$(GO) generate ./gen

check-generated: generate ## fail if generated/ is not what the spec produces
	@git diff --exit-code -- generated/ || { echo "generated/ is stale: run 'make generate' and commit the result" >&2; exit 1; }
	@test -z "$$(git status --porcelain -- generated/)" || { echo "untracked files in generated/: commit them" >&2; git status --porcelain -- generated/; exit 1; }

check-docs: ## compare the docs pages at DOCS (folder, page or URL) with the spec; fails on drift
	$(GO) run ./gen/docscheck -spec spec/webadmit.yaml $(DOCS)

lint: ## gofmt, go vet, staticcheck (pinned in go.mod), then lint-spec
	@fmt_out=$$(gofmt -l $$(git ls-files '*.go')); test -z "$$fmt_out" || { echo "gofmt would change:"; echo "$$fmt_out"; exit 1; }
	$(GO) vet $(PKGS)
	$(STATICCHECK) $$($(GO) list $(PKGS) | grep -v '/generated$$')  # generated code is vetted, not styled
	@$(MAKE) --no-print-directory lint-spec

lint-spec: ## the spec: PyYAML reads it; Redocly CLI (recommended) and Spectral (spectral:oas) report nothing
	@if command -v python3 >/dev/null 2>&1 && python3 -c 'import yaml' 2>/dev/null; then \
	  python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1])); print("PyYAML " + yaml.__version__ + " reads " + sys.argv[1])' spec/webadmit.yaml; \
	else echo "python3 with PyYAML (Debian: python3-yaml) not found: the PyYAML check skipped (TestSpecIsPortableYAML reads the spec as YAML 1.1 too)"; fi
ifeq ($(HAVE_NODE),yes)
	@$(MAKE) --no-print-directory tools
	$(NPX) redocly lint --config tools/redocly.yaml spec/webadmit.yaml
	$(NPX) spectral lint --ruleset tools/.spectral.yaml --fail-severity warn spec/webadmit.yaml
else
	$(no-node)
endif

tools: ## npm ci the pinned spec tools into tools/node_modules, unless it already holds tools/package-lock.json
	@want=$$(cat tools/package-lock.json | cksum); \
	if [ "$$(cat tools/node_modules/.installed-lock 2>/dev/null)" != "$$want" ]; then \
	  node -e 'const [a, b] = process.versions.node.split(".").map(Number); if (a < 18 || (a === 18 && b < 20)) { console.error("node " + process.version + " is older than 18.20, which the pinned Prism needs"); process.exit(1) }' || exit 1; \
	  echo "npm ci in tools/ (node $$(node --version), npm $$(npm --version))"; \
	  (cd tools && npm ci --ignore-scripts --no-audit --no-fund) && echo "$$want" > tools/node_modules/.installed-lock; \
	fi

conformance: ## the sandbox through Prism's validating proxy (every operation), and the docs' curl examples, against the spec
ifeq ($(HAVE_NODE),yes)
	@$(MAKE) --no-print-directory tools
	WEBADMIT_CONFORMANCE=1 $(GO) test -count=1 -run '^(TestPrismProxy|TestDocsCurlExamples)$$' -v ./internal/conformance
else
	$(no-node)
endif

test: check-generated ## check-generated, all tests with the race detector (when cgo works), the fault matrix (prints its counts), check-docs when the docs are present, conformance when Node is, test-s3 in CI or when weed is cached
	$(no-race)
	$(GO) test $(RACE) -count=1 -skip '^TestFaultMatrix$$' $(PKGS)
	$(GO) test $(RACE) -count=1 -run '^TestFaultMatrix$$' -v ./wrapper  # seed: WEBADMIT_FAULT_SEED=N
	@if [ -n "$(DOCS_ROOT)" ]; then $(MAKE) --no-print-directory check-docs DOCS=$(DOCS_ROOT); \
	else echo "no docs repository at $(DOCS): check-docs skipped"; fi
	@$(MAKE) --no-print-directory conformance
	@if [ -n "$$CI" ] || bash .ci/weed.sh --cached >/dev/null; then $(MAKE) --no-print-directory test-s3; \
	else echo "no cached SeaweedFS weed: test-s3 skipped ('make test-s3' builds it once, a few minutes, then make test runs it too)"; fi

# The tests against a real S3 implementation: SeaweedFS's S3 gateway, started
# by the tests on loopback from the weed binary that .ci/weed.sh builds once
# (version pinned in .ci/weed.version) into ~/.cache/webadmit.
S3_PKGS := ./internal/s3test ./webadmittest/s3store ./wrapper/s3dest
S3_CLI_TESTS := TestSandboxS3EndpointFlag|TestOutputToS3

weed: ## build the pinned SeaweedFS (.ci/weed.version) once into the cache and print its path (minutes the first time)
	@bash .ci/weed.sh

test-s3: ## the download tests against SeaweedFS's S3 gateway on loopback (builds the pinned weed first if not cached)
	@weed=$$(bash .ci/weed.sh) && echo "test-s3: $$weed" && \
	start=$$(date +%s) && WEBADMIT_WEED=$$weed $(GO) test $(RACE) -count=1 -v $(S3_PKGS) && \
	WEBADMIT_WEED=$$weed $(GO) test $(RACE) -count=1 -v -run '^($(S3_CLI_TESTS))$$' ./cmd/webadmit && \
	echo "test-s3: passed in $$(( $$(date +%s) - start )) s"

test-short: ## tests without the race detector or the generated-code check
	$(GO) test -count=1 $(PKGS)

bench: ## measure downloads against curl, CLI memory, polling, generation: the table of BENCHMARKS.md (a few minutes)
	@command -v curl >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl; }
	$(GO) run ./internal/benchdriver $(BENCHFLAGS)

bench-go: ## every Go benchmark once (go test -bench), without the driver
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

# A count (Nx), not a duration: Go 1.26's fuzz coordinator can report a
# spurious "context deadline exceeded" when a duration runs out while a
# worker is busy (go.dev/issue/75804, fixed in Go 1.27). FUZZTIME=60s works
# for longer local runs.
FUZZTIME ?= 20000x
fuzz: ## run every fuzz target for FUZZTIME each (default 20000x executions)
	@set -e; for pkg in $$($(GO) list $(PKGS)); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$target ($(FUZZTIME))"; \
	    $(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done
