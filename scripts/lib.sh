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
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
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
