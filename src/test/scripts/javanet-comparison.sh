#!/usr/bin/env bash
# The same JDBC (PostgreSQL driver) and Jedis workloads on the JDK's sockets and on Loomring's
# (io_uring, epoll), in one run, interleaved rounds, medians: io.loomring.net.JavaNetComparison.
# Starts its own PostgreSQL and redis-server (src/test/scripts/test-servers.sh) and stops them.
#
#   src/test/scripts/javanet-comparison.sh [ROUNDS]      (default 5)
#
# Needs Maven, a JDK 25 under /usr/lib/jvm (or LOOMRING_JAVA=/path/to/java), and the Debian
# packages postgresql and redis-server (installed when missing and running as root).
set -euo pipefail
cd "$(dirname "$0")/../../.."

java_bin="${LOOMRING_JAVA:-}"
if [ -z "$java_bin" ]; then
  for candidate in /usr/lib/jvm/*25*/bin/java /usr/lib/jvm/*2[6-9]*/bin/java; do
    if [ -x "$candidate" ]; then java_bin="$candidate"; break; fi
  done
fi
[ -n "$java_bin" ] || { echo "no JDK 25+ found under /usr/lib/jvm; set LOOMRING_JAVA" >&2; exit 1; }

mvn -B -q -ntp test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/javanet-comparison.classpath
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec "$java_bin" --enable-native-access=ALL-UNNAMED -Xss1m \
  -cp "target/classes:target/test-classes:$(cat target/javanet-comparison.classpath)" \
  io.loomring.net.JavaNetComparison "$@"
