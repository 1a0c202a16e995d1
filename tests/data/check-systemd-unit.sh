#!/bin/sh
# check-systemd-unit.sh UNIT.in
#
# Fails when `systemd-analyze verify` has anything to say about the unit
# (an unknown or misspelt key, a value it cannot parse): it reports those
# as warnings and still exits 0, so any output counts as a failure.  The
# unit is configured with a stand-in fieldline-sync, as verify wants an
# executable ExecStart= and the test must not depend on the server's build.
set -eu

unit_in=${1:?usage: check-systemd-unit.sh UNIT.in}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

mkdir "$tmp/bin"
printf '#!/bin/sh\n' > "$tmp/bin/fieldline-sync"
chmod +x "$tmp/bin/fieldline-sync"
unit=$tmp/$(basename "$unit_in" .in)
sed -e "s|@bindir@|$tmp/bin|g" -e "s|@sysconfdir@|/etc|g" "$unit_in" > "$unit"
if grep -n '@[A-Za-z_]*@' "$unit" >&2; then
  echo "$unit_in: a placeholder data/meson.build does not configure" >&2
  exit 1
fi

out=$(SYSTEMD_LOG_COLOR=0 systemd-analyze verify "$unit" 2>&1) || status=$?
if [ -n "$out" ] || [ "${status:-0}" -ne 0 ]; then
  printf '%s\n' "$out" | sed "s|$tmp/|$(dirname "$unit_in")/|g" >&2
  exit 1
fi
echo "$(basename "$unit_in"): systemd-analyze verify found nothing to report"
