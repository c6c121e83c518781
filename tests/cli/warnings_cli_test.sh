#!/usr/bin/env bash
# End to end: `mingjing warnings export` on a real database, after records
# are imported with the command line and hits stored as warnings.
#   warnings_cli_test.sh BINARY sqlite|postgresql APPLY_HITS
# APPLY_HITS (tests/cli/apply_hits.cc) stores hits through WarningStore::apply.
# PostgreSQL needs MINGJING_TEST_PG_URL (an admin URL on a throw-away cluster).
set -uo pipefail
bin=$1
backend=$2
apply_hits=$3
src=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh" "$backend" warn
key="$work/personal.key"

# An empty database exports nothing, without needing a key.
out=$("$bin" warnings export --db "$db" --key "$work/none.key")
check "empty export exit 0" test $? -eq 0
check "empty export is empty" test -z "$out"
check "no key file created" test ! -e "$work/none.key"

"$bin" import regions "$src/data/regions/regions-5-counties.csv" --db "$db" >/dev/null
printf 'id_number,name,village_code\n330782198001010012,张三,330782001001\n' >"$work/persons.csv"
"$bin" import persons "$work/persons.csv" --db "$db" --key "$key" >/dev/null
printf 'uscc,name\n91330782MA2A00001D,义乌某某建设有限公司\n' >"$work/companies.csv"
"$bin" import companies "$work/companies.csv" --db "$db" --key "$key" >/dev/null
printf 'id,program_code,department,recipient_id_number,village_code,amount,paid_at\nSUB-1,dibao,民政局,330782198001010012,330782001001,300.00,2025-06-01 10:00\n' >"$work/subsidies.csv"
"$bin" import subsidies "$work/subsidies.csv" --db "$db" --key "$key" >/dev/null
person_key=$(sql "SELECT record_key FROM persons")
check "person stored by blind index" test ${#person_key} -eq 32

cat >"$work/hits.jsonl" <<EOF
{"rule_id":"S01","rule_version":3,"severity":"red","dedup_key":"SUB-1","region_code":"330782001001","subjects":[{"dataset":"subsidies","record_key":"SUB-1"},{"dataset":"persons","record_key":"$person_key"}],"explanation":"死亡后仍发放","evidence":{"amount":30000,"death_date":"2025-05-20"},"params":[{"name":"grace_days","value":0,"source":"default"}],"programme":"dibao"}
{"rule_id":"S01","rule_version":3,"severity":"yellow","dedup_key":"CO-1","region_code":"330782001002","subjects":[{"dataset":"companies","record_key":"91330782MA2A00001D"}],"explanation":"企业","evidence":{},"params":[],"programme":"dibao"}
EOF
out=$("$apply_hits" "$db" S01 department 10 2025-09-29 <"$work/hits.jsonl")
check "hits stored" contains "$out" '"created":2'
out=$("$apply_hits" "$db" S01 department 10 2025-09-29 <"$work/hits.jsonl")
check "stored once" contains "$out" '"created":0'
check "stored once (rows)" test "$(sql "SELECT COUNT(*) FROM warnings")" = 2

# jsonl to stdout (the second export, after the empty one): the spec's keys in order, persons by ID number
out=$("$bin" warnings export --db "$db" --key "$key")
check "jsonl exit 0" test $? -eq 0
check "jsonl two lines" test "$(printf '%s\n' "$out" | wc -l)" -eq 2
first=$(printf '%s\n' "$out" | head -1)
check "jsonl spec keys" contains "$first" ',"rule":"S01","rule_version":3,"severity":"red","status":"new","region_code":"330782001001","subjects":[{"dataset":"subsidies","id":"SUB-1"},{"dataset":"persons","id":"330782198001010012"}],"explanation":"死亡后仍发放","evidence":{"amount":30000,"death_date":"2025-05-20"},"thresholds":{"grace_days":0},"created_at":"'
check "jsonl deadline" contains "$first" '"deadline":"2025-10-20"'
check "jsonl company by uscc" contains "$(printf '%s\n' "$out" | tail -1)" '"subjects":[{"dataset":"companies","id":"91330782MA2A00001D"}]'
check "export audited" test "$(sql "SELECT COUNT(*) FROM audit_log WHERE action='warning.export' AND target='stdout'")" = 2

# MINGJING_KEY works as well as --key
hex=$(tr -d ' \n' <"$key")
out=$(MINGJING_KEY=$hex "$bin" warnings export --db "$db" --key "$work/none.key")
check "MINGJING_KEY opens ID numbers" contains "$out" '"id":"330782198001010012"'

# csv and xlsx to files, with a summary on stdout
out=$("$bin" warnings export --db "$db" --key "$key" --format csv --out "$work/w.csv")
check "csv exit 0" test $? -eq 0
check "csv summary" contains "$out" '{"warnings":2,"format":"csv","out":"'"$work/w.csv"'","subjects_missing":0}'
check "csv header" test "$(head -1 "$work/w.csv")" = "id,rule,rule_version,severity,status,region_code,subjects,explanation,evidence,thresholds,created_at,deadline,category,routed_to,escalation_level,verdict,verdict_reason,closed_at,reopened_count,threshold_sources"
check "csv person id" contains "$(cat "$work/w.csv")" '""id"":""330782198001010012""'
check "no partial file left" test ! -e "$work/w.csv.partial"
"$bin" warnings export --db "$db" --key "$key" --format xlsx --out "$work/w.xlsx" >/dev/null
check "xlsx exit 0" test $? -eq 0
check "xlsx is a zip" test "$(head -c 2 "$work/w.xlsx")" = "PK"

# refusals
"$bin" warnings export --db "$db" --key "$key" --format json >/dev/null 2>"$work/err"
check "bad format exit 2" test $? -eq 2
"$bin" warnings export --db "$db" --key "$work/none.key" --out "$work/nokey.jsonl" >/dev/null 2>"$work/err"
check "no key exit 1" test $? -eq 1
check "no key message" contains "$(cat "$work/err")" "导出人员身份证号需要个人信息密钥"
check "no key no file" test ! -e "$work/nokey.jsonl" -a ! -e "$work/nokey.jsonl.partial"
head -c 32 /dev/urandom | od -An -tx1 -v | tr -d ' \n' >"$work/other.key"
chmod 600 "$work/other.key"
"$bin" warnings export --db "$db" --key "$work/other.key" >/dev/null 2>"$work/err"
check "wrong key exit 1" test $? -eq 1
check "wrong key message" contains "$(cat "$work/err")" "个人信息密钥与数据库不匹配"

out=$("$bin" audit verify --db "$db")
check "audit chain intact" contains "$out" '"ok":true'

finish
