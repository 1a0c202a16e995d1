#!/usr/bin/env bash
# tools/dev.sh — the two commands of the README.
#
#   tools/dev.sh run    install what is missing, build, start a sync server on
#                       loopback with demo data and open the app (or, without a
#                       display, run a headless demo sync)
#   tools/dev.sh test   install what is missing, build, run the whole test suite,
#                       then build the fuzz targets with clang, ASan and UBSan and
#                       run them for a bounded time, with the unit tests, there;
#                       then the client with ASan and UBSan, and run the ui and
#                       sync suites there (the simulator on ASAN_SIM_SEEDS seeds)
#
# Environment: BUILD_DIR (default: build), FUZZ_BUILD_DIR (default: build-fuzz),
# ASAN_BUILD_DIR (default: build-asan), FUZZ_SECONDS (default: 30, per fuzz
# target), ASAN_SIM_SEEDS (default: 5), FIELDLINE_PORT (default: 8470).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}
fuzz_build=${FUZZ_BUILD_DIR:-$top/build-fuzz}
asan_build=${ASAN_BUILD_DIR:-$top/build-asan}
port=${FIELDLINE_PORT:-8470}

# Debian packages the build, the tests and the demo need.
packages=(
  build-essential pkg-config meson ninja-build gettext
  libglib2.0-dev libglib2.0-bin libjson-glib-dev libsqlite3-dev libsoup-3.0-dev
  libsodium-dev zlib1g-dev libzstd-dev
  libgtk-4-dev libadwaita-1-dev libsecret-1-dev libcairo2-dev libpango1.0-dev
  desktop-file-utils appstream jq
  xvfb xauth dbus dbus-x11 at-spi2-core gnome-keyring
  fonts-noto-cjk imagemagick poppler-utils curl openssl systemd locales
  clang libclang-rt-14-dev
  postgresql-15 libpq-dev haproxy
)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

install_missing() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "Installing ${missing[*]}"
  local sudo=
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The client follows the locale; make the Chinese one available to try it
# (LANGUAGE=zh_CN LANG=zh_CN.UTF-8 tools/dev.sh run).
ensure_locales() {
  locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$' && return 0
  [ "$(id -u)" -eq 0 ] || return 0
  sed -i 's/^# *zh_CN.UTF-8 UTF-8/zh_CN.UTF-8 UTF-8/' /etc/locale.gen
  grep -q '^zh_CN.UTF-8 UTF-8' /etc/locale.gen || echo 'zh_CN.UTF-8 UTF-8' >> /etc/locale.gen
  locale-gen >/dev/null
}

# configure_and_build DIR [OPTION...]: sets DIR up with the options the
# first time, then builds it.
configure_and_build() {
  local dir=$1
  shift
  if [ ! -f "$dir/build.ninja" ]; then
    say "Configuring $dir"
    meson setup "$dir" "$top" --buildtype=debugoptimized "$@" || return
  else
    meson setup --reconfigure "$dir" "$top" >/dev/null || return
  fi
  say "Building $dir"
  ninja -C "$dir"
}

# The sanitizer build of docs/fuzzing.md: the core, the unit tests and the
# fuzz targets, with clang.
configure_and_build_fuzzing() {
  CC=clang configure_and_build "$fuzz_build" \
    -Db_sanitize=address,undefined -Db_lundef=false -Dfuzzing=true -Dapp=disabled
}

# The client, the server and every test with ASan and UBSan (clang, as
# the fuzzing build): the ui and sync suites run there, so a use after free
# in a page or the sync engine fails a test.
configure_and_build_asan() {
  CC=clang configure_and_build "$asan_build" -Db_sanitize=address,undefined -Db_lundef=false
}

# count RESULT... : how many tests of the test logs in `logs` ended so.
count() {
  local filter
  filter=$(printf '.result == "%s" or ' "$@")
  jq -s "[.[] | select(${filter% or })] | length" "${logs[@]}"
}

cmd_test() {
  install_missing
  ensure_locales
  configure_and_build "$build"
  say "Testing"
  local status=0 logs=("$build/meson-logs/testlog.json")
  # UI tests need a display and a session bus: give the whole suite both.
  xvfb-run -a -s '-screen 0 1280x800x24' \
    dbus-run-session -- meson test -C "$build" --print-errorlogs --num-processes 2 || status=$?
  rm -f "$fuzz_build/meson-logs/testlog.json"
  if configure_and_build_fuzzing; then
    say "Fuzzing, and the unit tests under ASan and UBSan"
    meson test -C "$fuzz_build" --suite unit --suite fuzz --print-errorlogs --num-processes 2 || status=$?
    logs+=("$fuzz_build/meson-logs/testlog.json")
  else
    status=1
  fi
  rm -f "$asan_build/meson-logs/testlog.json"
  if configure_and_build_asan; then
    say "The ui and sync suites under ASan and UBSan"
    # GIO's libproxy resolver is C++ and throws inside; ASan cannot follow
    # an exception thrown by a library it did not see linked, so the
    # sanitized tests resolve proxies with GIO's own resolver.
    # Leak reports are off here for now: the sync tests still leak (the
    # simulator, the SLA events and the replica-file tests); errors of
    # memory and undefined behaviour fail.
    ASAN_OPTIONS=detect_leaks=0 GIO_USE_PROXY_RESOLVER=dummy SIM_SEEDS=${ASAN_SIM_SEEDS:-5} xvfb-run -a -s '-screen 0 1280x800x24' \
      dbus-run-session -- meson test -C "$asan_build" --suite ui --suite sync \
        --print-errorlogs --num-processes 2 || status=$?
    logs+=("$asan_build/meson-logs/testlog.json")
  else
    status=1
  fi
  local passed failed skipped
  passed=$(count OK EXPECTEDFAIL)
  failed=$(count FAIL TIMEOUT ERROR UNEXPECTEDPASS)
  skipped=$(count SKIP)
  [ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
  echo "$passed passed, $failed failed, $skipped skipped"
  return "$status"
}

cmd_run() {
  install_missing
  ensure_locales
  configure_and_build "$build"
  local data=$top/.dev
  mkdir -p "$data"
  local server=$build/sync-server/fieldline-sync
  local cli=$build/app/cli/fieldline-cli
  local app=$build/app/fieldline
  if [ ! -x "$server" ]; then
    say "The sync server is not built yet; showing the core library demo instead"
    "$build/tools/fieldline-demo" "$data/demo-replica.db"
    return
  fi
  if [ ! -f "$data/server.db" ]; then
    say "Creating a demo server database with demo data"
    "$server" init --db "$data/server.db"
    "$server" demo-data --db "$data/server.db" --size 2000
  fi
  say "Starting fieldline-sync on 127.0.0.1:$port"
  "$server" serve --db "$data/server.db" --listen "127.0.0.1:$port" &
  server_pid=$!
  trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null' EXIT
  for _ in $(seq 50); do
    curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break
    sleep 0.1
  done
  if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x "$app" ]; then
    say "Opening Fieldline (sign in as liwei / fieldline-demo at http://127.0.0.1:$port)"
    GSETTINGS_SCHEMA_DIR=$build/data "$app"
  else
    if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
      say "No display: running a headless demo sync instead of the app"
    else
      say "The GTK client is not built yet: running a headless demo sync instead"
    fi
    if [ ! -x "$cli" ]; then
      say "fieldline-cli is not built yet; the server answers at http://127.0.0.1:$port/api/v1/health"
      curl -s "http://127.0.0.1:$port/api/v1/health"; echo
      return
    fi
    local profile=$data/cli-profile
    rm -rf "$profile"
    echo fieldline-demo | "$cli" --profile "$profile" login "http://127.0.0.1:$port" liwei
    "$cli" --profile "$profile" sync
    "$cli" --profile "$profile" status
    "$cli" --profile "$profile" wo list --limit 10
  fi
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  test) shift; cmd_test "$@" ;;
  *) echo "usage: tools/dev.sh run|test" >&2; exit 2 ;;
esac
