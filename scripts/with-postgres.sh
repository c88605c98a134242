#!/usr/bin/env bash
# Runs COMMAND with a throwaway PostgreSQL (its directory under /tmp, which the postgres user can reach) (scripts/postgres-test-server.sh): exports
# SWITCHYARD_TEST_POSTGRES_URL for it, and stops the server afterwards however COMMAND ends.
# Where this user cannot run a server (not root), COMMAND runs without it and the Postgres tests
# skip themselves. Exits with COMMAND's status.
#
#   scripts/with-postgres.sh swift test --skip-build --no-parallel
set -uo pipefail

[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }
server="$(dirname "$0")/postgres-test-server.sh"
SWITCHYARD_PG_DIR=$(mktemp -d /tmp/switchyard-pg.XXXXXX)
export SWITCHYARD_PG_DIR
trap '"$server" stop' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if url=$("$server" start); then
    export SWITCHYARD_TEST_POSTGRES_URL="$url"
    echo "with-postgres: PostgreSQL for the tests at ${url%%:*}://…@${url#*@}" >&2
else
    status=$?
    [ "$status" -eq 3 ] || { echo "with-postgres: the test PostgreSQL did not start (exit $status)" >&2; exit "$status"; }
    echo "with-postgres: Postgres tests are skipped (no server could be started here)" >&2
    rm -rf "$SWITCHYARD_PG_DIR"
fi
"$@"
