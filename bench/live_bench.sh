#!/usr/bin/env bash
# The server's incremental path (issue 4): one new record to its stored
# warnings, on a county of about 2,000,000 records.
#   bench/live_bench.sh [LIVE_BENCH_BINARY] [MINGJING_BINARY] [N]
# Makes a `mingjing demo --scale 10` county in a temporary folder (about a
# minute; not timed), or copies MINGJING_BENCH_COUNTY=path.db (its key file
# next to it as path.key), then runs live_bench on the copy: the county
# loaded once, then N (default 1000) records imported and re-evaluated one
# at a time. Prints the load and first full run, then p50/p95/p99/max.
set -euo pipefail
bench=$(realpath "${1:-build/bench/live_bench}")
mingjing=$(realpath "${2:-build/src/cli/mingjing}")
n=${3:-1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [[ -n ${MINGJING_BENCH_COUNTY:-} ]]; then
  cp "$MINGJING_BENCH_COUNTY" "$work/county.db"
  cp "${MINGJING_BENCH_COUNTY%.db}.key" "$work/county.key"
else
  "$mingjing" demo --db "sqlite:$work/county.db" --key "$work/county.key" --scale 10 \
    --plants "$work/plants.md" >/dev/null
fi
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bench" --db "sqlite:$work/county.db" --key-file "$work/county.key" --n "$n"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
