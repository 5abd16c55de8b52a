#!/usr/bin/env bash
# Builds the library and the examples (skipping tests) and runs the demo: an echo server and a
# thousand clients on virtual threads over Loomring, which prints what it did and exits.
# Arguments go to the demo (e.g. --backend epoll). Uses a JDK 25+ from /usr/lib/jvm or JAVA_HOME
# (or LOOMRING_JAVA=/path/to/java), whatever `java` on PATH is.
set -euo pipefail
cd "$(dirname "$0")"

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
