#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and benchmarks: initdb into a temp dir,
# listening on loopback only, run as the `postgres` user (the server refuses root).
#   scripts/pg-cluster.sh start   prints `export WG_TEST_PG_URL=...; export WG_PG_CLUSTER=DIR`
#   scripts/pg-cluster.sh stop DIR
# Durability is switched off (fsync, synchronous_commit): the data is thrown away after
# the run, and the tests measure behaviour, not disks.
set -euo pipefail
BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}
[ -x "$BIN/initdb" ] || { echo "pg-cluster: no PostgreSQL server found under /usr/lib/postgresql (apt-get install postgresql)" >&2; exit 1; }

as_pg() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}

case "${1:-}" in
  start)
    dir=$(mktemp -d /tmp/wg-pg.XXXXXX)
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    chmod 700 "$dir"
    # A free loopback port: ask the kernel for one.
    port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
    as_pg "'$BIN/initdb' -D '$dir/data' -U postgres -A trust -E UTF8 --no-locale >'$dir/initdb.log' 2>&1" || { cat "$dir/initdb.log" >&2; exit 1; }
    as_pg "'$BIN/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -t 30 -o \"-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200\" start >/dev/null" || { cat "$dir/server.log" >&2; exit 1; }
    echo "export WG_TEST_PG_URL=postgres://postgres@127.0.0.1:$port/postgres; export WG_PG_CLUSTER=$dir"
    ;;
  stop)
    dir=${2:?usage: pg-cluster.sh stop DIR}
    case "$dir" in /tmp/wg-pg.*) ;; *) echo "pg-cluster: refusing to remove $dir (not a cluster this script made)" >&2; exit 1 ;; esac
    if [ -d "$dir/data" ]; then as_pg "'$BIN/pg_ctl' -D '$dir/data' -m immediate -w stop >/dev/null" || true; fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: pg-cluster.sh start | stop DIR" >&2
    exit 2
    ;;
esac
