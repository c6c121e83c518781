#!/usr/bin/env bash
# The SQL baseline for the warning engine (issue 4): ten catalogue rules as
# plain SQL (bench/rules_sql/*.sql) over a demo county made by
# `mingjing demo --scale N`, run in the sqlite3 shell on that database and
# in DuckDB on the same rows, in the same run. Prints the time per rule in
# both, the hits per rule in both, whether both return the same rows, and
# whether each planted irregularity of a rule (docs/demo-data.md) is found.
#
#   bench/rules_baseline.sh [BINARY] [SCALE] [RUNS]
#
# BINARY defaults to build/src/cli/mingjing, SCALE to 1, RUNS (per rule and
# engine; the median is reported) to 3. MINGJING_BENCH_WORK=DIR keeps the
# work files there and reuses a county of the same scale already in it.
#
# Before the county, a self-check runs P07's quartiles on cardinal's
# examples 024 and 058 (../shared/reference/cardinal/) in both engines.
# The script fails when the two engines disagree on any rule or a planted
# case is not found.
#
# SQLite: the sqlite3 shell with the page cache of Mingjing's own connections
# (64 MB); each rule RUNS times in one session, timed by `.timer on`. First
# the indexes of bench/rules_baseline/sqlite_indexes.sql are dropped and
# created again, each timed (sqlite_indexes.jsonl), apart from the queries.
# DuckDB: @duckdb/node-api from npm (bench/rules_baseline/package.json,
# installed here with `npm ci` when missing), in memory, with its defaults
# (one thread per core). The tables the rules read are exported from the
# SQLite file to CSV with the sqlite3 shell (DuckDB's sqlite extension is not
# available offline) and loaded with read_csv; export and load are timed
# apart from the queries.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-$here/build/src/cli/mingjing}")
scale=${2:-1}
runs=${3:-3}
rules_dir=$here/bench/rules_sql
node_dir=$here/bench/rules_baseline

if [[ ! -d $node_dir/node_modules/@duckdb/node-api ]]; then
  (cd "$node_dir" && npm ci --no-audit --no-fund >&2)
fi

if [[ -n ${MINGJING_BENCH_WORK:-} ]]; then
  work=$MINGJING_BENCH_WORK
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi

# The columns the rules read, per table.
declare -A columns=(
  [subsidies]="id recipient_id_number_bidx program_code period paid_at"
  [deaths]="id_number_bidx death_date"
  [projects]="id village_code category winner_uscc estimated_amount contract_amount contract_signed_at award_date"
  [bids]="project_id bidder_uscc amount status record_key"
  [companies]="uscc legal_rep_id_number_bidx"
  [officials]="id_number_bidx region_code kind start_date end_date"
  [relatives]="id_number_bidx relative_id_number_bidx relation"
  [bank_transactions]="id account_no_bidx time direction amount"
  [accounts]="account_no_bidx village_code"
  [payments]="id village_code amount method status paid_at applied_at"
  [labor]="id worker_id_number_bidx work_start work_end"
  [leases]="id end_date"
)

now() { date +%s.%N; }
elapsed_ms() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", (b - a) * 1000}'; }

# run_sqlite DB RULES_DIR OUT_DIR: every rule RUNS times; one JSON line per
# rule with the times in ms.
run_sqlite() {
  local db=$1 dir=$2 out=$3 file rule
  mkdir -p "$out"
  : >"$out/../sqlite_times.jsonl"
  for file in "$dir"/*.sql; do
    rule=$(basename "$file" .sql)
    {
      echo "PRAGMA cache_size=-65536;"
      echo ".timer on"
      echo ".mode tabs"
      for ((i = 0; i < runs; ++i)); do
        echo ".once $out/$rule.tsv"
        echo ".read $file"
      done
    } | sqlite3 -bail "$db" >"$out/$rule.timer"
    awk -v rule="$rule" '/^Run Time: real/ {ms = ms (ms == "" ? "" : ",") $4 * 1000}
      END {print "{\"rule\":\"" rule "\",\"ms\":[" ms "]}"}' "$out/$rule.timer" \
      >>"$out/../sqlite_times.jsonl"
  done
}

# export_tables DB CSV_DIR TABLE...: the rules' columns as CSV (NULL as \N),
# and the manifest of declared column types for DuckDB.
export_tables() {
  local db=$1 dir=$2 table col list json="{" first=1
  shift 2
  mkdir -p "$dir"
  for table in "$@"; do
    list=""
    for col in ${columns[$table]}; do list+="${list:+, }\"$col\""; done
    sqlite3 -csv -header -nullvalue '\N' "$db" "SELECT $list FROM $table" >"$dir/$table.csv"
    json+="$([[ $first == 1 ]] || echo ,)\"$table\":["
    local cfirst=1
    for col in ${columns[$table]}; do
      local type
      type=$(sqlite3 "$db" "SELECT type FROM pragma_table_info('$table') WHERE name = '$col'")
      [[ -n $type ]] || { echo "no column $table.$col" >&2; exit 1; }
      json+="$([[ $cfirst == 1 ]] || echo ,)[\"$col\",\"$type\"]"
      cfirst=0
    done
    json+="]"
    first=0
  done
  echo "$json}" >"$dir/manifest.json"
}

run_duckdb() {  # run_duckdb CSV_DIR RULES_DIR OUT_DIR
  mkdir -p "$3"
  node "$node_dir/duckdb_rules.mjs" "$1" "$1/manifest.json" "$2" "$3" "$runs" \
    >"$3/../duckdb_times.jsonl"
}

# ---- P07 self-check: cardinal examples 024 (low outlier) and 058 (high) ----
p07_dir=$work/p07-rule
mkdir -p "$p07_dir"
cp "$rules_dir"/P07_*.sql "$p07_dir/"
for example in 024 058; do
  fx=$work/p07-$example
  rm -rf "$fx"
  mkdir -p "$fx"
  "$bin" migrate --db "sqlite:$fx/fixture.db" >/dev/null
  # Process F: the winner W bids 1, the loser L 2 (024) or 100 (058); the
  # four others the other way round. Ratios 1 and 99.
  if [[ $example == 024 ]]; then f_loser=2 other_loser=100; else f_loser=100 other_loser=2; fi
  {
    echo "INSERT INTO regions(code, name, level, updated_at) VALUES ('330782001001', 'v', 'village', 0);"
    for p in F 1 2 3 4; do
      loser=$([[ $p == F ]] && echo "$f_loser" || echo "$other_loser")
      echo "INSERT INTO projects(record_key, row_digest, id, village_code, name, category,
              estimated_amount, method, winner_uscc, row_created_at, row_updated_at)
            VALUES ('$p', '', '$p', '330782001001', '$p', 'works', 1, 'open_tender', 'W', 0, 0);"
      echo "INSERT INTO bids(record_key, row_digest, project_id, bidder_uscc, amount, submitted_at,
              status, row_created_at, row_updated_at)
            VALUES ('$p/W', '', '$p', 'W', 1, 0, 'winner', 0, 0),
                   ('$p/L', '', '$p', 'L', $loser, 0, 'valid', 0, 0);"
    done
  } | sqlite3 -bail "$fx/fixture.db"
  run_sqlite "$fx/fixture.db" "$p07_dir" "$fx/sqlite"
  export_tables "$fx/fixture.db" "$fx/csv" projects bids
  run_duckdb "$fx/csv" "$p07_dir" "$fx/duckdb"
  want=$'F\tbids\tF/L\nF\tbids\tF/W\nF\tcompanies\tL\nF\tcompanies\tW\nF\tprojects\tF'
  for engine in sqlite duckdb; do
    got=$(cat "$fx/$engine/P07_price_gap_iqr.tsv")
    if [[ $got != "$want" ]]; then
      echo "P07 self-check failed on cardinal example $example in $engine:" >&2
      echo "$got" >&2
      exit 1
    fi
  done
done
echo "P07 self-check: cardinal examples 024 and 058 give process F in SQLite and DuckDB"

# ---- The county ----
db=$work/county.db
if [[ ! -f $db || $(cat "$work/scale" 2>/dev/null) != "$scale" ]]; then
  rm -f "$db" "$db-wal" "$db-shm" "$work/county.key" "$work/plants.md"
  sync
  /usr/bin/time -v "$bin" demo --db "sqlite:$db" --key "$work/county.key" --scale "$scale" \
    --plants "$work/plants.md" >"$work/demo.out" 2>"$work/demo.time" ||
    { cat "$work/demo.out" "$work/demo.time" >&2; exit 1; }
  echo "$scale" >"$work/scale"
  demo_s=$(awk -F': ' '/Elapsed/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$work/demo.time")
  demo_mb=$(awk '/Maximum resident/ {printf "%d", $NF / 1024}' "$work/demo.time")
  echo "county: mingjing demo --scale $scale: $demo_s s end to end, peak $demo_mb MB"
  grep '演示业务数据' "$work/demo.out"
else
  echo "county: reusing $db (scale $scale)"
fi
records=0
for t in persons deaths officials relatives companies shareholders vehicles properties accounts \
         bank_transactions projects bids payments payment_approvals meetings leases rent_due labor \
         subsidies seal_uses disclosures complaints; do
  records=$((records + $(sqlite3 "$db" "SELECT COUNT(*) FROM $t")))
done
echo "county: $records records, database $(( $(stat -c %s "$db") / 1024 / 1024 )) MB"

# ---- SQLite: the indexes (bench/rules_baseline/sqlite_indexes.sql), then the rules ----
: >"$work/sqlite_indexes.jsonl"
while read -r statement; do
  name=$(sed -E 's/^CREATE INDEX ([a-z_]+) .*/\1/' <<<"$statement")
  sqlite3 -bail "$db" "DROP INDEX IF EXISTS $name"
  sync
  start=$(now)
  sqlite3 -bail "$db" "$statement"
  echo "{\"name\":\"$name\",\"ms\":$(elapsed_ms "$start" "$(now)")}" >>"$work/sqlite_indexes.jsonl"
done < <(grep '^CREATE INDEX' "$node_dir/sqlite_indexes.sql")
echo "sqlite: indexes for the rules: $(node -e 'console.log(require("fs").readFileSync(process.argv[1], "utf8")
  .trim().split("\n").map(JSON.parse).map((i) => `${i.name} ${i.ms.toFixed(0)} ms`).join(", "))' \
  "$work/sqlite_indexes.jsonl")"
sync
run_sqlite "$db" "$rules_dir" "$work/sqlite"

# ---- DuckDB: export, load, run ----
rm -rf "$work/csv" "$work/duckdb"
start=$(now)
export_tables "$db" "$work/csv" "${!columns[@]}"
export_ms=$(elapsed_ms "$start" "$(now)")
run_duckdb "$work/csv" "$rules_dir" "$work/duckdb"
head -1 "$work/duckdb_times.jsonl" | sed 's/^/duckdb: /'
load_ms=$(node -e 'const l = require("fs").readFileSync(process.argv[1], "utf8").split("\n")
  .filter(Boolean).map(JSON.parse).find((x) => x.load_ms !== undefined); console.log(l.load_ms.toFixed(1))' \
  "$work/duckdb_times.jsonl")
echo "duckdb: export from SQLite to CSV $export_ms ms ($(du -sm "$work/csv" | cut -f1) MB), load into DuckDB $load_ms ms"
echo
node "$node_dir/report.mjs" "$work" "$runs" "$work/plants.md"
