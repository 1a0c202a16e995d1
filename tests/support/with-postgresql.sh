#!/bin/sh
# with-postgresql.sh COMMAND [ARG...]
#
# Runs COMMAND beside a throwaway PostgreSQL cluster: initdb into a fresh
# temporary folder, a server listening only on a unix socket in it, and
# FL_TEST_STORE=postgresql plus FL_TEST_PG_HOST (the socket folder) and
# FL_TEST_PG_USER in COMMAND's environment.  FL_TEST_PG_DURABLE=1 keeps
# PostgreSQL's durable defaults (for benchmarks).  The cluster is stopped and
# removed when COMMAND ends, however it ends.  PostgreSQL refuses to run as
# root, so as root the cluster belongs to the `postgres` user (or `nobody`).
set -eu

bindir=${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "with-postgresql.sh: PostgreSQL is not installed (tools/dev.sh installs postgresql-15)" >&2
  exit 77  # skipped
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/fl-pg.XXXXXX")
owner=
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  id "$owner" >/dev/null 2>&1 || owner=nobody
  chown "$owner" "$dir"
fi
as_owner () {
  if [ -n "$owner" ]; then runuser -u "$owner" -- "$@"; else "$@"; fi
}

stop () {
  status=$?
  as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  exit $status
}
trap stop EXIT
trap 'exit 130' INT TERM

as_owner "$bindir/initdb" -D "$dir/data" -U fieldline -A trust -E UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 1; }
# Durability is not what a test run checks: fsync off keeps it fast.  A
# benchmark sets FL_TEST_PG_DURABLE=1 for PostgreSQL's own defaults (fsync,
# synchronous commit, full-page writes), as a deployment runs.
durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
[ "${FL_TEST_PG_DURABLE:-0}" = 1 ] && durability=
as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -s \
  -o "-c listen_addresses='' -c unix_socket_directories='$dir' $durability -c max_connections=200" \
  start || { cat "$dir/server.log" >&2; exit 1; }

export FL_TEST_STORE=postgresql FL_TEST_PG_HOST="$dir" FL_TEST_PG_USER=fieldline
"$@"
