#!/usr/bin/env bash
# Runs every Loomring test: the library's JUnit suite (both backends), the jcstress suite in its
# short mode (including the check that the deliberately broken twins fail), and the examples'
# integration tests. Needs Maven and an installed JDK 25 (found automatically under /usr/lib/jvm).
set -euo pipefail
cd "$(dirname "$0")"

# The java.net drop-in tests run PostgreSQL and redis-server (src/test/scripts/test-servers.sh,
# which also installs them on demand); install them up front where we can.
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
if [ ${#need[@]} -gt 0 ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "== installing ${need[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "== library: JUnit suite"
mvn -B -ntp install

if [ -x jcstress-tests/run.sh ]; then
  echo "== jcstress-tests (quick)"
  jcstress-tests/run.sh quick
fi

if [ -x examples/run-tests.sh ]; then
  echo "== examples"
  examples/run-tests.sh
fi
echo "== all Loomring tests passed"
