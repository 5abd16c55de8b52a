#!/usr/bin/env bash
# Runs `java` from a JDK 25 or newer (found by lib.sh), whatever `java` on PATH is:
#   scripts/java.sh --enable-native-access=ALL-UNNAMED -jar some.jar ...
set -euo pipefail
. "$(dirname "$0")/lib.sh"
java_bin=$(loomring_require_java scripts/java.sh)
exec "$java_bin" "$@"
