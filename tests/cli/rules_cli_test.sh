#!/usr/bin/env bash
# End to end: `mingjing rules test` on the compiled-in pack and on a broken
# rule folder, then `mingjing rules run` on the demo county (real importer,
# real database): the planted irregularities of docs/demo-data.md become
# warnings, a second run duplicates nothing, and the export names the
# planted records.
#   rules_cli_test.sh BINARY sqlite|postgresql
# PostgreSQL needs MINGJING_TEST_PG_URL (an admin URL on a throw-away cluster).
set -uo pipefail
bin=$1
backend=$2
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh" "$backend" rules
key="$work/personal.key"

# The pack's own cases.
out=$("$bin" rules test 2>&1)
check "rules test exit 0" test $? -eq 0
check "rules test summary" contains "$out" "条失败"
check "rules test all pass" contains "$out" "，0条失败"
check "rules test names S01" contains "$out" "通过 S01"

# A broken rule folder: refused with file, line and field, exit 2.
mkdir "$work/rules"
printf 'id: S01\nstatus: active\ntitle: x\ncategory: subsidies\nseverty: red\n' >"$work/rules/S01.yaml"
out=$("$bin" rules test --rules "$work/rules" 2>&1)
check "broken rule exit 2" test $? -eq 2
check "broken rule names line and field" contains "$out" "S01.yaml:5:1：字段 severty：未知的字段"

# A failing case: exit 1 with what was expected and found.
sed -e 's/expect: \[\[payments:ZC1\]\]/expect: [[payments:ZC2]]/' "$(dirname "$0")/../../rules/F01.yaml" >"$work/rules/S01.yaml"
out=$("$bin" rules test --rules "$work/rules" 2>&1)
check "failing case exit 1" test $? -eq 1
check "failing case explained" contains "$out" "期望命中 [payments:ZC2]，实际命中 [payments:ZC1]"

# The demo county, then a run as of the end of 2025.
"$bin" demo --db "$db" --key "$key" >/dev/null 2>&1
check "demo loaded" test "$(sql "SELECT COUNT(*) FROM subsidies")" -gt 1000
out=$("$bin" rules run --db "$db" --key "$key" --as-of 2025-12-31)
check "run exit 0" test $? -eq 0
active=$(grep -lE '^status: (active|shadow)( |$)' "$(dirname "$0")"/../../rules/*.yaml | wc -l)
check "run summary keys" contains "$out" "{\"rules\":$active,\"records\":"
new=$(sed -E 's/.*"warnings_new":([0-9]+).*/\1/' <<<"$out")
check "run raised warnings" test "$new" -gt 5
check "stored as many" test "$(sql "SELECT COUNT(*) FROM warnings")" -eq "$new"
out2=$("$bin" rules run --db "$db" --key "$key" --as-of 2025-12-31)
check "second run raises nothing" contains "$out2" '"warnings_new":0'
check "second run keeps them open" contains "$out2" "\"warnings_open\":$new"
check "run audited" test "$(sql "SELECT COUNT(*) FROM audit_log WHERE action='rules.run'")" -eq 2

# The planted cases are among the warnings (docs/demo-data.md).
export_out=$("$bin" warnings export --db "$db" --key "$key")
for planted in 'DIBAO-202409-00006' 'GENGDI-202507-00001' 'ZC001001-20250020' 'HT001001-01' 'WG001002-2025001' 'TS202500306'; do
  check "planted $planted found" contains "$export_out" "\"id\":\"$planted\""
done
check "S01 names the dead person's subsidy" contains "$(grep '"rule":"S01"' <<<"$export_out" | head -1)" '"severity":"red"'

# --only and a bad date.
out=$("$bin" rules run --db "$db" --key "$key" --only F01 --as-of 2025-12-31)
check "only one rule" contains "$out" '{"rules":1,'
out=$("$bin" rules run --db "$db" --only NOPE 2>&1)
check "unknown rule exit 2" test $? -eq 2
out=$("$bin" rules run --db "$db" --as-of 2025-02-30 2>&1)
check "bad date exit 2" test $? -eq 2
check "bad date message" contains "$out" "日期格式不正确"

finish
