#!/usr/bin/env bash
# Fact store load (issue 4): how long the warning engine takes to read a
# county from the database into memory, and the memory it then holds.
#   bench/facts_load.sh [FACTS_LOAD_BINARY] [RECORDS]
# Writes RECORDS (default 2,000,000) synthetic records into a new SQLite
# database (build/bench/facts_load --generate: stored as the importer stores
# them), then loads them in a separate process, twice; prints records, load
# seconds, the store's bytes and peak RSS. Generation is not timed here.
# Set MINGJING_BENCH_PG=1 to add PostgreSQL (starts a throw-away cluster).
# Set MINGJING_BENCH_DB=URL (and MINGJING_BENCH_KEY=key file) to load an
# existing database instead, e.g. a `mingjing demo --scale 10` county.
set -euo pipefail
bin=$(realpath "${1:-build/bench/facts_load}")
records=${2:-2000000}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pgdir=""
cleanup() {
  [[ -n $pgdir ]] && "$here/scripts/pg-test.sh" stop "$pgdir" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

load() {  # load LABEL URL [ARGS...] → a Markdown row
  local label=$1 url=$2
  shift 2
  /usr/bin/time -v "$bin" --db "$url" "$@" >"$work/out" 2>"$work/time" || { cat "$work/out" "$work/time" >&2; exit 1; }
  value() { awk -v k="$1" '$1 == k {print $2}' "$work/out"; }
  local cpu
  cpu=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {printf "%.1f", u + s}' "$work/time")
  echo "| $label | $(value records) | $(value load_s) | $cpu | $(value store_mb) | $(value peak_rss_mb) | $(value index_6_s) |"
}

echo "| back end | records | load s | CPU s (whole process) | store MB | peak RSS MB | 6 join indexes s |"
echo "|---|---|---|---|---|---|---|"
if [[ -n ${MINGJING_BENCH_DB:-} ]]; then
  key=()
  [[ -n ${MINGJING_BENCH_KEY:-} ]] && key=(--key-file "$MINGJING_BENCH_KEY")
  load "given database" "$MINGJING_BENCH_DB" "${key[@]}"
  load "given database" "$MINGJING_BENCH_DB" "${key[@]}"
  exit 0
fi

"$bin" --db "sqlite:$work/county.db" --generate "$records" >/dev/null 2>&1
sync
load SQLite "sqlite:$work/county.db"
load SQLite "sqlite:$work/county.db"

if [[ ${MINGJING_BENCH_PG:-0} == 1 ]]; then
  port=55499
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  pgdir=$(mktemp -d /tmp/mingjing-bench-pg.XXXXXX)
  url=$("$here/scripts/pg-test.sh" start "$pgdir" "$port")
  psql -q "$url" -c "CREATE DATABASE facts" >/dev/null
  db="${url%/*}/facts"
  "$bin" --db "$db" --generate "$records" >/dev/null 2>&1
  psql -q "$db" -c "VACUUM ANALYZE" >/dev/null
  load PostgreSQL "$db"
  load PostgreSQL "$db"
fi
