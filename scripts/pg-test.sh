#!/usr/bin/env bash
# A throw-away PostgreSQL 15 cluster on a loopback port, for the test suite.
#   scripts/pg-test.sh start DIR PORT   -> prints the connection URL
#   scripts/pg-test.sh stop DIR
# The cluster runs as the 'postgres' system user (PostgreSQL refuses root).
set -euo pipefail
cmd=${1:?start|stop}
dir=${2:?data directory}
bin=/usr/lib/postgresql/15/bin
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case $cmd in
  start)
    port=${3:?port}
    rm -rf "$dir"
    mkdir -p "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -U mingjing -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      start >/dev/null
    as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U mingjing mingjing_test
    echo "postgresql://mingjing@127.0.0.1:$port/mingjing_test"
    ;;
  stop)
    if [[ -d "$dir/data" ]]; then
      as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
