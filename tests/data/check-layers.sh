#!/bin/sh
# check-layers.sh SOURCE_ROOT
#
# The core's layers see only themselves and the layers below through their
# include directories (shared/meson.build), so including a Fieldline header
# of a higher layer does not compile.  System headers are on every include
# path, though: this check fails when a layer includes the library of a
# layer above it — SQLite in the model, libsoup below the sync layer, GTK
# anywhere in the core.  In the sync server, only a store backend speaks its
# database (fl-sqlite-store*: SQLite and the core's SQLite helpers of
# shared/db; fl-pg-store*: libpq), and only the backend table fl-store-open.c
# knows the backends.
set -eu

top=${1:?usage: check-layers.sh SOURCE_ROOT}
cd "$top"
status=0

forbid () {
  layer=$1 pattern=$2 why=$3
  found=$(grep -rnE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($pattern)" "shared/$layer" || true)
  if [ -n "$found" ]; then
    echo "shared/$layer must not include $why:" >&2
    echo "$found" | sed 's/^/  /' >&2
    status=1
  fi
}

# server_forbid PATTERN WHY ALLOWED: sync-server files other than those
# matching the regular expression ALLOWED must not include PATTERN.
server_forbid () {
  pattern=$1 why=$2 allowed=$3
  found=$(grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($pattern)" sync-server/*.[ch] |
          grep -vE "^sync-server/($allowed):" || true)
  if [ -n "$found" ]; then
    echo "sync-server: $why:" >&2
    echo "$found" | sed 's/^/  /' >&2
    status=1
  fi
}

# The replica-file builder (fl-replica-files.c) writes a client's replica,
# which is SQLite whatever the store: it may use the db layer for that file,
# and reads the store's rows through FlStore like every other part.
db_headers='sqlite3\.h|fl-db\.h|fl-record-store\.h|fl-stock-ledger\.h|fl-query\.h|fl-paged-query\.h'
server_forbid "$db_headers|fl-sqlite-store-db\.h" \
  'only the SQLite backend speaks SQLite; use the FlStore interface' 'fl-sqlite-store[^:]*|fl-replica-files\.c'
server_forbid 'libpq-fe\.h|fl-pg-store-conn\.h' \
  'only the PostgreSQL backend speaks PostgreSQL; use the FlStore interface' 'fl-pg-store[^:]*'
server_forbid 'fl-[a-z]+-store\.h' \
  'only fl-store-open.c opens a backend; use fl_store_open()' 'fl-store-open\.c|fl-[a-z]+-store[^:]*|fl-replica-files\.c'

forbid model 'sqlite3\.h|libsoup/|gtk/|adwaita\.h' 'SQLite, libsoup or GTK (the model has no storage and no network)'
forbid db 'libsoup/|gtk/|adwaita\.h' 'libsoup or GTK'
forbid replica 'libsoup/|gtk/|adwaita\.h' 'libsoup or GTK (the network is the sync layer'"'"'s)'
forbid sync 'gtk/|adwaita\.h' 'GTK'
exit $status
