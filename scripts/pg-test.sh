#!/bin/sh
# Throwaway PostgreSQL for tests and CI (Debian's packages; no docker).
# usage: scripts/pg-test.sh start|stop     env: PGTEST_DIR (default /tmp/overlook-pgtest), PGTEST_PORT (default 54329)
# Works as root (drops to the 'postgres' user, since initdb refuses root) or as any other user.
set -eu
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "PostgreSQL server binaries not found. Install them with: apt-get install -y postgresql" >&2
  exit 3
fi
DIR=${PGTEST_DIR:-/tmp/overlook-pgtest}
# The postgres user may not be able to enter the caller's directory; run from /.
cd /
PORT=${PGTEST_PORT:-54329}
if [ "$(id -u)" = 0 ]; then AS="runuser -u postgres --"; else AS=""; fi
case "${1:-}" in
start)
  if [ -f "$DIR/data/postmaster.pid" ]; then $AS "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$DIR"; mkdir -p "$DIR"
  if [ -n "$AS" ]; then chown postgres:postgres "$DIR"; fi
  $AS "$PGBIN/initdb" -D "$DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$DIR/initdb.log"
  $AS "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 30 \
     -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c timezone=UTC" start >/dev/null
  echo "postgres://postgres@127.0.0.1:$PORT/postgres";;
stop)
  if [ -d "$DIR/data" ]; then $AS "$PGBIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null || true; fi
  rm -rf "$DIR";;
*) echo "usage: $0 start|stop" >&2; exit 2;;
esac
