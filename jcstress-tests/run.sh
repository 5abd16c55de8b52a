#!/usr/bin/env bash
# Builds and runs Loomring's jcstress suite.
#
#   run.sh quick          the real suite in jcstress's quick mode (one JVM configuration, no split
#                         compilation), then the broken twins, each of which must show its
#                         forbidden outcome. A few minutes on two cores. Used by ../test.sh.
#   run.sh long [REGEX]   the real suite (or its tests matching REGEX) in jcstress's default mode:
#                         every JVM configuration jcstress detects, split compilation. Long.
#   run.sh twins          only the broken twins.
#
# Fails (non-zero) on any forbidden outcome or error in the real suite, when no test matched (jcstress
# itself exits 0 then), and when a broken twin does not show its forbidden outcome. Results, logs and
# jcstress-results-*.bin.gz go under jcstress-tests/target/jcstress-run/<mode>/.
#
# Needs Maven and a JDK 25 (found by ../scripts/lib.sh; LOOMRING_JDK=/path/to/jdk picks one).
set -euo pipefail

MODE=${1:-quick}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
. "$ROOT/scripts/lib.sh"
JAVA=$(loomring_require_java jcstress-tests/run.sh)
JAR="$HERE/target/jcstress.jar"
REAL='^io\.loomring\.jcstress\.tests\.'
TWINS='^io\.loomring\.jcstress\.broken\.'
# One JVM configuration (this disables jcstress's flag auto-detection); the host's
# --enable-native-access is copied into every fork as well.
QUICK_ARGS=(-m quick -sc false -jvmArgs "--enable-native-access=ALL-UNNAMED")
TWIN_RETRIES=2

die() { echo "jcstress-tests: $*" >&2; exit 1; }

build() {
  local repo
  repo=$(loomring_maven_repo)
  local lib="$repo/io/loomring/loomring/0.1.0-SNAPSHOT/loomring-0.1.0-SNAPSHOT.jar"
  if [ ! -f "$lib" ] || [ -n "$(find "$ROOT/pom.xml" "$ROOT/src/main" -newer "$lib" -print -quit)" ]; then
    echo "== installing the library (sources newer than $lib)"
    (cd "$ROOT" && mvn -q -B -ntp install -DskipTests)
  fi
  echo "== building jcstress-tests"
  (cd "$HERE" && mvn -q -B -ntp package)
  [ -f "$JAR" ] || die "build produced no $JAR"
}

# The tests matching a regex, one per line.
list_tests() {
  "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$JAR" -l -t "$1" 2>/dev/null | grep '^io\.loomring\.' || true
}

# run_jcstress DIR LOG ARGS...: runs jcstress in DIR (where it drops its result blob); returns its status.
run_jcstress() {
  local dir=$1 log=$2
  shift 2
  mkdir -p "$dir"
  (cd "$dir" && "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$JAR" -r "$dir/report" "$@") >"$log" 2>&1
}

# The final summary of a jcstress log (read whole: grep -q on a pipe would trip pipefail).
summary() {
  local text
  text=$(sed -n '/^RUN RESULTS:/,$p' "$1")
  printf '%s\n' "$text"
}

# Runs the real suite; fails unless every matching test ran and passed.
run_real() {
  local regex=$1 dir=$2
  shift 2
  local expected
  expected=$(list_tests "$regex")
  [ -n "$expected" ] || die "no test matches $regex"
  echo "== real suite: $(echo "$expected" | wc -l) tests, jcstress $*"
  local log="$dir/real.log" status=0
  run_jcstress "$dir" "$log" -v -t "$regex" "$@" || status=$?
  local results
  results=$(summary "$log")
  grep -E '^\s*(\.+ \[|RESULT| .*(Forbidden|Interesting|Acceptable))' <<<"$results" || true
  if grep -q 'FATAL' "$log"; then die "jcstress: $(grep FATAL "$log" | head -1) (see $log)"; fi
  [ "$status" -eq 0 ] || die "real suite failed (jcstress exit $status), see $log"
  grep -q 'Failed tests: No matches' <<<"$results" || die "real suite has failed tests, see $log"
  grep -q 'Error tests: No matches' <<<"$results" || die "real suite has errors, see $log"
  local t missing=0
  for t in $expected; do
    if ! grep -qE "\[OK\] ${t//./\\.}\$" <<<"$results"; then
      echo "missing or not OK: $t" >&2
      missing=1
    fi
  done
  [ "$missing" -eq 0 ] || die "not every test of the real suite passed, see $log"
  echo "== real suite passed"
}

# Runs the broken twins; fails unless each one reports a forbidden outcome (retrying a twin alone,
# up to TWIN_RETRIES times, when a loaded machine gave it too few samples to hit its window).
run_twins() {
  local dir=$1
  local pending
  pending=$(list_tests "$TWINS")
  [ -n "$pending" ] || die "no broken twin found"
  echo "== broken twins: $(echo "$pending" | wc -l) tests, each must report its forbidden outcome"
  local attempt=0
  while [ -n "$pending" ] && [ "$attempt" -le "$TWIN_RETRIES" ]; do
    local regex log still=""
    regex="^($(echo "$pending" | sed 's/\./\\./g' | paste -sd'|'))\$"
    log="$dir/twins-$attempt.log"
    run_jcstress "$dir" "$log" -t "$regex" "${QUICK_ARGS[@]}" || true
    if grep -q 'FATAL' "$log"; then die "jcstress: $(grep FATAL "$log" | head -1) (see $log)"; fi
    local t results
    results=$(summary "$log")
    for t in $pending; do
      if grep -qE "\[FAILED\] ${t//./\\.}\$" <<<"$results"; then
        local seen
        seen=$(awk -v name="$t" '
          $0 ~ /\[(OK|FAILED|ERROR)\]/ { on = ($NF == name) ; next }
          on && /Forbidden/ { n = $0; sub(/^ +/, "", n); split(n, f, "  +"); if (f[2] != "0") print f[1] " x " f[2] }' <<<"$results" | paste -sd';')
        echo "   twin failed as it must: $t: $seen"
      else
        still="$still $t"
      fi
    done
    pending=$(echo "$still" | xargs -n1 2>/dev/null || true)
    attempt=$((attempt + 1))
    [ -z "$pending" ] || echo "   no forbidden outcome yet from: $(echo "$pending" | paste -sd' ')"
  done
  [ -z "$pending" ] || die "broken twins that did not fail: $(echo "$pending" | paste -sd' ') (see $dir)"
  echo "== every broken twin showed its forbidden outcome"
}

case "$MODE" in
  quick)
    build
    DIR="$HERE/target/jcstress-run/quick"
    rm -rf "$DIR"
    run_real "$REAL" "$DIR" "${QUICK_ARGS[@]}"
    run_twins "$DIR"
    ;;
  long)
    build
    DIR="$HERE/target/jcstress-run/long"
    rm -rf "$DIR"
    run_real "$REAL${2:+.*($2)}" "$DIR" -m default
    ;;
  twins)
    build
    DIR="$HERE/target/jcstress-run/twins"
    rm -rf "$DIR"
    run_twins "$DIR"
    ;;
  *)
    die "usage: run.sh quick | long [REGEX] | twins"
    ;;
esac
