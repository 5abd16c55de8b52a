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
# ...), whatever `java` on PATH is.
set -euo pipefail
cd "$(dirname "$0")"

if [ "${1:-}" != echo ]; then
  exec benchmarks/run.sh --demo "$@"
fi
shift

. scripts/lib.sh
java_bin=$(loomring_require_java demo.sh)

echo "building the library and the examples..."
quiet_build() { "$@" 2>&1 | loomring_strip_colour; }
quiet_build mvn -q -B -ntp install -DskipTests
(cd examples && quiet_build mvn -q -B -ntp package -DskipTests)
exec "$java_bin" --enable-native-access=ALL-UNNAMED -jar examples/target/loomring-examples.jar demo "$@"
