#!/usr/bin/env bash
# A throwaway PostgreSQL server for the workspace tests, on 127.0.0.1 only.
#
#   bash scripts/start_postgres.sh          start it (fresh data), print PILOTE_TEST_DATABASE_URL
#   bash scripts/start_postgres.sh stop     stop it and delete its data
#   bash scripts/start_postgres.sh status   exit 0 and print the URL when it is running
#
# Only the URL goes to stdout, so that `url="$(bash scripts/start_postgres.sh)"` works; progress
# and errors go to stderr. Debian's `postgresql` package is installed with apt-get when its
# binaries are missing (as root, or through passwordless sudo); when they are there, starting
# takes about three seconds. The cluster lives in $PILOTE_PG_DIR (default: a folder in /tmp)
# and listens on $PILOTE_PG_PORT (default 54329, the next free port if another program holds
# it), never on the network, and runs as the `postgres` user when started by root (PostgreSQL
# refuses to run as root). Nothing here touches Debian's own clusters (/var/lib/postgresql).
set -euo pipefail

ACTION="${1:-start}"
PORT="${PILOTE_PG_PORT:-54329}"
if [ "$(id -u)" = "0" ]; then
  TMP_ROOT=/tmp # the `postgres` user must be able to reach it
else
  TMP_ROOT="${TMPDIR:-/tmp}"
fi
DIR="${PILOTE_PG_DIR:-$TMP_ROOT/pilote-test-postgres-$(id -u)}"
DB=pilote_test
ROLE=pilote
MARKER=.pilote-test-postgres

say() { echo "start_postgres: $*" >&2; }

find_bindir() {
  local dir
  # Debian keeps the server binaries out of PATH, one folder per major version (a folder may
  # hold only the client's): take the newest that has the server.
  for dir in $(printf "%s\n" /usr/lib/postgresql/*/bin | sort -rV); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then
      echo "$dir"
      return
    fi
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
  fi
}

install_postgres() {
  local sudo=()
  if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo)
    else
      say "PostgreSQL is not installed and this user cannot install it."
      say "Install it with: sudo apt-get install postgresql"
      return 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    say "PostgreSQL is not installed and apt-get is not available: install PostgreSQL (initdb, pg_ctl)."
    return 1
  fi
  local log
  log="$(mktemp)"
  say "installing Debian's postgresql with apt-get (log: $log)..."
  local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -q
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  # Debian's server package creates and starts a cluster of its own on port 5432 unless
  # postgresql-common's createcluster.conf says not to: install that first, then switch it off.
  local conf=/etc/postgresql-common/createcluster.conf
  if ! {
    "${sudo[@]}" apt-get update -q &&
      "${apt[@]}" install --no-install-recommends postgresql-common &&
      if [ -f "$conf" ] && ! grep -q '^create_main_cluster' "$conf"; then
        "${sudo[@]}" sed -i 's/^#\?create_main_cluster.*/create_main_cluster = false/' "$conf"
      fi &&
      "${apt[@]}" install --no-install-recommends postgresql
  } >>"$log" 2>&1; then
    say "apt-get failed; the end of its log:"
    tail -n 30 "$log" >&2
    return 1
  fi
}

# Run a command as the cluster's owner: `postgres` when we are root, else ourselves.
as_owner() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

port_busy() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

running() {
  [ -f "$DIR/url" ] && [ -f "$DIR/data/postmaster.pid" ] && [ -n "${BINDIR:-}" ] &&
    as_owner "$BINDIR/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1
}

stop_cluster() {
  if [ -n "${BINDIR:-}" ] && [ -f "$DIR/data/postmaster.pid" ]; then
    as_owner "$BINDIR/pg_ctl" -D "$DIR/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  # Delete only a folder this script made (PILOTE_PG_DIR may point anywhere).
  if [ -e "$DIR/$MARKER" ]; then
    rm -rf "$DIR"
  elif [ -d "$DIR" ] && [ -n "$(ls -A "$DIR")" ]; then
    say "$DIR exists and was not made by this script: leaving it alone"
    return 1
  fi
}

BINDIR="$(find_bindir)"

case "$ACTION" in
  stop)
    stop_cluster
    say "stopped"
    exit 0
    ;;
  status)
    if running; then
      cat "$DIR/url"
      exit 0
    fi
    say "not running"
    exit 1
    ;;
  start) ;;
  *)
    say "usage: $0 [start|stop|status]"
    exit 2
    ;;
esac

if [ -z "$BINDIR" ]; then
  install_postgres
  BINDIR="$(find_bindir)"
  if [ -z "$BINDIR" ]; then
    say "PostgreSQL was installed but initdb/pg_ctl were not found under /usr/lib/postgresql."
    exit 1
  fi
fi

if running; then
  say "already running ($(cat "$DIR/port"))"
  cat "$DIR/url"
  exit 0
fi

# Not running: a fresh cluster, so that the tests never depend on what an earlier run left.
stop_cluster
if [ "$(id -u)" = "0" ] && ! id postgres >/dev/null 2>&1; then
  say "user 'postgres' is missing (it comes with Debian's postgresql-common package)."
  exit 1
fi
for _ in $(seq 1 20); do
  port_busy "$PORT" || break
  say "port $PORT is taken, trying $((PORT + 1))"
  PORT=$((PORT + 1))
done
if port_busy "$PORT"; then
  say "no free port found"
  exit 1
fi

mkdir -p "$DIR"
chmod 700 "$DIR"
touch "$DIR/$MARKER"
# Whatever fails from here on, leave no half-made server behind.
trap 'stop_cluster >/dev/null 2>&1 || true' EXIT
if [ "$(id -u)" = "0" ]; then
  chown postgres: "$DIR"
fi
PASSWORD="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
# Write the password where only the cluster's owner can read it, for initdb --pwfile.
as_owner sh -c "umask 077 && cat > '$DIR/pwfile'" <<<"$PASSWORD"

# Throwaway data: no fsync, no locale dependencies (C + UTF-8 always exists).
as_owner "$BINDIR/initdb" -D "$DIR/data" -U postgres --pwfile="$DIR/pwfile" \
  --auth-local=trust --auth-host=scram-sha-256 --no-locale -E UTF8 --no-sync \
  >"$DIR/initdb.log" 2>&1 || {
  say "initdb failed:"
  cat "$DIR/initdb.log" >&2
  exit 1
}
if ! as_owner "$BINDIR/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories='$DIR' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null; then
  say "the server did not start:"
  tail -n 20 "$DIR/server.log" >&2 || true
  exit 1
fi

as_owner "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR" -p "$PORT" -U postgres -d postgres \
  -v role="$ROLE" -v db="$DB" -v pw="$PASSWORD" >/dev/null <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'pw';
CREATE DATABASE :"db" OWNER :"role";
SQL

URL="postgresql://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB"
as_owner sh -c "umask 077 && cat > '$DIR/url' && echo '$PORT' > '$DIR/port'" <<<"$URL"
rm -f "$DIR/pwfile"
trap - EXIT
say "PostgreSQL $("$BINDIR/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT, data in $DIR"
echo "$URL"
