#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests: `start` makes a cluster in a temporary directory, runs it
# on 127.0.0.1 (a free port, its unix socket inside that directory) and prints its URL;
# `stop` stops it and deletes the directory. Debian's `postgresql` is installed when missing.
#
#   url=$(SWITCHYARD_PG_DIR=$(mktemp -d) scripts/postgres-test-server.sh start)
#   SWITCHYARD_PG_DIR=... scripts/postgres-test-server.sh stop
#
# SWITCHYARD_PG_DIR names the directory (created when unset; its path goes to stderr). Exit 3
# means this user cannot run a server here (not root: no apt-get, no runuser to the postgres
# user); callers skip the Postgres tests then.
set -euo pipefail

command=${1:-}
directory=${SWITCHYARD_PG_DIR:-}
database=switchyard_test
user=switchyard

cannot_run() {
    echo "postgres-test-server: $1; the Postgres tests are skipped" >&2
    exit 3
}

server_binaries() {
    # The newest major version Debian installed (pg_ctl and initdb are not on PATH there).
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    [ -n "$bin" ] && [ -x "$bin/initdb" ] && echo "$bin"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

as_postgres() { runuser -u postgres -- "$@"; }

start() {
    [ "$(id -u)" -eq 0 ] || cannot_run "not root (initdb runs as the postgres user through runuser)"
    command -v runuser >/dev/null || cannot_run "runuser is missing"
    local bin
    if ! bin=$(server_binaries); then
        echo "postgres-test-server: installing postgresql" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        bin=$(server_binaries) || { echo "postgres-test-server: postgresql installed but no initdb found" >&2; exit 1; }
    fi
    if [ -z "$directory" ]; then
        directory=$(mktemp -d /tmp/switchyard-pg.XXXXXX)
        echo "SWITCHYARD_PG_DIR=$directory" >&2
    fi
    mkdir -p "$directory"
    # The cluster's directory must belong to the server's user; so must every parent it walks.
    chown postgres:postgres "$directory"
    chmod 700 "$directory"
    local password
    password=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
    printf '%s\n' "$password" > "$directory/pwfile"
    chown postgres:postgres "$directory/pwfile"
    # Password (SCRAM) over TCP, as a real deployment would; trust on the private socket only.
    as_postgres "$bin/initdb" -D "$directory/data" -U "$user" --pwfile="$directory/pwfile" \
        --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C.UTF-8 >"$directory/initdb.log" 2>&1 \
        || { cat "$directory/initdb.log" >&2; exit 1; }
    rm -f "$directory/pwfile"
    local port attempt
    for attempt in 1 2 3; do
        port=$(free_port)
        if as_postgres "$bin/pg_ctl" -D "$directory/data" -l "$directory/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$directory" start >/dev/null; then
            break
        fi
        [ "$attempt" -lt 3 ] || { cat "$directory/server.log" >&2; exit 1; }
    done
    as_postgres "$bin/createdb" -h "$directory" -p "$port" -U "$user" "$database"
    local url="postgres://$user:$password@127.0.0.1:$port/$database"
    printf '%s\n' "$url" > "$directory/url"
    echo "$url"
}

stop() {
    [ -n "$directory" ] || { echo "postgres-test-server: stop needs SWITCHYARD_PG_DIR" >&2; exit 2; }
    [ -d "$directory" ] || return 0
    local bin
    if [ -f "$directory/data/postmaster.pid" ] && bin=$(server_binaries); then
        as_postgres "$bin/pg_ctl" -D "$directory/data" -m fast -w -t 60 stop >/dev/null || true
    fi
    rm -rf "$directory"
}

case "$command" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop (SWITCHYARD_PG_DIR names the cluster's directory)" >&2; exit 2 ;;
esac
