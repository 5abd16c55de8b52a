#!/usr/bin/env bash
# The first command to run. Builds the library, the examples and the benchmarks (skipping tests),
# then serves HTTP/1.1 "Hello, World!" at 256 keep-alive connections on Loomring (each threading
# mode) side by side with the JDK's own virtual-thread sockets and Netty 4.2 (io_uring, epoll; left
# out when its jars cannot be fetched), and prints one table: requests/s, latency, CPU time,
# syscalls and memory per request. Load comes from wrk when it is installed, otherwise from a small
# load generator on Loomring's own client sockets. About two and a half minutes on 2 cores.
#
#   ./demo.sh                      the side-by-side table (benchmarks/run.sh --demo)
#   ./demo.sh echo [--backend B]   the echo demo: an echo server and 1000 clients on virtual threads
#                                  over Loomring, every echo checked
#
# Uses a JDK 25+ found by scripts/lib.sh (LOOMRING_JAVA=/path/to/java, JAVA_HOME, /usr/lib/jvm,
# ...), whatever `java` on PATH is. Every step has a time limit (the table's are in benchmarks/run.sh):
# one that hangs fails with a message naming it, and the threads of its JVMs go to a log first.
set -euo pipefail
cd "$(dirname "$0")"

if [ "${1:-}" != echo ]; then
  exec benchmarks/run.sh --demo "$@"
fi
shift

. scripts/lib.sh
java_bin=$(loomring_require_java demo.sh)

BUILD_LIMIT=900   # one mvn build: seconds when warm, minutes on a fresh machine that downloads plugins
ECHO_LIMIT=180    # the echo demo itself takes a few seconds
THREADS_LOG="$PWD/target/echo-demo-threads.log"   # thread dumps of whatever outlived its limit

# Background jobs ignore SIGINT: end what this script started on every way out.
trap 'loomring_end_descendants 5' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# build WHAT DIR MAVEN_ARGS...: one quiet Maven build in DIR; exits when it fails or hangs.
build() {
  local what=$1 dir=$2 status=0
  shift 2
  (cd "$dir" && loomring_timeout --dumps "$THREADS_LOG" "$BUILD_LIMIT" mvn -q -B -ntp "$@") 2>&1 \
    | loomring_strip_colour || status=$?
  if [ "$status" -eq 124 ]; then
    echo "demo.sh: building $what did not finish within $BUILD_LIMIT s; Maven's threads are in $THREADS_LOG" >&2
  fi
  [ "$status" -eq 0 ] || exit "$status"
}

# The echo server and its 1000 clients, each echo checked (the examples jar's `demo`).
echo_demo() {
  local status=0
  loomring_timeout --dumps "$THREADS_LOG" "$ECHO_LIMIT" \
    "$java_bin" --enable-native-access=ALL-UNNAMED -jar examples/target/loomring-examples.jar demo "$@" || status=$?
  if [ "$status" -eq 124 ]; then
    echo "demo.sh: the echo demo (an echo server and 1000 clients, 100 echoes each) did not finish within" \
      "$ECHO_LIMIT s; it takes a few seconds. The threads of its JVM are in $THREADS_LOG" >&2
  fi
  return "$status"
}

mkdir -p target
rm -f "$THREADS_LOG"
echo "building the library and the examples..."
build "the library" . install -DskipTests
build "the examples" examples package -DskipTests
echo_demo "$@"
