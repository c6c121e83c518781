#!/usr/bin/env bash
# Installs what is missing, builds, creates the demo county and serves the
# platform on http://127.0.0.1:8080 (Ctrl+C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
db=${MINGJING_DB:-sqlite:./mingjing.db}
port=${MINGJING_PORT:-8080}
./build/src/cli/mingjing demo --db "$db"
echo
echo "明镜已启动：http://127.0.0.1:$port/ （以上账号均可登录，Ctrl+C 停止）"
exec ./build/src/cli/mingjing serve --db "$db" --bind 127.0.0.1 --port "$port"
