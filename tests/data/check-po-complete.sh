#!/bin/sh
# check-po-complete.sh SOURCE_ROOT
#
# Fails unless each language in po/LINGUAS translates every message of a
# template freshly extracted from po/POTFILES.in: merged with that template,
# no entry may be untranslated or fuzzy (a source string that changed).
set -eu

top=${1:?usage: check-po-complete.sh SOURCE_ROOT}
cd "$top"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
status=0

# The same options as i18n.gettext(preset: 'glib'), so that this template is
# the one `meson compile fieldline-pot` writes.
xgettext --files-from=po/POTFILES.in --directory=. --output="$tmp/template.pot" \
  --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  --flag=g_markup_printf_escaped:1:c-format --flag=g_log:3:c-format \
  --flag=g_print:1:c-format --flag=g_printerr:1:c-format --flag=g_printf:1:c-format \
  --flag=g_fprintf:2:c-format --flag=g_sprintf:2:c-format --flag=g_snprintf:3:c-format

for lang in $(grep -v '^#' po/LINGUAS); do
  po=po/$lang.po
  if [ ! -f "$po" ]; then
    echo "$po is listed in po/LINGUAS but missing" >&2
    status=1
    continue
  fi
  msgmerge --quiet --output-file="$tmp/$lang.po" "$po" "$tmp/template.pot"
  printf '%s: ' "$lang"
  msgfmt --check --statistics --output-file=/dev/null "$tmp/$lang.po" 2>&1 || status=1
  for kind in untranslated only-fuzzy; do
    msgattrib --$kind --no-obsolete --no-wrap "$tmp/$lang.po" > "$tmp/$lang.$kind"
    # msgattrib writes nothing when no entry matches; the header entry
    # (msgid "") comes along when some do.
    entries=$(grep '^msgid ' "$tmp/$lang.$kind" | grep -v '^msgid ""$' || true)
    if [ -n "$entries" ]; then
      echo "$po: ${kind#only-} entries (run 'meson compile -C BUILDDIR fieldline-update-po', then translate them):" >&2
      echo "$entries" | sed 's/^/  /' >&2
      status=1
    fi
  done
done
exit $status
