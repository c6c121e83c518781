#!/usr/bin/env bash
# HTTP throughput: an authenticated JSON endpoint against the JSON hello-world
# of the same server (the ceiling), in one run, with wrk on loopback.
#   bench/http_wrk.sh [BINARY] [SECONDS]
# Prints a Markdown table row per endpoint; docs/benchmarks.md records them.
set -euo pipefail
bin=${1:-build/src/cli/mingjing}
seconds=${2:-15}
connections=64
work=$(mktemp -d)
port=$((30000 + RANDOM % 20000))
"$bin" demo --db "sqlite:$work/bench.db" >/dev/null 2>&1
"$bin" serve --db "sqlite:$work/bench.db" --port "$port" --threads 2 >"$work/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
cookie=$(curl -s -i -H 'Content-Type: application/json' \
  -d '{"username":"town_jw","password":"Mingjing@2026"}' "http://127.0.0.1:$port/api/v1/auth/login" |
  grep -i '^set-cookie:' | sed -E 's/^[Ss]et-[Cc]ookie: ([^;]*).*/\1/')
[[ -n $cookie ]] || { echo "login failed" >&2; exit 1; }

run() {  # run LABEL URL [HEADER]
  local label=$1 url=$2 out
  if [[ $# -ge 3 ]]; then
    out=$(wrk -t2 -c$connections -d"${seconds}s" --latency -H "$3" "$url")
  else
    out=$(wrk -t2 -c$connections -d"${seconds}s" --latency "$url")
  fi
  local rps p99 non2xx bytes
  if [[ $# -ge 3 ]]; then bytes=$(curl -s -H "$3" "$url" | wc -c); else bytes=$(curl -s "$url" | wc -c); fi
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $4}' <<<"$out")
  echo "| $label | $bytes | $rps | $p99 | ${non2xx:-0} |"
}
echo "| endpoint | body bytes | requests/s | p99 | non-2xx |"
echo "|---|---|---|---|---|"
run "GET /api/v1/hello (ceiling, public)" "http://127.0.0.1:$port/api/v1/hello"
run "GET /api/v1/regions/330782001000 (session + scope check, SQLite)" \
  "http://127.0.0.1:$port/api/v1/regions/330782001000" "Cookie: $cookie"
