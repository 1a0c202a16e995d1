#!/bin/sh
# test-haproxy.sh FIELDLINE_SYNC
#
# Two fieldline-sync instances on one PostgreSQL database behind haproxy
# (round robin, health-checked): a client signs in, syncs and signs out
# through the balancer, its requests answered by both instances in turn.
# The balancer connects from 127.0.0.2, which the instances trust to name
# the client in X-Forwarded-For: the audit records the client's address.
# Run by with-postgresql.sh (FL_TEST_PG_HOST); skipped without haproxy.
set -eu

sync=${1:?usage: test-haproxy.sh FIELDLINE_SYNC}
command -v haproxy >/dev/null 2>&1 || { echo "haproxy is not installed; skipped"; exit 77; }
[ -n "${FL_TEST_PG_HOST:-}" ] || { echo "no PostgreSQL test cluster; skipped"; exit 77; }
[ -x "$sync" ] || { echo "$sync is not built"; exit 1; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/fl-haproxy.XXXXXX")
pids=
cleanup () {
  status=$?
  for pid in $pids; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

store="postgresql:///postgres?host=$FL_TEST_PG_HOST&user=${FL_TEST_PG_USER:-postgres}"
"$sync" init --store "$store" >/dev/null
printf 'password-of-test\n' | "$sync" user add lb.user --role supervisor --name "LB user" \
  --password-stdin --store "$store" >/dev/null

# Each instance on a free port it picks itself, read back from its first
# line.  Started in this shell (not in a command substitution's subshell)
# so that cleanup knows their pids; the output file exists before the
# instance has opened it.
printf '[server]\ntrusted_proxies = 127.0.0.2\n' >"$dir/sync.conf"
start_instance () {
  : >"$dir/$1.out"
  "$sync" serve --store "$store" --listen 127.0.0.1:0 --blob-dir "$dir/blobs" --config "$dir/sync.conf" \
    >"$dir/$1.out" 2>"$dir/$1.err" &
  pids="$pids $!"
}
listen_address () {
  for _ in $(seq 100); do
    uri=$(sed -n 's/.* on \(http:[^ ]*\)$/\1/p' "$dir/$1.out")
    [ -n "$uri" ] && { echo "${uri#http://}"; return; }
    sleep 0.1
  done
  cat "$dir/$1.err" >&2
  exit 1
}
start_instance one
start_instance two
one=$(listen_address one)
two=$(listen_address two)

port=$(( 20000 + $$ % 20000 ))
cat >"$dir/haproxy.cfg" <<CFG
global
    maxconn 100
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
frontend fieldline
    bind 127.0.0.1:$port
    default_backend fieldline_sync
backend fieldline_sync
    balance roundrobin
    option forwardfor
    source 127.0.0.2
    option httpchk GET /api/v1/health
    http-response set-header X-Instance %s
    server one $one check inter 200ms
    server two $two check inter 200ms
CFG
haproxy -f "$dir/haproxy.cfg" -db >"$dir/haproxy.log" 2>&1 &
pids="$pids $!"
base="http://127.0.0.1:$port/api/v1"
for _ in $(seq 100); do
  curl -sf "$base/health" >/dev/null 2>&1 && break
  sleep 0.1
done

# The client claims another address; the balancer adds the one it saw.
token=$(curl -sf -X POST -H 'Content-Type: application/json' -H 'X-Forwarded-For: 203.0.113.9' \
  -d '{"login": "lb.user", "password": "password-of-test", "device_name": "LB test"}' \
  "$base/auth/login" | jq -r .token)
[ -n "$token" ] && [ "$token" != null ] || { echo "sign-in through haproxy failed"; exit 1; }

detail=$(psql -At -h "$FL_TEST_PG_HOST" -U "${FL_TEST_PG_USER:-postgres}" postgres \
  -c "SELECT detail FROM audit WHERE action = 'login'")
echo "login audited as: $detail"
case "$detail" in *'"127.0.0.1"'*) ;; *) echo "the login's address is not the client's"; exit 1 ;; esac

# Four snapshots in a row: round robin sends them to both instances.
served=
for _ in 1 2 3 4; do
  instance=$(curl -sf -o /dev/null -D - -H "Authorization: Bearer $token" "$base/sync/snapshot" |
             tr -d '\r' | sed -n 's/^[Xx]-[Ii]nstance: //p')
  [ -n "$instance" ] || { echo "a snapshot through haproxy failed"; exit 1; }
  served="$served $instance"
done
echo "snapshots served by:$served"
case "$served" in *one*) ;; *) echo "instance one never answered"; exit 1 ;; esac
case "$served" in *two*) ;; *) echo "instance two never answered"; exit 1 ;; esac

# Signed out through one instance, the token is refused by both.
status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $token" "$base/auth/logout")
[ "$status" = 204 ] || { echo "logout answered $status"; exit 1; }
for _ in 1 2; do
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$base/sync/snapshot")
  [ "$status" = 401 ] || { echo "a revoked token was answered $status"; exit 1; }
done
echo "ok: two instances behind haproxy"
