#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: C++ unit and
# integration tests on SQLite and on a throw-away PostgreSQL 15 cluster, the
# command line end to end, and the browser tests in headless Chromium.
# Ends with ctest's summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh

# A PostgreSQL cluster on a free loopback port, removed on exit.
port=55432
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
pgdir=$(mktemp -d /tmp/mingjing-pg.XXXXXX)
trap 'scripts/pg-test.sh stop "$pgdir"' EXIT
MINGJING_TEST_PG_URL=$(scripts/pg-test.sh start "$pgdir" "$port")
export MINGJING_TEST_PG_URL
echo "PostgreSQL test cluster: $MINGJING_TEST_PG_URL"

ctest --test-dir "${MINGJING_BUILD_DIR:-build}" --output-on-failure -j2 --timeout 600
