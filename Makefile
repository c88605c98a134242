# The two commands: `make run` and `make test`. Both install what is missing first.
SWIFT ?= swift
EXAMPLE ?= examples/research-digest
WORKFLOW ?= digest
INPUT ?= {"topic": "plugin runtimes"}

.PHONY: setup build run test test-fast embedding-example api-conformance bench clean

setup:
	@./scripts/setup.sh

build: setup
	$(SWIFT) build
	$(MAKE) -s -C Plugins/textkit

run: build
	$(SWIFT) run --skip-build switchyard run $(WORKFLOW) --project $(EXAMPLE) --input '$(INPUT)'

# Tests count process-wide descriptors, threads and children before and after: run them one at a time.
# scripts/with-postgres.sh runs them beside a throwaway PostgreSQL (SWITCHYARD_TEST_POSTGRES_URL; skipped when not root).
# scripts/run-tests.sh ends with a summary of failures and runs a failed test once more on its own.
test: build
	$(SWIFT) build --build-tests
	SWIFT=$(SWIFT) ./scripts/with-postgres.sh ./scripts/run-tests.sh
	$(MAKE) embedding-example
	$(MAKE) api-conformance
	$(MAKE) fuzz-smoke

# schemathesis against a real `serve` (without and with an API key); zero failures or it fails.
api-conformance: build
	@./scripts/api-conformance.sh

# examples/embedding-host: a package of its own that depends on this one by path, built in its own
# folder, runs a workflow and a tool call with the adapters of this build; its output must match.
EMBEDDING_BUILD ?= .build-embedding
embedding-example: build
	$(SWIFT) build --package-path examples/embedding-host --scratch-path $(EMBEDDING_BUILD)
	@rm -f $(EMBEDDING_BUILD)/state.sqlite*
	"$$($(SWIFT) build --package-path examples/embedding-host --scratch-path $(EMBEDDING_BUILD) --show-bin-path)/embedding-host" \
		--adapters "$$($(SWIFT) build --show-bin-path)" --store $(EMBEDDING_BUILD)/state.sqlite \
		> $(EMBEDDING_BUILD)/output.txt
	@cat $(EMBEDDING_BUILD)/output.txt
	@diff -u examples/embedding-host/expected-output.txt $(EMBEDDING_BUILD)/output.txt \
		|| { echo "embedding-example: output differs from examples/embedding-host/expected-output.txt" >&2; exit 1; }

# The inner loop: every test but those tagged `.slow` (real servers, runtimes, process kills).
test-fast: build
	$(SWIFT) build --build-tests
	SWITCHYARD_SKIP_SLOW=1 $(SWIFT) test --skip-build --no-parallel

# libFuzzer targets for the parsers (docs/FUZZING.md): `make fuzz`, `make fuzz-smoke`.
include Fuzz/fuzz.mk

# Every figure is the median of 3 alternated runs; the spread goes to stderr and .build/bench-spread.json.
bench: setup
	@./scripts/setup-bench.sh
	$(SWIFT) build -c release
	$(SWIFT) run -c release --skip-build switchyard-bench ffi bun engine api peers --runs 3 --spread .build/bench-spread.json --json

clean:
	$(SWIFT) package clean
	rm -rf .build-embedding $(FUZZ_BUILD)
	$(MAKE) -s -C Plugins/textkit clean

# `make install PREFIX=DIR`: the binary, the adapters beside it, the header and switchyard.pc (install.mk).
include install.mk
