#!/usr/bin/env bash
# The warning engine against its SQL baseline (issue 4, "Speed"), in one run
# on one generated county:
#   1. the SQL baseline (bench/rules_baseline.sh): the county from
#      `mingjing demo --scale SCALE`, the ten rules of bench/rules_sql/ in
#      SQLite and DuckDB, RUNS times each, both engines' rows compared;
#   2. the engine (build/bench/rules_engine_bench) on the same database:
#      the fact store loaded (time and peak RSS, under /usr/bin/time -v),
#      the same ten rules (Engine::run_only) RUNS times, the whole active
#      pack RUNS times;
#   3. the engine's cases compared with SQLite's and DuckDB's for each of
#      the ten rules (bench/rules_baseline/compare.mjs: each case as the
#      sorted record keys of its subjects), one side-by-side table, and
#      the targets (engine >= 20x SQLite, engine <= DuckDB, pack <= 5 s,
#      load <= 30 s, peak RSS <= 2 GB) checked.
# Exits 1 with a diff when a rule's cases differ between the engine and SQL.
#
#   bench/rules_engine.sh [BUILD_DIR] [SCALE] [RUNS]
#
# BUILD_DIR defaults to build (it needs src/cli/mingjing and
# bench/rules_engine_bench: cmake --build build --target mingjing
# rules_engine_bench), SCALE to 10, RUNS to 5. MINGJING_BENCH_WORK=DIR keeps
# the work files (county, result files) there and reuses a county of the
# same scale already in it. Needs sqlite3, Node.js and /usr/bin/time; see
# bench/rules_baseline.sh for the SQL side and docs/benchmarks.md for
# results.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-$here/build}")
scale=${2:-10}
runs=${3:-5}
as_of=2025-12-31  # the SQL files' fixed evaluation date (A01, F07)
ten=S01,S05,P01,P21,F07,L02,A01,F01,P06,P07

for bin in "$build/src/cli/mingjing" "$build/bench/rules_engine_bench"; do
  [[ -x $bin ]] || { echo "missing $bin (build it first)" >&2; exit 1; }
done

if [[ -n ${MINGJING_BENCH_WORK:-} ]]; then
  work=$MINGJING_BENCH_WORK
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== SQL baseline (bench/rules_baseline.sh)"
MINGJING_BENCH_WORK=$work "$here/bench/rules_baseline.sh" "$build/src/cli/mingjing" "$scale" "$runs" \
  | tee "$work/baseline.out"

echo
echo "== engine (rules_engine_bench)"
rm -rf "$work/engine"
mkdir -p "$work/engine"
sync
echo "load average before the engine: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -v "$build/bench/rules_engine_bench" --db "sqlite:$work/county.db" \
  --key-file "$work/county.key" --as-of "$as_of" --runs "$runs" --only "$ten" \
  --out "$work/engine" >"$work/engine.jsonl" 2>"$work/engine.time" ||
  { cat "$work/engine.jsonl" "$work/engine.time" >&2; exit 1; }
cat "$work/engine.jsonl"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
node "$here/bench/rules_baseline/compare.mjs" "$work" "$runs"
