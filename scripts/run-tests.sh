#!/usr/bin/env bash
# Runs the whole test suite (or `swift test` ARGS, e.g. --filter) one test at a time (tests count process-wide fds, threads and children).
#
# CI shows only the tail of a run, so a failure is summarised at the very end: each failed test's
# name and the issues it recorded. A failed test is then run once more on its own. If it passes
# there, the run still succeeds but names it as FLAKY (with its first failure) so it is looked at;
# a test that fails twice fails the run. A crash of the test process is never retried.
set -uo pipefail
cd "$(dirname "$0")/.."
SWIFT="${SWIFT:-swift}"
results=.build/test-results
rm -rf "$results" && mkdir -p "$results"

"$SWIFT" test --skip-build --no-parallel --xunit-output "$results/xunit.xml" "$@" 2>&1 | tee "$results/output.txt"
status=${PIPESTATUS[0]}
[ "$status" -eq 0 ] && exit 0

# `Module.Suite/test()` for every test case that recorded a failure.
failed=$(python3 - "$results" <<'EOF'
import glob, sys, xml.etree.ElementTree as ET
names = []
for path in sorted(glob.glob(sys.argv[1] + "/xunit*.xml")):
    for case in ET.parse(path).iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            # xunit's classname is `Module.Outer.Inner`; a test's ID (what --filter matches) is
            # `Module.Outer/Inner/test()` followed by its source location.
            module, _, suites = case.get("classname", "").partition(".")
            name = module + "." + suites.replace(".", "/") + "/" + case.get("name", "")
            if name not in names: names.append(name)
print("\n".join(names))
EOF
)

echo
echo "================ test failures ================"
# Each issue line, the detail lines under it (`↳ …`, expectation values), and crash reports.
awk '/recorded an issue|Fatal error|unexpected signal code/ { print; detail = 6; next }
     detail > 0 && $0 !~ /^(◇|✔|✘)/ { print; detail--; next } { detail = 0 }' \
    "$results/output.txt" | head -60
if [ -z "$failed" ]; then
    echo "The test process failed (exit $status) without a test case to retry; see the lines above."
    exit "$status"
fi
echo "Failed test cases:"; echo "$failed" | sed 's/^/  /'

still_failing=()
flaky=()
while IFS= read -r name; do
    pattern="^$(printf '%s' "$name" | sed 's/[][\.()*+?^$|{}]/\\&/g')(/|$)"
    echo "---- running $name again on its own"
    if "$SWIFT" test --skip-build --no-parallel --filter "$pattern" > "$results/retry.txt" 2>&1 \
        && grep -q "Test run with [1-9]" "$results/retry.txt"; then
        echo "FLAKY: $name failed in the full run and passed on its own"
        flaky+=("$name")
    else
        tail -20 "$results/retry.txt"
        still_failing+=("$name")
    fi
done <<< "$failed"

echo "==============================================="
if [ "${#still_failing[@]}" -gt 0 ]; then
    printf 'FAILED (twice): %s\n' "${still_failing[@]}"
    exit 1
fi
printf 'FLAKY (failed in the full run, passed on its own): %s\n' "${flaky[@]}"
echo "Every failed test passed on its own: the run counts as passed. The failures are listed above."
