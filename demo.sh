#!/usr/bin/env bash
# Builds the library and the examples (skipping tests) and runs the demo: an echo server and a
# thousand clients on virtual threads over Loomring, which prints what it did and exits.
# Arguments go to the demo (e.g. --backend epoll). Uses a JDK 25+ found by scripts/lib.sh
# (LOOMRING_JAVA=/path/to/java, JAVA_HOME, /usr/lib/jvm, ...), whatever `java` on PATH is.
set -euo pipefail
cd "$(dirname "$0")"

. scripts/lib.sh
java_bin=$(loomring_require_java demo.sh)

echo "building the library and the examples..."
quiet_build() { "$@" 2>&1 | sed 's/\x1b\[[0-9;]*m//g'; }   # Maven prints colour resets even with -q
quiet_build mvn -q -B -ntp install -DskipTests
(cd examples && quiet_build mvn -q -B -ntp package -DskipTests)
exec "$java_bin" --enable-native-access=ALL-UNNAMED -jar examples/target/loomring-examples.jar demo "$@"
