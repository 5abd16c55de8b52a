#!/usr/bin/env bash
# Runs the library's JUnit suite once more with io_uring disabled for everyone
# (sysctl kernel.io_uring_disabled=2), where AUTO must choose epoll: AutoBackendTest checks it
# through -Dloomring.expectAutoBackend=epoll, and tests that need io_uring skip themselves.
# Restores the sysctl's old value on exit, also on failure or interruption.
# Needs root and a kernel with the sysctl (6.6+); otherwise says why and skips (exit 0).
set -euo pipefail
cd "$(dirname "$0")/.."

sysctl_file=/proc/sys/kernel/io_uring_disabled
if [ ! -e "$sysctl_file" ]; then
  echo "io_uring-disabled pass skipped: $sysctl_file does not exist (kernel older than 6.6)"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "io_uring-disabled pass skipped: changing kernel.io_uring_disabled needs root"
  exit 0
fi

old=$(cat "$sysctl_file")
restore() {
  if echo "$old" > "$sysctl_file"; then
    echo "kernel.io_uring_disabled restored to $old"
  else
    echo "WARNING: could not restore kernel.io_uring_disabled to $old" >&2
  fi
}
trap restore EXIT
trap 'exit 130' INT TERM

if ! echo 2 > "$sysctl_file" 2>/dev/null; then
  echo "io_uring-disabled pass skipped: cannot write $sysctl_file (read-only /proc/sys in this container?)"
  exit 0
fi
echo "== library: JUnit suite with kernel.io_uring_disabled=2 (was $old); AUTO must choose epoll"
mvn -B -ntp test -Dloomring.expectAutoBackend=epoll "$@"
