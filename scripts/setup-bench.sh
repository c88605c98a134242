#!/usr/bin/env bash
# What `make bench` needs beyond scripts/setup.sh: wrk for the loaded `api` run, and the peers of
# the `peers` suite that live in PyPI. DBOS goes into a venv of its own under .build-tools/
# (bench only; `make test` never needs it). Installs nothing when it is present; a failed
# install is not fatal: the suite then skips what is missing with a note.
set -euo pipefail

# wrk (Debian): the load generator of the `api` suite's loaded run (skipped with a note without it).
if ! command -v wrk >/dev/null 2>&1; then
    echo "setup-bench: installing wrk" >&2
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null; } ||
        echo "setup-bench: wrk unavailable; the api suite's loaded run will be skipped" >&2
fi

PYTHON=${PYTHON:-python3}
DBOS_VERSION=3.4.0
venv=.build-tools/dbos-venv
if ! "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('dbos') != '$DBOS_VERSION')" 2>/dev/null; then
    echo "setup-bench: installing dbos $DBOS_VERSION into $venv" >&2
    { [ -x "$venv/bin/python" ] || "$PYTHON" -m venv "$venv"; } &&
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "dbos==$DBOS_VERSION" ||
        echo "setup-bench: dbos unavailable; the peers suite will skip it" >&2
fi
