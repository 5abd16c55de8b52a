#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis servers for the java.net drop-in tests (JavaNet*Test).
#
#   test-servers.sh postgres start DIR PORT   a new cluster in DIR/data, on 127.0.0.1:PORT, with its
#                                             unix socket in DIR/run; prints the bin directory
#                                             (as root, when the postgres user cannot reach DIR:
#                                             under /tmp instead, named in DIR/pgdir); with
#                                             ssl = on and a self-signed certificate, copied to
#                                             DIR/server.crt, where openssl is installed (the TLS
#                                             tests skip otherwise)
#   test-servers.sh postgres stop DIR         stops it (immediate mode) and removes DIR/data
#   test-servers.sh redis start DIR PORT      redis-server on 127.0.0.1:PORT, no persistence
#   test-servers.sh redis stop DIR
#
# Installs the Debian packages postgresql / redis-server when missing and running as root. Exits 77
# (with the reason on stderr) when the server is absent and cannot be installed: the tests skip.
# initdb and postgres refuse to run as root, so as root they run as the `postgres` user, in a data
# directory that user owns.
set -euo pipefail

UNAVAILABLE=77
log() { echo "test-servers: $*" >&2; }

install_if_missing() { # package, command to check
  local pkg=$1 check=$2
  if eval "$check" >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    log "$pkg is not installed and cannot be installed here (needs root and apt-get)"
    exit $UNAVAILABLE
  fi
  log "installing $pkg"
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq >/dev/null && apt-get install -y -qq "$pkg" >/dev/null; }; then
    log "apt-get install $pkg failed"
    exit $UNAVAILABLE
  fi
  eval "$check" >/dev/null 2>&1 || { log "$pkg installed but still not found"; exit $UNAVAILABLE; }
}

pg_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  return 1
}

as_pg() { # runs a command as the postgres user when root (initdb and postgres refuse root)
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Where the cluster lives: DIR itself, or (root only) a directory under /tmp when the postgres
# user cannot reach DIR, e.g. a checkout under /root; DIR/pgdir names it for the stop.
pg_home() {
  local dir=$1
  if [ -f "$dir/pgdir" ]; then cat "$dir/pgdir"; else echo "$dir"; fi
}

postgres_start() {
  local dir=$1 port=$2 bin home
  install_if_missing postgresql pg_bindir
  bin=$(pg_bindir)
  home=$dir
  rm -f "$dir/pgdir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$dir"
    if ! runuser -u postgres -- test -w "$dir"; then
      home=$(mktemp -d /tmp/loomring-test-postgres.XXXXXX)
      chown postgres "$home"
      echo "$home" >"$dir/pgdir"
      log "the postgres user cannot reach $dir (a parent is not searchable); cluster in $home"
    fi
  fi
  mkdir -p "$home/run"
  rm -rf "$home/data"
  [ "$(id -u)" -ne 0 ] || chown postgres "$home/run"
  as_pg "$bin/initdb" -D "$home/data" -U postgres -A trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  local ssl=off
  rm -f "$dir/server.crt"
  if postgres_certificate "$home/data" "$dir/openssl.log"; then
    ssl=on
    cp "$home/data/server.crt" "$dir/server.crt" # for clients that verify it (sslrootcert)
  fi
  as_pg "$bin/pg_ctl" -D "$home/data" -l "$home/postgres.log" -w -t 60 \
    -o "-p $port -k $home/run -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c ssl=$ssl" \
    start >/dev/null || { cat "$home/postgres.log" >&2; exit 1; }
  echo "$bin"
}

# A self-signed key and certificate for 127.0.0.1 where the server looks for them by default
# (server.key, server.crt in the data directory), owned by the server's user and private to it, as
# the server requires. Returns 1 when openssl is not installed: the cluster then runs without TLS.
postgres_certificate() {
  local data=$1 log=$2
  if ! command -v openssl >/dev/null; then
    log "openssl is not installed: the cluster runs with ssl = off"
    return 1
  fi
  as_pg openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1,DNS:localhost \
    -keyout "$data/server.key" -out "$data/server.crt" >"$log" 2>&1 \
    || { cat "$log" >&2; exit 1; }
  as_pg chmod 600 "$data/server.key"
}

postgres_stop() {
  local dir=$1 bin home
  bin=$(pg_bindir) || return 0
  home=$(pg_home "$dir")
  if [ -f "$home/data/postmaster.pid" ]; then
    as_pg "$bin/pg_ctl" -D "$home/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$home/data"
  if [ "$home" != "$dir" ]; then rm -rf "$home"; rm -f "$dir/pgdir"; fi
}

redis_start() {
  local dir=$1 port=$2
  install_if_missing redis-server "command -v redis-server"
  mkdir -p "$dir"
  rm -f "$dir/redis.pid"
  # 1000+ clients: redis lowers maxclients to what the fd limit allows
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --maxclients 4000
  local i
  for i in $(seq 1 100); do
    if [ -s "$dir/redis.pid" ] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  log "redis-server did not start"; cat "$dir/redis.log" >&2 || true; exit 1
}

redis_stop() {
  local dir=$1 pid
  [ -s "$dir/redis.pid" ] || return 0
  pid=$(cat "$dir/redis.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$dir/redis.pid"
}

case "${1:-} ${2:-}" in
  "postgres start") postgres_start "$3" "$4" ;;
  "postgres stop") postgres_stop "$3" ;;
  "redis start") redis_start "$3" "$4" ;;
  "redis stop") redis_stop "$3" ;;
  *) echo "usage: $0 postgres|redis start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
