#!/usr/bin/env bash
# `make api-conformance`: schemathesis against a real `switchyard serve` of
# scripts/api-conformance/project, once without and once with an API key; any failure fails.
# Bounded: SCHEMATHESIS_EXAMPLES cases per operation (default 30), about half a minute a run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
st="$root/.build-tools/venv/bin/st"
[ -x "$st" ] || { echo "api-conformance: $st is missing; run scripts/setup.sh" >&2; exit 1; }
binary="$(cd "$root" && ${SWIFT:-swift} build --show-bin-path)/switchyard"
examples=${SCHEMATHESIS_EXAMPLES:-30}
work=$(mktemp -d)
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# Starts `serve --port 0` on a copy of the project (its store stays out of the tree); sets
# $server and $port.
start_server() {
    rm -rf "$work/project" && cp -r "$here/api-conformance/project" "$work/project"
    "$binary" serve --project "$work/project" --port 0 "$@" 2> "$work/serve.log" &
    server=$!
    port=""
    for _ in $(seq 1 100); do
        port=$(grep -o '127\.0\.0\.1:[0-9]*' "$work/serve.log" | head -1 | cut -d: -f2 || true)
        [ -n "$port" ] && return 0
        kill -0 "$server" 2>/dev/null || break
        sleep 0.1
    done
    echo "api-conformance: serve did not start:" >&2; cat "$work/serve.log" >&2; exit 1
}

stop_server() {
    kill "$server" && wait "$server" || true
    server=""
}

run_schemathesis() {
    (cd "$here/api-conformance" && "$st" run "http://127.0.0.1:$port/api/v0/openapi.json" \
        --checks all --max-examples "$examples" --no-color --report-dir "$work/report" "$@")
}

echo "api-conformance: without an API key" >&2
start_server
run_schemathesis
stop_server

echo "api-conformance: with an API key (from a file)" >&2
key="conformance-$(date +%s%N)"
printf '%s\n' "$key" > "$work/key" && chmod 600 "$work/key"
start_server --api-key-file "$work/key"
run_schemathesis -H "Authorization: Bearer $key"
stop_server
