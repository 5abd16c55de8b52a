#!/usr/bin/env bash
# Runs one of the examples with a JDK 25, whatever `java` on PATH is:
#
#   examples/run.sh NAME --port N [--host H] [--backend io_uring|epoll|auto] [--mode M]
#   examples/run.sh http --port 8080
#
# Builds target/loomring-examples.jar first (the library with `mvn install`, then the examples,
# tests skipped) when it is missing or older than the sources. The JDK is found by
# ../scripts/lib.sh (LOOMRING_JAVA=/path/to/java picks one).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
. "$ROOT/scripts/lib.sh"
java_bin=$(loomring_require_java examples/run.sh)
jar="$HERE/target/loomring-examples.jar"

if [ ! -f "$jar" ] || [ -n "$(find "$ROOT/pom.xml" "$ROOT/src/main" "$HERE/pom.xml" "$HERE/src/main" \
      -newer "$jar" -print -quit)" ]; then
  echo "examples/run.sh: building $jar (library and examples, tests skipped)..." >&2
  (cd "$ROOT" && mvn -q -B -ntp install -DskipTests 2>&1 | loomring_strip_colour) >&2
  (cd "$HERE" && mvn -q -B -ntp package -DskipTests 2>&1 | loomring_strip_colour) >&2
fi
exec "$java_bin" --enable-native-access=ALL-UNNAMED -jar "$jar" "$@"
