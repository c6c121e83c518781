# Shared by the command-line tests (sourced): a work folder, check() and
# contains(), and a database on the chosen back end: an SQLite file, or a
# fresh database on the throw-away PostgreSQL cluster at
# MINGJING_TEST_PG_URL. Everything is removed on exit (and a server whose
# pid is in server_pid is stopped).
#   source lib.sh sqlite|postgresql NAME_PREFIX
# Sets work, db, sql(); counts passed and failed; finish prints the summary
# and fails if any check did.
backend=$1
work=$(mktemp -d)
server_pid=""
pg_db=""
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null
  if [[ -n $pg_db ]]; then psql -q "$MINGJING_TEST_PG_URL" -c "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1; fi
  rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
check() {  # check NAME CONDITION-COMMAND...
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name" >&2
  fi
}
contains() { [[ $1 == *"$2"* ]]; }
finish() {
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 ]]
}

if [[ $backend == sqlite ]]; then
  db="sqlite:$work/test.db"
  sql() { sqlite3 "$work/test.db" "$1"; }
else
  [[ -n ${MINGJING_TEST_PG_URL:-} ]] || { echo "MINGJING_TEST_PG_URL is not set" >&2; exit 1; }
  pg_db="$2_$$_$RANDOM"
  psql -q "$MINGJING_TEST_PG_URL" -c "CREATE DATABASE $pg_db" >/dev/null || exit 1
  db="${MINGJING_TEST_PG_URL%/*}/$pg_db"
  sql() { psql -qtA "$db" -c "$1"; }
fi
