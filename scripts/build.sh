#!/usr/bin/env bash
# Builds the server (build/src/cli/mingjing) and the front end (web/dist).
# Used by demo.sh and test.sh; assumes setup.sh has run.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${MINGJING_BUILD_DIR:-build}
jobs=$(nproc)
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMINGJING_WERROR=ON >/dev/null
cmake --build "$build" -j"$jobs"
(cd web && npm run build --silent)
