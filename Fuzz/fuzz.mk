# libFuzzer targets (Fuzz/, docs/FUZZING.md), included by the Makefile.
#   make fuzz          every target for FUZZ_SECONDS (default 60) each, growing Fuzz/Corpus
#   make fuzz-smoke    every target over its seeds, its regressions and FUZZ_SMOKE_RUNS new inputs (yaml: FUZZ_SMOKE_RUNS_YAML)
#   make fuzz-<name>   one target, e.g. make fuzz-json FUZZ_SECONDS=600
#   make fuzz-merge    add to Fuzz/Corpus the scratch inputs that reach new coverage
FUZZ_TARGETS := json frames template condition yaml ffi-signature
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_RUNS ?= 2000
# The loader writes and reads files and runs Yams under the sanitizer: ~50 inputs a second, not thousands.
FUZZ_SMOKE_RUNS_YAML ?= 500
FUZZ_BUILD ?= .build-fuzz
# Fuzzing flags for every target: crash on anything above 1 GB or 10 s per input.
FUZZ_FLAGS ?= -rss_limit_mb=1024 -timeout=10 -max_len=4096 -print_final_stats=1

# libFuzzer without its main (SwiftPM defines one for each executable), from the toolchain $(SWIFT) runs.
FUZZ_SWIFTC = $(shell readlink -f "$$(command -v $(firstword $(SWIFT)))")
FUZZ_RUNTIME = $(firstword $(wildcard $(dir $(FUZZ_SWIFTC))../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-$(shell uname -m).a))
FUZZ_SWIFT_BUILD = $(SWIFT) build -c release --package-path Fuzz --scratch-path $(FUZZ_BUILD) \
	-Xswiftc -sanitize=address \
	-Xswiftc -sanitize-coverage=edge,indirect-calls,trace-cmp,inline-8bit-counters,pc-table \
	-Xlinker $(FUZZ_RUNTIME) -Xlinker -lstdc++
FUZZ_BIN = $(FUZZ_BUILD)/release
# Keywords and field names that mutations splice in, for the targets that have them.
fuzz_dictionary = $(if $(wildcard Fuzz/Dictionaries/$(1).dict),-dict=Fuzz/Dictionaries/$(1).dict)
# Leaks in the toolchain's own libraries, not in Switchyard (see the file).
export LSAN_OPTIONS = suppressions=$(CURDIR)/Fuzz/lsan-suppressions.txt

.PHONY: fuzz fuzz-build fuzz-smoke fuzz-merge $(addprefix fuzz-,$(FUZZ_TARGETS))

fuzz-build:
	@test -n "$(FUZZ_RUNTIME)" || { echo "fuzz: libclang_rt.fuzzer_no_main not found beside $(FUZZ_SWIFTC)" >&2; exit 1; }
	$(FUZZ_SWIFT_BUILD)

# New inputs go to a scratch corpus (.build-fuzz/corpus); `make fuzz-merge` keeps the ones that add coverage.
$(addprefix fuzz-,$(FUZZ_TARGETS)): fuzz-%: fuzz-build
	@mkdir -p $(FUZZ_BUILD)/corpus/$* $(FUZZ_BUILD)/crashes/$* Fuzz/Regressions/$*
	$(FUZZ_BIN)/fuzz-$* $(FUZZ_FLAGS) $(call fuzz_dictionary,$*) -max_total_time=$(FUZZ_SECONDS) \
		-artifact_prefix=$(FUZZ_BUILD)/crashes/$*/ $(FUZZ_BUILD)/corpus/$* Fuzz/Corpus/$* Fuzz/Regressions/$*

fuzz: $(addprefix fuzz-,$(FUZZ_TARGETS))

# Adds to Fuzz/Corpus the scratch inputs that reach coverage the seeds do not (review before committing).
fuzz-merge: fuzz-build
	@for target in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_BUILD)/corpus/$$target; \
		$(FUZZ_BIN)/fuzz-$$target -merge=1 Fuzz/Corpus/$$target $(FUZZ_BUILD)/corpus/$$target 2>&1 | grep -E "MERGE-OUTER: [0-9]+ new files" || exit 1; \
	done

# What `make test` runs: every seed and kept crasher once, then a fixed number of new inputs.
fuzz-smoke: fuzz-build
	@set -e; for target in $(FUZZ_TARGETS); do \
		rm -rf $(FUZZ_BUILD)/smoke/$$target; mkdir -p $(FUZZ_BUILD)/smoke/$$target/new Fuzz/Regressions/$$target; \
		log=$(FUZZ_BUILD)/smoke/$$target/log.txt; \
		dictionary=Fuzz/Dictionaries/$$target.dict; [ -f $$dictionary ] || dictionary=; \
		runs=$(FUZZ_SMOKE_RUNS); [ $$target != yaml ] || runs=$(FUZZ_SMOKE_RUNS_YAML); \
		$(FUZZ_BIN)/fuzz-$$target $(FUZZ_FLAGS) $${dictionary:+-dict=$$dictionary} -runs=$$runs -seed=1 \
			-artifact_prefix=$(FUZZ_BUILD)/smoke/$$target/ $(FUZZ_BUILD)/smoke/$$target/new \
			Fuzz/Corpus/$$target Fuzz/Regressions/$$target > $$log 2>&1 \
			|| { tail -n 40 $$log >&2; echo "fuzz-smoke: fuzz-$$target failed (input in $(FUZZ_BUILD)/smoke/$$target/)" >&2; exit 1; }; \
		echo "fuzz-smoke: fuzz-$$target $$(grep -E '^#[0-9]+[[:space:]]+DONE' $$log | tr -s ' \t' ' ')"; \
	done
