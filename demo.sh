#!/usr/bin/env bash
# The first command to run. Builds the library, the examples and the benchmarks (skipping tests),
# then serves HTTP/1.1 "Hello, World!" at 256 keep-alive connections on Loomring (each threading
# mode) side by side with the JDK's own virtual-thread sockets and Netty 4.2 (io_uring, epoll; left
# out when its jars cannot be fetched), and prints one table: requests/s, latency, CPU time,
# syscalls and memory per request. Load comes from wrk when it is installed, otherwise from a small
# load generator on Loomring's own client sockets. About two minutes on 2 cores.
#
#   ./demo.sh                      the side-by-side table (benchmarks/run.sh --demo)
#   ./demo.sh echo [--backend B]   the echo demo: an echo server and 1000 clients on virtual threads
#                                  over Loomring, every echo checked
#
# Uses a JDK 25+ from JAVA_HOME or /usr/lib/jvm (or LOOMRING_JAVA=/path/to/java), whatever `java`
# on PATH is.
set -euo pipefail
cd "$(dirname "$0")"

if [ "${1:-}" != echo ]; then
  exec benchmarks/run.sh --demo "$@"
fi
shift

java_bin="${LOOMRING_JAVA:-}"
if [ -z "$java_bin" ]; then
  for candidate in "${JAVA_HOME:-/nonexistent}/bin/java" /usr/lib/jvm/*/bin/java "$(command -v java || true)"; do
    [ -x "$candidate" ] || continue
    major=$("$candidate" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ -n "$major" ] && [ "$major" -ge 25 ] 2>/dev/null; then java_bin="$candidate"; break; fi
  done
fi
if [ -z "$java_bin" ]; then
  echo "demo.sh: no JDK 25 or newer found (looked at JAVA_HOME, /usr/lib/jvm, PATH); set LOOMRING_JAVA" >&2
  exit 1
fi

echo "building the library and the examples..."
quiet_build() { "$@" 2>&1 | sed 's/\x1b\[[0-9;]*m//g'; }   # Maven prints colour resets even with -q
quiet_build mvn -q -B -ntp install -DskipTests
(cd examples && quiet_build mvn -q -B -ntp package -DskipTests)
exec "$java_bin" --enable-native-access=ALL-UNNAMED -jar examples/target/loomring-examples.jar demo "$@"
