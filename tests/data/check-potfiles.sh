#!/bin/sh
# check-potfiles.sh SOURCE_ROOT
#
# Fails unless po/POTFILES.in is sorted and lists every file of the shipped
# parts (app/, shared/, sync-server/, data/) that has translatable strings,
# so that none of them can miss the template and the translations.
set -eu

top=${1:?usage: check-potfiles.sh SOURCE_ROOT}
cd "$top"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
status=0

grep -v -e '^#' -e '^[[:space:]]*$' po/POTFILES.in > "$tmp/listed"
if ! LC_ALL=C sort -c "$tmp/listed" 2>/dev/null; then
  echo "po/POTFILES.in is not sorted (LC_ALL=C sort)" >&2
  status=1
fi

for f in $(cat "$tmp/listed"); do
  [ -f "$f" ] || { echo "po/POTFILES.in lists $f, which does not exist" >&2; status=1; }
done

# The gettext calls of the meson 'glib' preset, a translatable .ui property,
# and the data files xgettext reads whole.
{
  grep -rlE --include='*.c' \
    '(^|[^A-Za-z0-9_])(_|N_|C_|NC_|g_dcgettext|g_dngettext|g_dpgettext2)[[:space:]]*\(' \
    app shared sync-server 2>/dev/null || true
  grep -rl --include='*.ui' 'translatable="yes"' app 2>/dev/null || true
  find data -name '*.desktop.in' -o -name '*.metainfo.xml.in' -o -name '*.gschema.xml'
} | LC_ALL=C sort -u > "$tmp/translatable"
LC_ALL=C sort -u "$tmp/listed" > "$tmp/listed-sorted"
missing=$(LC_ALL=C comm -23 "$tmp/translatable" "$tmp/listed-sorted")
if [ -n "$missing" ]; then
  echo "files with translatable strings missing from po/POTFILES.in:" >&2
  echo "$missing" | sed 's/^/  /' >&2
  status=1
fi
exit $status
