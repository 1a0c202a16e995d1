#!/bin/sh
# run-fuzz.sh TARGET SEEDS WORKDIR [libFuzzer options...]
#
# Runs a fuzz target for FUZZ_SECONDS (default 30) on a fresh copy of its
# seed corpus in WORKDIR/corpus; new inputs and any crash (WORKDIR/crash-*)
# stay in the build directory, the seeds are only read.  A crash exits 1:
# libFuzzer's own 77 would read as a skipped test.  The run starts from a
# fixed seed (FUZZ_SEED, default 1) so that every run of the suite tries the
# same inputs first; FUZZ_SEED=0 lets libFuzzer pick one (long runs).
set -eu
target=$1 seeds=$2 work=$3
shift 3
rm -rf "$work"
mkdir -p "$work/corpus"
cp "$seeds"/* "$work/corpus/"
exec nice "$target" -seed="${FUZZ_SEED:-1}" -max_total_time="${FUZZ_SECONDS:-30}" -rss_limit_mb=1024 -timeout=10 \
  -error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 -artifact_prefix="$work/" \
  "$@" "$work/corpus"
