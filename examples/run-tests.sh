#!/usr/bin/env bash
# Builds and tests the examples (`mvn verify`: integration tests, then the runnable jar), then
# drives the jar with clients we did not write: wrk against `http` and redis-benchmark against
# `resp`, on both backends. Fails on any socket error, non-2xx response or error line.
#
# Needs the library installed (`mvn install` at the repository root), Maven, a JDK 25 (found by
# ../scripts/lib.sh, or LOOMRING_JAVA=/path/to/java), and wrk plus redis-benchmark (Debian packages
# wrk and redis-tools, installed here when running as root). Arguments are passed on to Maven.
set -euo pipefail
cd "$(dirname "$0")"

WRK_CONNECTIONS=1000
WRK_SECONDS=5
REDIS_CLIENTS=500
REDIS_REQUESTS=20000

log() { echo "== examples: $*"; }
fail() { echo "FAIL (examples): $*" >&2; exit 1; }

# --- tools -------------------------------------------------------------------------------------
. ../scripts/lib.sh
loomring_install wrk:wrk redis-benchmark:redis-tools \
  || fail "wrk and redis-benchmark are needed: apt-get install wrk redis-tools (as root)"
java_bin=$(loomring_require_java examples/run-tests.sh)

# Every connection is a file descriptor, on both sides.
hard_limit="$(ulimit -Hn)"
if [ "$hard_limit" = unlimited ]; then hard_limit=1048576; fi
ulimit -n "$hard_limit" 2>/dev/null || true
[ "$(ulimit -n)" -ge $((2 * WRK_CONNECTIONS + 100)) ] \
  || fail "open-files limit $(ulimit -n) is too low for $WRK_CONNECTIONS connections"

# --- build and integration tests ---------------------------------------------------------------
log "mvn verify"
mvn -B -ntp verify "$@"
jar=target/loomring-examples.jar
[ -f "$jar" ] || fail "$jar was not built"

# --- smoke with real clients -------------------------------------------------------------------
workdir="$(mktemp -d)"
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap 'stop_server; rm -rf "$workdir"' EXIT

# start_server NAME BACKEND: starts it on a free port and sets $port once it says it listens.
start_server() {
  local out="$workdir/$1-$2.out"
  : >"$out"
  "$java_bin" --enable-native-access=ALL-UNNAMED -jar "$jar" "$1" --port 0 --backend "$2" >"$out" 2>&1 &
  server_pid=$!
  for _ in $(seq 200); do
    if grep -q ' listening on ' "$out"; then
      port="$(sed -n 's/.* listening on .*:\([0-9]*\) (.*/\1/p' "$out" | head -1)"
      log "$(head -1 "$out")"
      return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || { cat "$out" >&2; fail "$1 ($2) exited before listening"; }
    sleep 0.1
  done
  cat "$out" >&2
  fail "$1 ($2) did not say it was listening within 20 s"
}

# stop_and_check NAME BACKEND: SIGTERM must stop the server cleanly, with exit code 0 and a clean log.
stop_and_check() {
  kill -TERM "$server_pid"
  local rc=0
  timeout 20 tail --pid="$server_pid" -f /dev/null || fail "$1 ($2) did not stop within 20 s of SIGTERM"
  wait "$server_pid" || rc=$?
  server_pid=""
  [ "$rc" -eq 0 ] || { cat "$workdir/$1-$2.out" >&2; fail "$1 ($2) exited with $rc after SIGTERM"; }
  # A server that logged a failure while the clients saw nothing wrong still failed.
  if grep -qE 'WARNING|SEVERE|Exception| failed' "$workdir/$1-$2.out"; then
    cat "$workdir/$1-$2.out" >&2
    fail "$1 ($2) logged errors"
  fi
}

for backend in io_uring epoll; do
  start_server http "$backend"
  report="$workdir/wrk-$backend.txt"
  # A generous timeout: on a busy 2-core machine latency can pass wrk's default 2 s without any
  # fault; a connection the server drops or forgets still shows up as an error.
  wrk -t2 -c"$WRK_CONNECTIONS" -d"${WRK_SECONDS}s" --timeout 10s "http://127.0.0.1:$port/" >"$report" 2>&1 \
    || { cat "$report"; fail "wrk failed"; }
  cat "$report"
  if grep -qE '^\s*(Socket errors|Non-2xx or 3xx responses)' "$report"; then
    fail "wrk saw errors against http ($backend)"
  fi
  grep -qE '^Requests/sec:\s+[0-9]' "$report" || fail "wrk printed no request rate"
  stop_and_check http "$backend"

  start_server resp "$backend"
  report="$workdir/redis-$backend.txt"
  timeout 180 redis-benchmark -p "$port" -t ping,set,get,incr -P 16 -c "$REDIS_CLIENTS" -n "$REDIS_REQUESTS" -q \
    2>&1 | tr '\r' '\n' | grep -v 'rps=' | grep -v '^\s*$' >"$report" || true
  cat "$report"
  if grep -qiE 'error|ERR|WARNING|reset|refused' "$report"; then
    fail "redis-benchmark reported errors against resp ($backend)"
  fi
  for test in PING_INLINE PING_MBULK SET GET INCR; do
    grep -qE "^$test: [0-9.]+ requests per second" "$report" || fail "redis-benchmark did not finish $test ($backend)"
  done
  stop_and_check resp "$backend"

  log "demo ($backend): 1000 clients, 100 echo round trips each"
  timeout 300 "$java_bin" --enable-native-access=ALL-UNNAMED -jar target/loomring-examples.jar demo \
    --backend "$backend" || fail "the demo failed ($backend)"
done
log "all passed"
