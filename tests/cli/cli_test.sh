#!/usr/bin/env bash
# End-to-end tests of the mingjing command line on a real database.
#   cli_test.sh BINARY sqlite|postgresql XLSX_FROM_CSV
# XLSX_FROM_CSV (tests/cli/xlsx_from_csv.cc) writes a CSV file as an .xlsx.
# PostgreSQL needs MINGJING_TEST_PG_URL (an admin URL on a throw-away cluster).
set -uo pipefail
bin=$1
backend=$2
xlsx_from_csv=$3
src=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh" "$backend" cli

regions=$src/data/regions/regions-5-counties.csv

# import: the spec's JSON summary, idempotent re-import
out=$("$bin" import regions "$regions" --db "$db")
check "import exit 0" test $? -eq 0
check "import summary" contains "$out" '"dataset":"regions","rows":2321,"inserted":2321,"updated":0,"rejected":0,"warnings":[]'
out=$("$bin" import regions "$regions" --db "$db")
check "re-import changes nothing" contains "$out" '"rows":2321,"inserted":0,"updated":0,"rejected":0'
check "regions stored" test "$(sql "SELECT COUNT(*) FROM regions")" = 2321

# .xlsx: the first sheet of a workbook (codes typed as numbers, a second
# sheet that is not read) gives the same rows, so nothing changes
"$xlsx_from_csv" "$regions" "$work/regions.xlsx"
check "xlsx written" test $? -eq 0
out=$("$bin" import regions "$work/regions.xlsx" --db "$db")
check "xlsx import exit 0" test $? -eq 0
check "xlsx summary" contains "$out" '"dataset":"regions","rows":2321,"inserted":0,"updated":0,"rejected":0,"warnings":[]'
check "xlsx encoding" contains "$out" '"encoding":"xlsx"'

# .xlsx with a bad row: rejected into the report under its sheet row number
printf 'code,name,level,parent_code\n330782001905,表格村,village,330782001000\n33078200190X,坏码,village,330782001000\n' >"$work/sheet.csv"
"$xlsx_from_csv" "$work/sheet.csv" "$work/sheet.xlsx"
out=$("$bin" import regions "$work/sheet.xlsx" --db "$db" --errors "$work/errors-xlsx.csv")
check "xlsx bad rows exit 0" test $? -eq 0
check "xlsx bad rows counted" contains "$out" '"rows":2,"inserted":1,"updated":0,"rejected":1'
check "xlsx error report row" contains "$(cat "$work/errors-xlsx.csv")" "3,code,33078200190X,"
check "xlsx row stored" test "$(sql "SELECT name FROM regions WHERE code='330782001905'")" = "表格村"

# a file named .xlsx that is not one is refused: exit 2
printf 'code,name,level\n' >"$work/fake.xlsx"
"$bin" import regions "$work/fake.xlsx" --db "$db" >"$work/out" 2>"$work/err"
check "fake xlsx exit 2" test $? -eq 2
check "fake xlsx message" contains "$(cat "$work/err")" "文件不是有效的xlsx文件"
check "fake xlsx json" contains "$(cat "$work/out")" '"error":{"code":"invalid_argument","message":"文件不是有效的xlsx文件","field":"file"}'

# GBK file (Excel on Chinese Windows) is decoded, not stored as mojibake
printf 'code,name,level,parent_code\n330782001001,\xbd\xad\xb1\xf5\xc9\xe7\xc7\xf8,village,330782001000\n' >"$work/gbk.csv"
out=$("$bin" import regions "$work/gbk.csv" --db "$db")
check "gbk import" contains "$out" '"updated":1'
check "gbk encoding" contains "$out" '"encoding":"GB18030"'
check "gbk stored as utf-8" test "$(sql "SELECT name FROM regions WHERE code='330782001001'")" = "江滨社区"

# a missing required column refuses the file: exit 2
printf 'code,level\n330782001001,village\n' >"$work/nocol.csv"
"$bin" import regions "$work/nocol.csv" --db "$db" >"$work/out" 2>"$work/err"
check "missing column exit 2" test $? -eq 2
check "missing column named" contains "$(cat "$work/err")" "缺少必填列：name"

# bad rows are rejected into the error report, good rows commit
printf 'code,name,level,parent_code\n330782001901,新村,village,330782001000\n33078200190X,坏码,village,330782001000\n330782009001,孤村,village,330782009000\n' >"$work/bad.csv"
out=$("$bin" import regions "$work/bad.csv" --db "$db" --errors "$work/errors.csv")
check "bad rows exit 0" test $? -eq 0
check "bad rows counted" contains "$out" '"rows":3,"inserted":1,"updated":0,"rejected":2'
check "error report rows" test "$(grep -c '^[0-9]' "$work/errors.csv")" -eq 2
check "error report parent" contains "$(cat "$work/errors.csv")" "4,parent_code,330782009000,上级区划不存在"

# --strict refuses the whole file and writes nothing
printf 'code,name,level,parent_code\n330782001903,好村,village,330782001000\n330782001904,,village,330782001000\n' >"$work/strict.csv"
"$bin" import regions "$work/strict.csv" --db "$db" --strict >/dev/null 2>&1
check "strict exit 2" test $? -eq 2
check "strict wrote nothing" test "$(sql "SELECT COUNT(*) FROM regions WHERE code='330782001903'")" = 0

"$bin" import vehicles "$regions" --db "$db" >/dev/null 2>&1
check "unknown dataset exit 2" test $? -eq 2
"$bin" import regions "$work/none.csv" --db "$db" >/dev/null 2>&1
check "missing file exit 2" test $? -eq 2

# users
"$bin" user add zhangsan --name 张三 --role town_discipline@330782001000 --password 'Test@Pass2026' --db "$db" >/dev/null
check "user add" test $? -eq 0
"$bin" user add lisi --name 李四 --role town_discipline@330782001000 --password 'weak' --db "$db" >/dev/null 2>"$work/err"
check "weak password refused" test $? -eq 2
check "weak password message" contains "$(cat "$work/err")" "密码至少10位"
echo 'Other@Pass2026' | "$bin" user passwd zhangsan --db "$db" >/dev/null
check "passwd from stdin" test $? -eq 0
out=$("$bin" user list --db "$db")
check "user list" contains "$out" "zhangsan	张三	active	镇纪委@稠城街道"
check "no plain password stored" test "$(sql "SELECT COUNT(*) FROM users WHERE password_hash LIKE '\$argon2id\$%'")" = 1

# demo: accounts and the generated county; running it again changes nothing
"$bin" demo --db "$db" --key "$work/demo.key" >"$work/demo1"
check "demo" test $? -eq 0
"$bin" demo --db "$db" --key "$work/demo.key" >"$work/demo2"
check "demo again" test $? -eq 0
check "demo accounts" contains "$(cat "$work/demo1")" "town_jw         镇纪委 · 稠城街道"
check "demo users once" test "$(sql "SELECT COUNT(*) FROM users WHERE username='admin'")" = 1
check "demo records" contains "$(cat "$work/demo1")" "预置问题线索 20 条"
check "demo records unchanged" contains "$(cat "$work/demo2")" "（新增 0，"
check "demo persons" test "$(sql "SELECT COUNT(*) FROM persons")" -gt 3000
check "demo imports recorded" test "$(sql "SELECT COUNT(*) FROM imports WHERE username='demo' AND status='done' AND rejected=0")" = 44
check "demo audited" test "$(sql "SELECT COUNT(*) FROM audit_log WHERE action='import.persons'")" = 2

# Business datasets: import, error report, idempotent re-import, refusals
key="$work/personal.key"
printf 'id,village_code,name,category,estimated_amount,method\nP1,330782001001,江滨村道路,works,"1,000.50",direct\nP2,330782999999,不存在村,works,1,direct\nP3,330782001001,坏金额,works,-3,direct\n' >"$work/projects.csv"
out=$("$bin" import projects "$work/projects.csv" --db "$db" --key "$key" --errors "$work/projects-errors.csv")
check "dataset import exit 0" test $? -eq 0
check "dataset summary" contains "$out" '{"dataset":"projects","rows":3,"inserted":1,"updated":0,"rejected":2,"warnings":[]'
check "key file private" test "$(stat -c %a "$key")" = 600
check "amount in fen" test "$(sql "SELECT estimated_amount FROM projects WHERE id='P1'")" = 100050
report=$(cat "$work/projects-errors.csv")
check "error report header" contains "$report" "row,column,value,reason,reason_en"
check "error report region" contains "$report" "3,village_code,330782999999,区划代码不存在,no such region code"
check "error report money" contains "$report" "4,estimated_amount,-3,金额不能为负数"
out=$("$bin" import projects "$work/projects.csv" --db "$db" --key "$key")
check "dataset re-import changes nothing" contains "$out" '"inserted":0,"updated":0,"rejected":2'
check "dataset re-import unchanged" contains "$out" '"unchanged":1'
printf 'id,village_code,name\nP9,330782001001,x\n' >"$work/short.csv"
out=$("$bin" import projects "$work/short.csv" --db "$db" --key "$key")
check "missing column exit 2" test $? -eq 2
check "missing column named" contains "$out" '"field":"category"'
out=$("$bin" import nosuch "$work/short.csv" --db "$db" --key "$key")
check "unknown dataset exit 2" test $? -eq 2
out=$("$bin" import projects "$work/projects.csv" --db "$db" --key "$key" --strict)
check "strict exit 2" test $? -eq 2
check "strict names the row" contains "$out" '第3行'

# Personal data never reaches the database in plain text.
printf 'id_number,name,village_code,phone\n11010519491231002X,张三,330782001001,13812341234\n' >"$work/persons.csv"
out=$("$bin" import persons "$work/persons.csv" --db "$db" --key "$key")
check "persons imported" contains "$out" '"inserted":1'
check "id number masked" test "$(sql "SELECT id_number_mask FROM persons WHERE id_number_mask LIKE '110105%'")" = "110105********002X"
check "no plain id number" test "$(sql "SELECT COUNT(*) FROM persons WHERE id_number_enc LIKE '%19491231%'")" = 0
if [[ $backend == sqlite ]]; then
  check "no plain id in the file" bash -c "! grep -qa 11010519491231002X '$work/test.db' '$work/test.db-wal' 2>/dev/null"
fi

# kill -9 in the middle of a large import: whole batches or nothing, and a
# second run finishes the job without duplicates.
printf 'account_no,village_code\n6222021234567890123,330782001001\n' >"$work/accounts.csv"
"$bin" import accounts "$work/accounts.csv" --db "$db" --key "$key" >/dev/null
awk 'BEGIN{print "id,account_no,time,direction,amount,summary"; for(i=1;i<=300000;i++) printf "T%d,6222021234567890123,2025-03-01 10:%02d,out,%d.%02d,货款\n", i, i%60, i%5000, i%100}' >"$work/bt.csv"
"$bin" import bank_transactions "$work/bt.csv" --db "$db" --key "$key" >/dev/null 2>&1 &
import_pid=$!
for _ in $(seq 200); do
  n=$(sql "SELECT COUNT(*) FROM bank_transactions WHERE id LIKE 'T%'" 2>/dev/null || echo 0)
  [[ ${n:-0} -gt 0 ]] && break
  sleep 0.05
done
kill -9 "$import_pid"
wait "$import_pid" 2>/dev/null
partial=$(sql "SELECT COUNT(*) FROM bank_transactions WHERE id LIKE 'T%'")
check "killed import left whole batches" test $((partial % 10000)) -eq 0
check "killed import stopped early" test "$partial" -lt 300000
check "killed run still marked running" test "$(sql "SELECT COUNT(*) FROM imports WHERE dataset='bank_transactions' AND status='running'")" = 1
out=$("$bin" import bank_transactions "$work/bt.csv" --db "$db" --key "$key")
check "re-run finishes" contains "$out" "\"rows\":300000,\"inserted\":$((300000 - partial)),\"updated\":0,\"rejected\":0"
check "no duplicates" test "$(sql "SELECT COUNT(*) FROM bank_transactions WHERE id LIKE 'T%'")" = 300000
check "no half rows" test "$(sql "SELECT COUNT(*) FROM bank_transactions WHERE amount IS NULL OR account_no_bidx IS NULL")" = 0

# audit verify, then tamper with a row directly in the database
out=$("$bin" audit verify --db "$db")
check "audit verify ok" test $? -eq 0
check "audit verify json" contains "$out" '"ok":true'
victim=$(sql "SELECT id FROM audit_log WHERE action='user.create' ORDER BY id LIMIT 1 OFFSET 1")
sql "UPDATE audit_log SET target='user:999' WHERE id=$victim" >/dev/null
out=$("$bin" audit verify --db "$db")
check "tampered verify exit 1" test $? -eq 1
check "tampered entry named" contains "$out" "\"first_broken_id\":$victim"

# serve, then SIGTERM: a clean, graceful stop
# A port nobody listens on (other tests run servers at the same time); the
# server gets up to 10 s, and its log is shown if it does not come up.
port=$((20000 + RANDOM % 20000))
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
"$bin" serve --db "$db" --port "$port" >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do curl -s "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
out=$(curl -s "http://127.0.0.1:$port/healthz")
check "serve healthz" contains "$out" '"status":"ok"'
[[ $out == *'"status":"ok"'* ]] || cat "$work/serve.log" >&2
kill -TERM "$server_pid"
wait "$server_pid"
check "sigterm exit 0" test $? -eq 0
server_pid=""
check "sigterm logged" contains "$(cat "$work/serve.log")" "stopped"

finish
