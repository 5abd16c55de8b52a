# Shell pieces shared by Loomring's scripts. Source it; it defines functions and sets nothing else:
#
#   . "$(dirname "$0")/scripts/lib.sh"       (from the repository root; adjust the path elsewhere)
#
#   loomring_java               prints the path of a `java` of version 25 or newer, or fails
#   loomring_require_java NAME  the same, or exits with a message naming the calling script
#   loomring_install CMD:PKG... installs the Debian package of each missing command (as root)
#   loomring_strip_colour       filter: removes the ANSI colour codes Maven prints even with -B
#   loomring_maven_repo         prints the local Maven repository in use (-Dmaven.repo.local in
#                               MAVEN_OPTS, else ~/.m2/repository)
#
# Time limits, so that a step that hangs fails with a message instead of waiting forever:
#   loomring_timeout [--also PID]... [--dumps FILE] SECONDS CMD...
#                               runs CMD; past SECONDS, dumps the threads of its JVMs (and of each
#                               --also PID), ends it and returns 124
#   loomring_thread_dump PID... prints the threads of every JVM among PID and its descendants
#   loomring_end [--dump] GRACE PID...
#                               SIGTERM to PID and its descendants, SIGKILL GRACE seconds later
#   loomring_end_descendants GRACE
#                               the same for everything this shell started (for an EXIT trap)
#   loomring_wait PID SECONDS   waits for a child at most SECONDS; its status, or 124
#   loomring_process_tree PID   prints PID and its descendants
#   loomring_running PID        true while PID runs (an unreaped zombie does not)

# The major version of a java binary (25 for "25.0.3"), or nothing.
loomring_java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -1
}

# Prints a java >= 25. Looks, in this order, at LOOMRING_JAVA (a java binary), LOOMRING_JDK and
# JAVA_HOME (JDK directories), the JDKs under /usr/lib/jvm and SDKMAN, and `java` on PATH.
loomring_java() {
  local candidate major
  local candidates=()
  [ -n "${LOOMRING_JAVA:-}" ] && candidates+=("$LOOMRING_JAVA")
  [ -n "${LOOMRING_JDK:-}" ] && candidates+=("$LOOMRING_JDK/bin/java")
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  for candidate in /usr/lib/jvm/*/bin/java "${SDKMAN_DIR:-$HOME/.sdkman}"/candidates/java/*/bin/java; do
    candidates+=("$candidate")
  done
  candidate=$(command -v java 2>/dev/null || true)
  [ -n "$candidate" ] && candidates+=("$candidate")
  for candidate in "${candidates[@]}"; do
    [ -x "$candidate" ] || continue
    major=$(loomring_java_major "$candidate")
    if [[ "$major" =~ ^[0-9]+$ ]] && [ "$major" -ge 25 ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# loomring_require_java NAME: prints a java >= 25, or exits 1 saying where it looked.
loomring_require_java() {
  if ! loomring_java; then
    echo "$1: no JDK 25 or newer found (looked at LOOMRING_JAVA, LOOMRING_JDK, JAVA_HOME, /usr/lib/jvm," \
      "SDKMAN and PATH); install one or set LOOMRING_JAVA=/path/to/java" >&2
    exit 1
  fi
}

# loomring_install CMD:PKG...: for every CMD not on PATH, installs Debian package PKG with apt-get
# (one `apt-get update` first). A CMD with a slash is a path pattern instead (for binaries off PATH,
# such as /usr/lib/postgresql/*/bin/initdb). Fails, naming the packages, when not root or without
# apt-get.
loomring_install() {
  local pair what missing=()
  for pair in "$@"; do
    what="${pair%%:*}"
    if [[ "$what" == */* ]]; then
      compgen -G "$what" >/dev/null || missing+=("${pair#*:}")
    else
      command -v "$what" >/dev/null 2>&1 || missing+=("${pair#*:}")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "missing: ${missing[*]} (install them: apt-get install ${missing[*]})" >&2
    return 1
  fi
  echo "installing ${missing[*]} (apt-get)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || return 1
  # A package dpkg counts as installed while its command is gone (deleted by hand) is skipped by
  # a plain install: reinstall what is still missing.
  local again=()
  for pair in "$@"; do
    what="${pair%%:*}"
    if [[ "$what" != */* ]] && ! command -v "$what" >/dev/null 2>&1; then
      again+=("${pair#*:}")
    fi
  done
  [ ${#again[@]} -eq 0 ] && return 0
  echo "reinstalling ${again[*]} (apt-get): installed, but the command is missing"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --reinstall "${again[@]}" >/dev/null
}

# Removes ANSI colour codes (Maven 3.8 prints colour resets even in batch mode).
loomring_strip_colour() {
  sed 's/\x1b\[[0-9;]*m//g'
}

# The local Maven repository the build uses.
loomring_maven_repo() {
  local opt
  for opt in ${MAVEN_OPTS:-}; do
    case "$opt" in
      -Dmaven.repo.local=*) echo "${opt#-Dmaven.repo.local=}"; return 0 ;;
    esac
  done
  echo "${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}"
}

# ------------------------------------------------------------------------------------------------
# Time limits. Background jobs of a script ignore SIGINT (bash sets that up when job control is
# off), so Ctrl-C does not reach them: a script that uses these helpers ends what it started in an
# EXIT trap (loomring_end_descendants).

# True while process PID runs: /proc/PID exists and is not a zombie (a child this shell has not
# reaped yet still answers `kill -0`).
loomring_running() {
  local state
  state=$(sed 's/^.*) //; s/ .*//' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# loomring_process_tree PID: PID and every process descended from it, one a line, parents first.
loomring_process_tree() {
  # /proc/PID/stat is "pid (comm) state ppid ..."; comm may hold spaces and parentheses. cat opens
  # the files, not awk: a process may end between the glob and the read, and mawk stops at a file it
  # cannot open.
  cat /proc/[0-9]*/stat 2>/dev/null | awk -v root="$1" '
    { pid = $1; sub(/^.*\) /, ""); parent[pid] = $2; order[++n] = pid }
    END {
      print root; tree[root] = 1
      do {
        added = 0
        for (i = 1; i <= n; i++) {
          p = order[i]
          if (!(p in tree) && (parent[p] in tree)) { tree[p] = 1; print p; added = 1 }
        }
      } while (added)
    }'
}

# loomring_thread_dump PID...: prints a thread dump of every JVM among each PID and its
# descendants: first all threads, virtual ones included (jcmd Thread.dump_to_file: a plain thread
# dump leaves out virtual threads that are not mounted), then the platform threads with the locks
# they hold and any deadlock the JVM finds (jcmd Thread.print -l). Where jcmd cannot attach, sends
# SIGQUIT: the JVM then prints its platform threads to its own output.
loomring_thread_dump() {
  local root pid jcmd file
  for root in "$@"; do
    for pid in $(loomring_process_tree "$root"); do
      [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = java ] || continue
      echo "---- threads of JVM $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-400)), $(date -u +%H:%M:%S) UTC"
      # The jcmd of the JVM's own JDK: Maven's JVM may be an older one than the project's.
      jcmd="$(dirname "$(readlink "/proc/$pid/exe" 2>/dev/null || echo /nonexistent/java)")/jcmd"
      if [ ! -x "$jcmd" ]; then
        jcmd=$(command -v jcmd 2>/dev/null || echo /nonexistent/jcmd)
      fi
      file=$(mktemp -u "${TMPDIR:-/tmp}/loomring-threads-$pid.XXXXXX")
      # A JVM that cannot reach a safepoint can hold jcmd forever; hence its own limit.
      if timeout 30 "$jcmd" "$pid" Thread.dump_to_file -format=text "$file" >/dev/null 2>&1 && [ -s "$file" ]; then
        cat "$file"
        echo "---- platform threads, locks and deadlocks of JVM $pid (jcmd Thread.print -l)"
        timeout 30 "$jcmd" "$pid" Thread.print -l 2>&1 || true
      elif timeout 30 "$jcmd" "$pid" Thread.print -l 2>&1; then
        :
      else
        echo "(jcmd could not attach; sent SIGQUIT: the JVM prints its platform threads to its own output)"
        kill -QUIT "$pid" 2>/dev/null || true
        sleep 1
      fi
      rm -f "$file"
      echo "---- end of the threads of JVM $pid"
    done
  done
}

# loomring_end [--dump] GRACE PID...: sends SIGTERM to each PID and its descendants, and SIGKILL to
# those still running GRACE seconds later (with --dump, after printing the threads of the JVMs
# among them). Returns 0 when SIGTERM was enough, 1 when SIGKILL was needed.
loomring_end() {
  local dump=0 grace pid deadline
  if [ "${1:-}" = --dump ]; then dump=1; shift; fi
  grace=$1
  shift
  local pids=() left=()
  for pid in "$@"; do
    [ -n "$pid" ] && pids+=($(loomring_process_tree "$pid"))
  done
  [ ${#pids[@]} -eq 0 ] && return 0
  kill -TERM "${pids[@]}" 2>/dev/null || true
  deadline=$((SECONDS + grace))
  while :; do
    left=()
    for pid in "${pids[@]}"; do
      if loomring_running "$pid"; then left+=("$pid"); fi
    done
    [ ${#left[@]} -eq 0 ] && return 0
    [ "$SECONDS" -ge "$deadline" ] && break
    sleep 0.2
  done
  if [ "$dump" -eq 1 ]; then
    echo "---- still running ${grace} s after SIGTERM: ${left[*]}"
    loomring_thread_dump "${left[@]}"
  fi
  kill -KILL "${left[@]}" 2>/dev/null || true
  return 1
}

# loomring_end_descendants GRACE: loomring_end for every process this shell started (servers,
# loads, builds, and what they started in turn). For an EXIT trap.
loomring_end_descendants() {
  local children
  children=$(loomring_process_tree "$$" | tail -n +2)
  # shellcheck disable=SC2086 # one word per process
  loomring_end "$1" $children || true
}

# loomring_wait PID SECONDS: waits for PID, a child of this shell, at most SECONDS; returns its
# exit status, or 124 when it still runs then. Needs bash 5.1 (wait -p).
loomring_wait() {
  local pid=$1 timer finished="" status=0
  sleep "$2" &
  timer=$!
  # Whichever ends first: PID or the timer. A trapped signal ends the wait too; then wait again.
  while [ -z "$finished" ] && [ "$status" -ne 127 ]; do
    status=0
    wait -n -p finished "$pid" "$timer" || status=$?
  done
  kill "$timer" 2>/dev/null || true
  wait "$timer" 2>/dev/null || true
  if [ "$finished" = "$pid" ]; then
    return "$status"
  fi
  return 124
}

# loomring_timeout [--also PID]... [--dumps FILE] SECONDS CMD...: runs CMD and returns its status;
# or, when CMD still runs after SECONDS: prints a thread dump of every JVM in CMD's process tree and
# of each --also PID (the server CMD was talking to), to stdout or into FILE, so the log shows
# where it hung; ends CMD (SIGTERM, SIGKILL 10 s later) and returns 124, as timeout(1) does. The
# caller says which step it was. CMD runs as a background job (stdin /dev/null); it may be a shell
# function.
loomring_timeout() {
  local also=() dumps="" limit pid status
  while :; do
    case "${1:-}" in
      --also) also+=("$2"); shift 2 ;;
      --dumps) dumps=$2; shift 2 ;;
      *) break ;;
    esac
  done
  limit=$1
  shift
  "$@" &
  pid=$!
  status=0
  loomring_wait "$pid" "$limit" || status=$?
  if [ "$status" -ne 124 ]; then
    return "$status"
  fi
  if ! loomring_running "$pid"; then   # it ended just now, or returned 124 itself
    status=0
    wait "$pid" || status=$?
    return "$status"
  fi
  # To stdout through the descriptor CMD writes to as well (reopening /dev/stdout would give a
  # second file offset, and CMD's next lines would overwrite the dump).
  if [ -n "$dumps" ]; then
    loomring_timeout_dump "$limit" "$pid" "${also[@]}" "--" "$@" >>"$dumps"
  else
    loomring_timeout_dump "$limit" "$pid" "${also[@]}" "--" "$@"
  fi
  wait "$pid" 2>/dev/null || true
  return 124
}

# loomring_timeout's part after the limit: LIMIT PID ALSO... -- CMD...
loomring_timeout_dump() {
  local limit=$1 pid=$2
  shift 2
  local also=()
  while [ "$1" != -- ]; do also+=("$1"); shift; done
  shift
  echo "---- still running after ${limit} s: $*"
  loomring_thread_dump "$pid" "${also[@]}"
  if ! loomring_end 10 "$pid"; then
    echo "---- it did not end within 10 s of SIGTERM: killed"
  fi
}
