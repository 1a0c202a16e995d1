#!/bin/sh
# check-flatpak-manifest.sh SOURCE_ROOT
#
# Fails unless flatpak/<app-id>.json is valid JSON that agrees with the rest
# of the project: its app-id is the desktop file's and the metainfo's id,
# the icon's name; its command is the binary the desktop file starts, the
# metainfo provides and app/meson.build builds; it builds the client without
# the server (libsodium is not in the GNOME runtime); it targets a GNOME
# runtime that is not end-of-life; the sandbox gets no file-system access,
# no full X11, no bus socket and no direct line to the Secret Service (the
# token goes through the Secret portal, which libsecret's simple password
# API alone uses).
set -eu

top=${1:?usage: check-flatpak-manifest.sh SOURCE_ROOT}
cd "$top"
status=0
fail() { echo "$*" >&2; status=1; }

set -- flatpak/*.json
[ $# -eq 1 ] && [ -f "$1" ] || { echo "expected exactly one manifest in flatpak/, found: $*" >&2; exit 1; }
manifest=$1
jq empty "$manifest" || { echo "$manifest is not valid JSON" >&2; exit 1; }

app_id=$(jq -er '."app-id"' "$manifest") || { echo "$manifest has no app-id" >&2; exit 1; }
command=$(jq -er '.command' "$manifest") || { echo "$manifest has no command" >&2; exit 1; }

[ "$manifest" = "flatpak/$app_id.json" ] || fail "$manifest is not named after its app-id $app_id"

desktop=data/$app_id.desktop.in
metainfo=data/$app_id.metainfo.xml.in
for f in "$desktop" "$metainfo" \
         "data/icons/hicolor/scalable/apps/$app_id.svg" \
         "data/icons/hicolor/symbolic/apps/$app_id-symbolic.svg"; do
  [ -f "$f" ] || fail "app-id $app_id: $f is missing"
done

if [ -f "$metainfo" ]; then
  meta_id=$(sed -n 's|^[[:space:]]*<id>\(.*\)</id>[[:space:]]*$|\1|p' "$metainfo")
  [ "$meta_id" = "$app_id" ] || fail "$metainfo: <id>$meta_id</id> is not the app-id $app_id"
  grep -q "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$metainfo" ||
    fail "$metainfo: no launchable $app_id.desktop"
  grep -q "<binary>$command</binary>" "$metainfo" ||
    fail "$metainfo: does not provide the binary $command"
fi
if [ -f "$desktop" ]; then
  exec_binary=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$desktop")
  [ "$exec_binary" = "$command" ] || fail "$desktop: Exec=$exec_binary, but the manifest's command is $command"
  icon=$(sed -n 's/^Icon=//p' "$desktop")
  [ "$icon" = "$app_id" ] || fail "$desktop: Icon=$icon is not the app-id $app_id"
fi

# While app/meson.build builds no executable yet there is nothing to compare.
if grep -q 'executable(' app/meson.build; then
  grep -Eq "executable\([[:space:]]*'$command'" app/meson.build ||
    fail "app/meson.build builds no executable named '$command'"
else
  echo "note: app/meson.build defines no executable yet; command checked against the desktop file only"
fi

jq -e '[.modules[] | objects | select(.buildsystem == "meson") | ."config-opts"[]?] | index("-Dserver=false")' \
  "$manifest" > /dev/null || fail "$manifest: the meson module lacks -Dserver=false"

forbidden=$(jq -r '."finish-args"[]? | select(test("^--filesystem|^--socket=(x11|session-bus|system-bus)$|^--device=all$"))' "$manifest")
[ -z "$forbidden" ] || fail "$manifest: the sandbox must not get: $(echo $forbidden)"

# GNOME runtimes before 48 are end-of-life; raise this as they age out.
oldest_runtime=48
runtime=$(jq -er '.runtime' "$manifest") || fail "$manifest has no runtime"
[ "$runtime" = org.gnome.Platform ] || fail "$manifest: runtime $runtime is not org.gnome.Platform"
runtime_version=$(jq -er '."runtime-version"' "$manifest") || fail "$manifest has no runtime-version"
case $runtime_version in
  ''|*[!0-9]*) fail "$manifest: runtime-version $runtime_version is not a GNOME release number" ;;
  *) [ "$runtime_version" -ge "$oldest_runtime" ] ||
       fail "$manifest: GNOME $runtime_version is end-of-life; target $oldest_runtime or later" ;;
esac

jq -e '."finish-args"[]? | select(. == "--talk-name=org.freedesktop.secrets")' "$manifest" > /dev/null &&
  fail "$manifest: use the Secret portal, not --talk-name=org.freedesktop.secrets"
token_store=app/sync/fl-secret-token-store.c
if grep -En 'secret_(service|collection|item)_' "$token_store" >&2; then
  fail "$token_store: only libsecret's simple password API goes through the Secret portal"
fi

exit $status
