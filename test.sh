#!/usr/bin/env bash
# Runs every Loomring test: the library's JUnit suite (both backends), the jcstress suite in its
# short mode (including the check that the deliberately broken twins fail), the examples'
# integration tests, and a smoke run of the benchmark harness (benchmarks/run.sh --smoke). Needs
# Maven and an installed JDK 25 (found automatically under /usr/lib/jvm).
set -euo pipefail
cd "$(dirname "$0")"

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
if [ -x benchmarks/run.sh ]; then
  echo "== benchmarks: harness smoke (every stack answers the same bytes; every output is written)"
  benchmarks/run.sh --smoke
fi
echo "== all Loomring tests passed"
