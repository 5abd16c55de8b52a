#!/usr/bin/env bash
# Runs every Loomring test, in three stages: the library's JUnit suite (both backends, then
# `mvn install` so the other stages build against it), the jcstress suite in its short mode
# (including the check that the deliberately broken twins fail), and the examples' integration
# tests with real clients, then a smoke run of the benchmark harness (benchmarks/run.sh --smoke:
# every stack answers the same bytes, every output is written). Needs Maven and an installed JDK 25
# (found automatically).
#
# Prints one line per stage (time, counts, log file), why tests were skipped (read from the
# Surefire reports), the tail of the log of a stage that failed, and a last line
# "N passed, N failed, N skipped" over all stages. Full logs: target/test-logs/STAGE.log.
# Stops at the first stage that fails; exits non-zero then.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/lib.sh
. scripts/stages.sh

LOGS=target/test-logs
rm -rf "$LOGS"
mkdir -p "$LOGS"

# The java.net drop-in tests run PostgreSQL and redis-server (src/test/scripts/test-servers.sh
# installs them on demand too); install them up front where we can.
loomring_install redis-server:redis-server '/usr/lib/postgresql/*/bin/initdb:postgresql' || true

# --- how each stage is counted ------------------------------------------------------------------
library_counts() {
  loomring_surefire_counter target/surefire-reports
  STAGE_NOTE="$STAGE_NOTE, both backends"
}

jcstress_counts() {
  local log=$2 real twins failed_real missing_twins
  real=$(grep -cE '\[OK\] io\.loomring\.jcstress\.tests\.' "$log" || true)
  twins=$(grep -c 'twin failed as it must:' "$log" || true)
  failed_real=$(grep -cE '\[(FAILED|ERROR)\] io\.loomring\.jcstress\.tests\.' "$log" || true)
  missing_twins=$(sed -n 's/.*broken twins that did not fail: \(.*\) (see .*/\1/p' "$log" | wc -w)
  STAGE_PASSED=$((real + twins))
  STAGE_FAILED=$((failed_real + missing_twins))
  STAGE_NOTE="$real jcstress tests passed, $twins broken twins failed as they must"
}

examples_counts() {
  local status=$1
  loomring_surefire_counter examples/target/surefire-reports
  if [ "$status" -eq 0 ]; then
    STAGE_NOTE="$STAGE_NOTE, then wrk, redis-benchmark and the demo on both backends"
  fi
}

harness_counts() {
  local status=$1
  # One check: every stack answered byte-identical responses and every output file was written.
  if [ "$status" -eq 0 ]; then STAGE_PASSED=1; else STAGE_FAILED=1; fi
  STAGE_NOTE="benchmark harness smoke: every stack, identical bytes, every output"
}

# A sub-suite's script must exist; it runs through bash, so a lost executable bit cannot skip it.
suite() {
  [ -f "$1" ] || { echo "test.sh: $1 is missing" >&2; return 1; }
  bash "$@"
}

finish() {
  echo "$TOTAL_PASSED $TOTAL_FAILED $TOTAL_SKIPPED" >"$LOGS/totals"   # for .ci/run
  echo "== total over all stages (JUnit and jcstress reports)"
  loomring_total_line
}

echo "== Loomring tests: $(git describe --always --dirty 2>/dev/null || echo 'not a git checkout')," \
  "$(nproc) CPUs, fd limit $(ulimit -n), logs in $LOGS/"
rm -rf target/surefire-reports examples/target/surefire-reports
status=0
loomring_stage library "$LOGS/library.log" library_counts mvn -B -ntp install || status=$?
if [ "$status" -eq 0 ]; then
  loomring_stage jcstress "$LOGS/jcstress.log" jcstress_counts suite jcstress-tests/run.sh quick || status=$?
fi
if [ "$status" -eq 0 ]; then
  loomring_stage examples "$LOGS/examples.log" examples_counts suite examples/run-tests.sh || status=$?
fi
if [ "$status" -eq 0 ]; then
  loomring_stage harness "$LOGS/harness.log" harness_counts suite benchmarks/run.sh --smoke || status=$?
fi
finish
exit "$status"
