#!/usr/bin/env bash
# Starts (or stops) a throwaway PostgreSQL cluster on 127.0.0.1 for tests and benchmarks.
#   scripts/postgres.sh start   -> prints the URL to use as DATAWARD_TEST_POSTGRES_URL
#   scripts/postgres.sh stop    (the data stays; the next start reuses it)
# Installs the PostgreSQL server with apt-get when its binaries are missing. initdb refuses to
# run as root, so the cluster belongs to the `postgres` user.
set -euo pipefail

PORT="${DATAWARD_PG_PORT:-55432}"
# PostgreSQL's own buffer cache. Its default (128MB) suits tests; a benchmark store of a million
# persons (about 20 GB) wants a few GB, as a production server would (a quarter of its memory).
SHARED_BUFFERS="${DATAWARD_PG_SHARED_BUFFERS:-128MB}"
# DATAWARD_PG_HUGE_PAGES=on puts that cache in 2 MiB huge pages (reserved with sysctl, so as
# root). Without them every backend maps the cache 4 KiB at a time and takes a page fault on
# each page it touches first; with a few GB of buffers that cost about a sixth of a trace's
# throughput.
HUGE_PAGES="${DATAWARD_PG_HUGE_PAGES:-try}"
MAX_CONNECTIONS=200
DATA="${DATAWARD_PG_DATA:-/var/tmp/dataward-pg-$PORT}"

find_bin() {
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(readlink -f "$(command -v initdb)")"; return 0; }
  return 1
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
  start)
    if ! BIN="$(find_bin)"; then
      echo "installing the PostgreSQL server with apt-get..." >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >&2
      apt-get install -y -qq postgresql >&2
      BIN="$(find_bin)"
    fi
    if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
      useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    fi
    if as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
      echo "postgres://postgres@127.0.0.1:$PORT/postgres"
      exit 0
    fi
    # A cluster left by an earlier start (say, before a reboot) is started again, not wiped:
    # benchmark stores on it take most of an hour to build.
    if [ ! -f "$DATA/PG_VERSION" ]; then
      rm -rf "$DATA"
      mkdir -p "$DATA"
      [ "$(id -u)" = 0 ] && chown postgres: "$DATA"
      as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --no-locale >/dev/null
    fi
    if [ "$HUGE_PAGES" = on ]; then
      # PostgreSQL 15 computes how many huge pages its shared memory needs (server stopped).
      NEEDED="$(as_owner "$BIN/postgres" -D "$DATA" -c shared_buffers="$SHARED_BUFFERS" -c max_connections=$MAX_CONNECTIONS \
        -C shared_memory_size_in_huge_pages)"
      HAVE="$(cat /proc/sys/vm/nr_hugepages)"
      if [ "$HAVE" -lt "$NEEDED" ]; then
        sysctl -q -w vm.nr_hugepages="$NEEDED" || { echo "cannot reserve $NEEDED huge pages (run as root)" >&2; exit 1; }
        [ "$(cat /proc/sys/vm/nr_hugepages)" -ge "$NEEDED" ] || { echo "the kernel reserved fewer than $NEEDED huge pages" >&2; exit 1; }
      fi
    fi
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=$MAX_CONNECTIONS -c shared_buffers=$SHARED_BUFFERS -c huge_pages=$HUGE_PAGES" \
      start >/dev/null
    echo "postgres://postgres@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    BIN="$(find_bin)" || exit 0
    as_owner "$BIN/pg_ctl" -D "$DATA" -m fast stop >/dev/null 2>&1 || true
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
