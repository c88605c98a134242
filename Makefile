# The two commands: `make run` and `make test`. Both install what is missing first.
SWIFT ?= swift
EXAMPLE ?= examples/research-digest
WORKFLOW ?= digest
INPUT ?= {"topic": "plugin runtimes"}

.PHONY: setup build run test bench check-warnings clean

setup:
	@./scripts/setup.sh

build: setup
	$(SWIFT) build
	$(MAKE) -s -C Plugins/textkit

run: build
	$(SWIFT) run --skip-build switchyard run $(WORKFLOW) --project $(EXAMPLE) --input '$(INPUT)'

# Tests count process-wide descriptors, threads and children before and after: run them one at a time.
test: build
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --no-parallel

bench: setup
	$(SWIFT) run -c release switchyard-bench ffi bun engine api --json

# CI: a fresh build of our own targets must print no warnings.
check-warnings: setup
	@mkdir -p .build
	@$(SWIFT) build --build-tests 2>&1 | tee .build/build.log | tail -1
	@if grep -E 'warning:' .build/build.log | grep -v '/\.build/' | grep -E '/(Sources|Plugins|Tests)/'; then \
		echo "check-warnings: warnings in our sources (above)" >&2; exit 1; fi

clean:
	$(SWIFT) package clean
	$(MAKE) -s -C Plugins/textkit clean
