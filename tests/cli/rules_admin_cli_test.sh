#!/usr/bin/env bash
# End to end: rule administration from the command line on a real
# database. `rules run` syncs the compiled-in pack into the registry once
# and evaluates what the registry says (status and parameter overrides set
# in the database, as the web pages set them); `rules backtest` counts what
# a version or an unsaved file would find and writes nothing.
#   rules_admin_cli_test.sh BINARY sqlite|postgresql
# PostgreSQL needs MINGJING_TEST_PG_URL (an admin URL on a throw-away cluster).
set -uo pipefail
bin=$1
backend=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh" "$backend" rulesadmin
key="$work/personal.key"

"$bin" import regions "$src/data/regions/regions-5-counties.csv" --db "$db" >/dev/null
# Cash payments of 600, 800, 1200 and 1500 yuan in 2025 and one of 5000 in
# 2023; F01's limit is 1000.
cat >"$work/payments.csv" <<'CSV'
id,village_code,category,payee_name,amount,method,applied_at
ZC1,330782001001,办公用品,张三,600,cash,2025-03-01
ZC2,330782001001,办公用品,李四,800,cash,2025-04-01
ZC3,330782001001,工程款,王五,1200,cash,2025-05-01
ZC4,330782001002,工程款,赵六,1500,cash,2025-06-01
ZC5,330782001001,工程款,钱七,5000,cash,2023-06-01
CSV
"$bin" import payments "$work/payments.csv" --db "$db" --key "$key" >/dev/null
check "payments imported" test "$(sql "SELECT COUNT(*) FROM payments")" -eq 5

# The first run stores the shipped pack, then evaluates it.
files=$(ls "$src"/rules/*.yaml | wc -l)
active=$(grep -lE '^status: (active|shadow)( |$)' "$src"/rules/*.yaml | wc -l)
out=$("$bin" rules run --db "$db" --key "$key" --as-of 2025-12-31)
check "run exit 0" test $? -eq 0
check "run summary unchanged" contains "$out" "{\"rules\":$active,\"records\":"
check "pack stored" test "$(sql "SELECT COUNT(*) FROM rule_versions")" -eq "$files"
check "pack in force" test "$(sql "SELECT COUNT(*) FROM rule_versions WHERE in_force = 1")" -eq "$files"
check "F01 raised three" test "$(sql "SELECT COUNT(*) FROM warnings WHERE rule_id = 'F01'")" -eq 3
"$bin" rules run --db "$db" --key "$key" --as-of 2025-12-31 >/dev/null
check "synced once" test "$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'rules.sync'")" -eq 1
check "stored once" test "$(sql "SELECT COUNT(*) FROM rule_versions")" -eq "$files"

# A backtest of the version in force: the same cases, nothing written.
warnings_before=$(sql "SELECT COUNT(*) FROM warnings")
audit_before=$(sql "SELECT COUNT(*) FROM audit_log")
out=$("$bin" rules backtest F01 --db "$db" --key "$key" --from 2025-01-01 --to 2025-12-31)
check "backtest exit 0" test $? -eq 0
check "backtest of version 1" contains "$out" '"rule":"F01","version":1,'
check "backtest counts the year" contains "$out" '"hits":2,"hits_in_force":2,"open_warnings":3,'
check "backtest times" contains "$out" '"load_ms":'
check "backtest sample" contains "$out" '"sample":[{"dedup_key":"payments:ZC3","severity":"yellow","region_code":"330782001001"'

# An unsaved file with a lower limit, over everything stored.
sed -e 's/default: 1000/default: 500/' "$src/rules/F01.yaml" >"$work/F01.yaml"
out=$("$bin" rules backtest F01 --db "$db" --key "$key" --file "$work/F01.yaml" --from 2020-01-01 --to 2025-12-31 --sample 1)
check "file backtest" contains "$out" '"version":0,"from":"2020-01-01","to":"2025-12-31","hits":5,"hits_in_force":3,'
check "sample of one" contains "$out" '"sample":[{"dedup_key":"payments:ZC1",'
check "sample of one only" test "$(grep -o dedup_key <<<"$out" | wc -l)" -eq 1
check "backtests wrote no warning" test "$(sql "SELECT COUNT(*) FROM warnings")" -eq "$warnings_before"
check "backtests wrote no audit entry" test "$(sql "SELECT COUNT(*) FROM audit_log")" -eq "$audit_before"

# Refusals.
out=$("$bin" rules backtest NOPE --db "$db" 2>&1)
check "unknown rule exit 2" test $? -eq 2
check "unknown rule named" contains "$out" "规则不存在：NOPE"
out=$("$bin" rules backtest F01 --db "$db" --from 2025-02-30 2>&1)
check "bad date exit 2" test $? -eq 2
out=$("$bin" rules backtest F01 --db "$db" --version 9 2>&1)
check "unknown version exit 2" test $? -eq 2
printf 'id: F01\nversion: 1\nstatus: active\nseverty: red\n' >"$work/broken.yaml"
out=$("$bin" rules backtest F01 --db "$db" --file "$work/broken.yaml" 2>&1)
check "broken file exit 2" test $? -eq 2
check "broken file names line and field" contains "$out" "F01.yaml:4:1：字段 severty"

# What the registry says is what runs: a village override of F01's limit
# (as the web page stores it) finds the 800 payment too ...
sql "INSERT INTO rule_overrides (rule_id, param, region_code, value, set_by_name, set_at) VALUES ('F01', 'cash_limit', '330782001001', '700', 'test', 0)" >/dev/null
out=$("$bin" rules run --db "$db" --key "$key" --as-of 2025-12-31 --only F01)
check "override applied" contains "$out" '"warnings_new":1,'
check "override recorded" test "$(sql "SELECT COUNT(*) FROM warnings WHERE rule_id = 'F01' AND dedup_key = 'payments:ZC2' AND params LIKE '%330782001001%'")" -eq 1
# ... and a paused rule does not run.
sql "UPDATE rule_versions SET status = 'paused' WHERE rule_id = 'F01'" >/dev/null
out=$("$bin" rules run --db "$db" --key "$key" --as-of 2025-12-31)
check "paused rule left out" contains "$out" "{\"rules\":$((active - 1)),"
# --rules DIR runs the files as they are.
mkdir "$work/rules"
cp "$src/rules/F01.yaml" "$work/rules/"
out=$("$bin" rules run --db "$db" --key "$key" --as-of 2025-12-31 --rules "$work/rules")
check "files as they are" contains "$out" '{"rules":1,'

finish
