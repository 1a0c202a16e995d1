#!/bin/sh
# check-layers.sh SOURCE_ROOT
#
# The core's layers see only themselves and the layers below through their
# include directories (shared/meson.build), so including a Fieldline header
# of a higher layer does not compile.  System headers are on every include
# path, though: this check fails when a layer includes the library of a
# layer above it — SQLite in the model, libsoup below the sync layer, GTK
# anywhere in the core.
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

forbid model 'sqlite3\.h|libsoup/|gtk/|adwaita\.h' 'SQLite, libsoup or GTK (the model has no storage and no network)'
forbid db 'libsoup/|gtk/|adwaita\.h' 'libsoup or GTK'
forbid replica 'libsoup/|gtk/|adwaita\.h' 'libsoup or GTK (the network is the sync layer'"'"'s)'
forbid sync 'gtk/|adwaita\.h' 'GTK'
exit $status
