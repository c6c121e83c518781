#!/usr/bin/env bash
# Import speed: a 1,000,000-row bank_transactions CSV (about 160 MB) through
# `mingjing import` (validation, sealing and blind-indexing the account
# numbers, batched upserts) against the floor of loading the same file into a
# bare table with no checks: sqlite3's .import, and psql's \copy on
# PostgreSQL. Same file, same run. Peak memory from /usr/bin/time -v.
# A third row per database, the storage floor, copies the rows exactly as
# Mingjing stored them (sealed, blind-indexed, masked) into an empty table
# with the same columns, indexes and foreign key, in batches of the size the
# import uses (imports::kSqliteBatchRows, kPostgresBatchRows): what the database itself needs, with no
# reading, checking or encryption at all.
#   bench/import_bank_transactions.sh [BINARY] [ROWS]
# Set MINGJING_BENCH_PG=1 to add PostgreSQL (starts a throw-away cluster).
set -euo pipefail
bin=$(realpath "${1:-build/src/cli/mingjing}")
rows=${2:-1000000}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pgdir=""
cleanup() {
  [[ -n $pgdir ]] && "$here/scripts/pg-test.sh" stop "$pgdir" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

# One village account; a million movements on it with realistic text.
printf 'account_no,village_code\n6222021234567890123,330782001001\n' >"$work/accounts.csv"
awk -v n="$rows" 'BEGIN {
  print "id,account_no,time,direction,amount,counterparty_name,counterparty_account,summary,balance"
  for (i = 1; i <= n; i++)
    printf "TX2025%08d,6222021234567890123,2025-%02d-%02d %02d:%02d:%02d,%s,%d.%02d,义乌市稠城街道某某建材有限公司,62170012%011d,工程款支付 第%d期,%d.%02d\n",
      i, 1 + i % 12, 1 + i % 28, i % 24, i % 60, (i * 7) % 60, (i % 3 ? "out" : "in"),
      i % 90000, i % 100, i % 99999999999, 1 + i % 12, 1000000 + i % 777777, i % 100
}' >"$work/bt.csv"
size_mb=$(( $(stat -c %s "$work/bt.csv") / 1024 / 1024 ))

measure() {  # measure LABEL COMMAND... → prints "LABEL seconds peak_MB"
  local label=$1
  shift
  # Start clean: the previous step's gigabytes of dirty pages must not be
  # written back during this one.
  sync
  /usr/bin/time -v "$@" >"$work/out" 2>"$work/time" || { cat "$work/out" "$work/time" >&2; exit 1; }
  local secs mem
  secs=$(awk -F': ' '/Elapsed/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$work/time")
  mem=$(awk '/Maximum resident/ {printf "%d", $NF / 1024}' "$work/time")
  echo "$label|$secs|$mem"
}

echo "file: $rows rows, $size_mb MB"
echo "| back end | what | seconds | peak memory (MB) |"
echo "|---|---|---|---|"

# SQLite: the floor is a bare table and .import, in WAL mode like Mingjing.
"$bin" demo --db "sqlite:$work/m.db" >/dev/null 2>&1
"$bin" import accounts "$work/accounts.csv" --db "sqlite:$work/m.db" >/dev/null
IFS='|' read -r l s m < <(measure "mingjing import" "$bin" import bank_transactions "$work/bt.csv" --db "sqlite:$work/m.db")
grep -q "\"inserted\":$rows" "$work/out" || { echo "import did not insert $rows rows: $(cat "$work/out")" >&2; exit 1; }
echo "| SQLite | $l | $s | $m |"
sqlite3 "$work/floor.db" "PRAGMA journal_mode=WAL; CREATE TABLE bt(id TEXT, account_no TEXT, time TEXT, direction TEXT, amount TEXT, counterparty_name TEXT, counterparty_account TEXT, summary TEXT, balance TEXT);" >/dev/null
IFS='|' read -r l s2 m2 < <(measure "sqlite3 .import (floor)" sqlite3 "$work/floor.db" ".mode csv" ".import --skip 1 $work/bt.csv bt")
echo "| SQLite | $l | $s2 | $m2 |"
echo "| SQLite | ratio | $(awk -v a="$s" -v b="$s2" 'BEGIN {printf "%.2fx", a / b}') | |"
# Storage floor: the stored rows copied batch by batch, with the settings
# Mingjing's import connection uses (db/database.cc, db/bulk.cc).
sqlite3 "$work/m.db" ".schema imports" ".schema bank_transactions" >"$work/schema.sql"
sqlite3 "$work/stored.db" "PRAGMA journal_mode=WAL" ".read $work/schema.sql" \
  "ATTACH '$work/m.db' AS src" "INSERT INTO imports SELECT * FROM src.imports" >/dev/null
first=$(sqlite3 "$work/m.db" "SELECT MIN(row_id) - 1 FROM bank_transactions")
awk -v n="$rows" -v first="$first" -v src="$work/m.db" 'BEGIN {
  print "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"
  print "PRAGMA wal_autocheckpoint=65536; ATTACH \047" src "\047 AS src;"
  for (i = 0; i < n; i += 100000)
    printf "INSERT INTO main.bank_transactions SELECT * FROM src.bank_transactions WHERE row_id > %d AND row_id <= %d;\n", first + i, first + i + 100000
}' >"$work/stored.sql"
IFS='|' read -r l s3 m3 < <(measure "same rows as stored, 100,000 per transaction (storage floor)" sqlite3 "$work/stored.db" ".read $work/stored.sql")
[[ $(sqlite3 "$work/stored.db" "SELECT COUNT(*) FROM bank_transactions") == "$rows" ]] || { echo "storage floor did not copy $rows rows" >&2; exit 1; }
echo "| SQLite | $l | $s3 | $m3 |"

if [[ ${MINGJING_BENCH_PG:-0} == 1 ]]; then
  port=55499
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  pgdir=$(mktemp -d /tmp/mingjing-bench-pg.XXXXXX)
  url=$("$here/scripts/pg-test.sh" start "$pgdir" "$port")
  psql -q "$url" -c "CREATE DATABASE bench" >/dev/null
  db="${url%/*}/bench"
  "$bin" demo --db "$db" >/dev/null 2>&1
  "$bin" import accounts "$work/accounts.csv" --db "$db" --key "$work/pg.key" >/dev/null
  IFS='|' read -r l s m < <(measure "mingjing import" "$bin" import bank_transactions "$work/bt.csv" --db "$db" --key "$work/pg.key")
  grep -q "\"inserted\":$rows" "$work/out" || { echo "import did not insert $rows rows: $(cat "$work/out")" >&2; exit 1; }
  echo "| PostgreSQL | $l | $s | $m |"
  psql -q "$db" -c "CREATE TABLE bt(id TEXT, account_no TEXT, time TEXT, direction TEXT, amount TEXT, counterparty_name TEXT, counterparty_account TEXT, summary TEXT, balance TEXT)" >/dev/null
  IFS='|' read -r l s2 m2 < <(measure "psql \\copy (floor)" psql -q "$db" -c "\\copy bt FROM '$work/bt.csv' WITH (FORMAT csv, HEADER true)")
  echo "| PostgreSQL | $l | $s2 | $m2 |"
  echo "| PostgreSQL | ratio | $(awk -v a="$s" -v b="$s2" 'BEGIN {printf "%.2fx", a / b}') | |"
  psql -q "$db" -c "CREATE TABLE stored (LIKE bank_transactions INCLUDING ALL)" \
    -c "ALTER TABLE stored ADD FOREIGN KEY (import_id) REFERENCES imports(id)" >/dev/null
  first=$(psql -qtA "$db" -c "SELECT MIN(row_id) - 1 FROM bank_transactions")
  awk -v n="$rows" -v first="$first" 'BEGIN {
    for (i = 0; i < n; i += 10000)
      printf "INSERT INTO stored SELECT * FROM bank_transactions WHERE row_id > %d AND row_id <= %d;\n", first + i, first + i + 10000
  }' >"$work/stored-pg.sql"
  IFS='|' read -r l s3 m3 < <(measure "same rows as stored, 10,000 per transaction (storage floor)" psql -q "$db" -f "$work/stored-pg.sql")
  [[ $(psql -qtA "$db" -c "SELECT COUNT(*) FROM stored") == "$rows" ]] || { echo "storage floor did not copy $rows rows" >&2; exit 1; }
  echo "| PostgreSQL | $l | $s3 | $m3 |"
fi
