# Test stages with one summary line each, for test.sh and .ci/run. Source after lib.sh.
#
#   loomring_stage NAME LOG COUNTER CMD...
#       runs CMD with all its output in LOG and prints one line: the stage's name, its time,
#       ok/FAILED, its counts and the log's path; then why tests were skipped, if any; on failure
#       the tail of LOG. COUNTER is a function (status, LOG) that sets STAGE_PASSED, STAGE_FAILED,
#       STAGE_SKIPPED and STAGE_NOTE and prints skip reasons. Adds the counts to TOTAL_PASSED,
#       TOTAL_FAILED, TOTAL_SKIPPED. Returns CMD's status.
#   loomring_surefire_counter DIR   a COUNTER body for a directory of Surefire XML reports
#   loomring_total_line             prints "N passed, N failed, N skipped" (the line CI reads)

TOTAL_PASSED=0
TOTAL_FAILED=0
TOTAL_SKIPPED=0
LOOMRING_FAIL_TAIL=${LOOMRING_FAIL_TAIL:-60}

# Minutes and seconds: "2m 05s", or "41s".
loomring_duration() {
  local s=$1
  if [ "$s" -ge 60 ]; then printf '%dm %02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi
}

# Sums the counts of the Surefire XML reports in DIR: prints "tests failures errors skipped".
loomring_surefire_sums() {
  local dir=$1
  if ! ls "$dir"/TEST-*.xml >/dev/null 2>&1; then
    echo "0 0 0 0"
    return
  fi
  # Counts the <testcase> elements and the outcomes inside them, not the <testsuite> element's
  # attributes: a class run once per argument (@ParameterizedClass) reports its cases with a
  # testsuite element that says tests="0".
  cat "$dir"/TEST-*.xml | awk '
    { t += gsub(/<testcase /, "&"); f += gsub(/<failure[ >]/, "&"); e += gsub(/<error[ >]/, "&")
      s += gsub(/<skipped[ >\/]/, "&") }
    END { print t + 0, f + 0, e + 0, s + 0 }'
}

# The tests in DIR's reports that failed (one line each), then why tests were skipped: one line per
# distinct reason, with how many and which.
loomring_surefire_skip_reasons() {
  local dir=$1
  ls "$dir"/TEST-*.xml >/dev/null 2>&1 || return 0
  awk '
    /<testcase / {
      cls = ""; name = ""
      if (match($0, /classname="[^"]*"/)) { cls = substr($0, RSTART + 11, RLENGTH - 12); sub(/.*\./, "", cls) }
      if (match($0, / name="[^"]*"/)) { name = substr($0, RSTART + 7, RLENGTH - 8); sub(/\(.*/, "", name) }
    }
    /<skipped/ {
      reason = ""
      if (match($0, /message="[^"]*"/)) reason = substr($0, RSTART + 9, RLENGTH - 10)
      else if (match($0, /<!\[CDATA\[.*/)) reason = substr($0, RSTART + 9)
      else if (getline nextline > 0 && match(nextline, /<!\[CDATA\[.*/)) reason = substr(nextline, RSTART + 9)
      sub(/^[a-zA-Z0-9_.$]*(Exception|Error): /, "", reason)
      sub(/^Assumption failed: /, "", reason)
      sub(/\]\]>.*/, "", reason)
      gsub(/&quot;/, "\"", reason); gsub(/&apos;/, "\x27", reason); gsub(/&lt;/, "<", reason)
      gsub(/&gt;/, ">", reason); gsub(/&amp;/, "\\&", reason)
      if (reason == "") reason = "(no reason given)"
      test = cls "." name
      if (!(reason in count)) order[++n] = reason
      count[reason]++
      if (index(" " tests[reason] " ", " " test " ") == 0) tests[reason] = tests[reason] (tests[reason] == "" ? "" : " ") test
    }
    /<(failure|error)[ >]/ {
      message = ""
      if (match($0, /message="[^"]*"/)) message = substr($0, RSTART + 9, RLENGTH - 10)
      gsub(/&quot;/, "\"", message); gsub(/&apos;/, "\x27", message); gsub(/&lt;/, "<", message)
      gsub(/&gt;/, ">", message); gsub(/&amp;/, "\\&", message); gsub(/&#10;/, " ", message)
      if (length(message) > 200) message = substr(message, 1, 200) "..."
      failed[++nf] = "FAILED " cls "." name (message == "" ? "" : ": " message)
    }
    END {
      for (i = 1; i <= nf; i++) print failed[i]
      for (i = 1; i <= n; i++) printf "%d skipped: %s [%s]\n", count[order[i]], order[i], tests[order[i]]
    }
  ' "$dir"/TEST-*.xml
}

# COUNTER helper: the counts of the Surefire reports in DIR.
loomring_surefire_counter() {
  local dir=$1 tests failures errors skipped
  read -r tests failures errors skipped < <(loomring_surefire_sums "$dir")
  STAGE_FAILED=$((failures + errors))
  STAGE_SKIPPED=$skipped
  STAGE_PASSED=$((tests - STAGE_FAILED - skipped))
  STAGE_NOTE="$tests JUnit tests"
  loomring_surefire_skip_reasons "$dir"
}

loomring_stage() {
  local name=$1 log=$2 counter=$3
  shift 3
  mkdir -p "$(dirname "$log")"
  printf '%-10s ' "$name"
  local start=$SECONDS status=0
  # The command's own status, whatever the caller's pipefail/errexit settings.
  { "$@" 2>&1 && echo 0 >"$log.status" || echo $? >"$log.status"; } | loomring_strip_colour >"$log"
  status=$(cat "$log.status")
  rm -f "$log.status"
  local took
  took=$(loomring_duration $((SECONDS - start)))
  STAGE_PASSED=0 STAGE_FAILED=0 STAGE_SKIPPED=0 STAGE_NOTE=""
  local details
  "$counter" "$status" "$log" >"$log.skips" 2>&1 || true   # not in $(...): it sets STAGE_* here
  details=$(cat "$log.skips")
  rm -f "$log.skips"
  # A failing stage counts as a failure even when no report says which test failed.
  if [ "$status" -ne 0 ] && [ "$STAGE_FAILED" -eq 0 ]; then STAGE_FAILED=1; fi
  TOTAL_PASSED=$((TOTAL_PASSED + STAGE_PASSED))
  TOTAL_FAILED=$((TOTAL_FAILED + STAGE_FAILED))
  TOTAL_SKIPPED=$((TOTAL_SKIPPED + STAGE_SKIPPED))
  printf '%7s  %-6s %d passed, %d failed, %d skipped%s  (log: %s)\n' "$took" \
    "$([ "$status" -eq 0 ] && echo ok || echo FAILED)" "$STAGE_PASSED" "$STAGE_FAILED" "$STAGE_SKIPPED" \
    "${STAGE_NOTE:+ - $STAGE_NOTE}" "$log"
  if [ -n "$details" ]; then
    printf '%s\n' "$details" | sed 's/^/           /'
  fi
  if [ "$status" -ne 0 ]; then
    echo "---- last $LOOMRING_FAIL_TAIL lines of $log (exit status $status) ----"
    # Without Maven's closing advice on -e and -X, which would fill the tail.
    sed '/^\[ERROR\] -> \[Help 1\]/,$d' "$log" | tail -n "$LOOMRING_FAIL_TAIL"
    echo "----"
  fi
  return "$status"
}

loomring_total_line() {
  echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed, $TOTAL_SKIPPED skipped"
}
