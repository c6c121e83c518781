// The engine against the SQL baseline, for bench/rules_engine.sh: compares
// each rule's cases and prints the side-by-side table for docs/benchmarks.md.
//
//   node compare.mjs WORK_DIR RUNS
//
// WORK_DIR holds what bench/rules_baseline.sh leaves (sqlite/RULE.tsv,
// duckdb/RULE.tsv, sqlite_times.jsonl, duckdb_times.jsonl,
// sqlite_indexes.jsonl) and what rules_engine_bench wrote (engine/ID.tsv,
// engine.jsonl, and engine.time from /usr/bin/time -v). Every result file
// has one line per subject of a case: case key, dataset, record key.
//
// A case is compared as the sorted record keys of its subjects in the
// datasets the rule's SQL names (`compared` below): the engine also names
// people and the records it joined through (deaths, relatives, officials),
// which the SQL cannot key the same way (sealed ID numbers) or does not
// list; its dedup key is its own. The two sides agree when they give the
// same cases. Exit status 1 when any rule differs (the cases only one side
// has are printed); a missed target is not an error: the table says so.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const [work, runsArg] = process.argv.slice(2);
const runs = Number(runsArg);

// The subject datasets a case is compared on, per rule.
const compared = {
  S01: ['subsidies'],
  S05: ['subsidies'],
  P01: ['projects'],
  P21: ['projects', 'companies'],
  F07: ['bank_transactions'],
  L02: ['labor'],
  A01: ['leases'],
  F01: ['payments'],
  P06: ['bids'],
  P07: ['bids'],
};

function lines(file) {
  const text = readFileSync(file, 'utf8');
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}
function jsonl(file) {
  return existsSync(file) ? lines(file).map((l) => JSON.parse(l)) : [];
}
function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// The cases of a result file: one "dataset:key dataset:key2 ..." line per
// case, sorted (a multiset: two cases may name the same records, as P21's
// cases of one project with two cadres do).
function cases(file, datasets) {
  const byCase = new Map();
  for (const row of lines(file)) {
    const [hit, dataset, id] = row.split('\t');
    if (!byCase.has(hit)) byCase.set(hit, new Set());
    if (datasets.includes(dataset)) byCase.get(hit).add(`${dataset}:${id}`);
  }
  const list = [...byCase.values()].map((subjects) => [...subjects].sort().join(' ') || '(none)');
  return { n: byCase.size, list: list.sort() };
}

// What `a` holds more often than `b`.
function minus(a, b) {
  const left = new Map();
  for (const c of b.list) left.set(c, (left.get(c) ?? 0) + 1);
  return a.list.filter((c) => {
    const n = left.get(c) ?? 0;
    if (n > 0) left.set(c, n - 1);
    return n === 0;
  });
}

const sqliteFiles = readdirSync(join(work, 'sqlite')).filter((f) => f.endsWith('.tsv'))
  .map((f) => f.replace(/\.tsv$/, '')).sort();
const sqliteTimes = new Map(jsonl(join(work, 'sqlite_times.jsonl')).map((t) => [t.rule, t.ms]));
const duckTimes = new Map(
  jsonl(join(work, 'duckdb_times.jsonl')).filter((t) => t.rule).map((t) => [t.rule, t.ms]));
const engine = jsonl(join(work, 'engine.jsonl'));
const engineRules = new Map(engine.filter((x) => x.rule).map((x) => [x.rule, x]));
const load = engine.find((x) => x.load)?.load;
const only = engine.find((x) => x.only)?.only;
const pack = engine.find((x) => x.pack)?.pack;
const timeText = readFileSync(join(work, 'engine.time'), 'utf8');
const peakMb = Number(timeText.match(/Maximum resident set size \(kbytes\): (\d+)/)[1]) / 1024;
const indexes = jsonl(join(work, 'sqlite_indexes.jsonl'));

const fmt = (ms) => (Number.isFinite(ms) ? ms.toFixed(1) : 'n/a');
const ratio = (a, b) => (b > 0 ? `${(a / b).toFixed(1)}x` : 'n/a');
let differ = false;
const totals = { engine: 0, sqlite: 0, duck: 0 };
const diffs = [];
console.log('| rule | hits engine | hits SQLite | hits DuckDB | same cases | engine ms | ' +
            'SQLite ms | DuckDB ms | SQLite / engine | DuckDB / engine |');
console.log('|---|---:|---:|---:|---|---:|---:|---:|---:|---:|');
for (const file of sqliteFiles) {
  const id = file.slice(0, 3);
  const datasets = compared[id];
  if (!datasets) throw new Error(`no comparison defined for ${file}`);
  const e = cases(join(work, 'engine', `${id}.tsv`), datasets);
  const s = cases(join(work, 'sqlite', `${file}.tsv`), datasets);
  const d = cases(join(work, 'duckdb', `${file}.tsv`), datasets);
  const same = (a, b) => a.list.length === b.list.length && a.list.every((c, i) => c === b.list[i]);
  const ok = same(e, s) && same(s, d);
  if (!ok) {
    differ = true;
    const show = (list, label) => list.slice(0, 20).map((c) => `  ${label}: ${c}`).join('\n');
    diffs.push(`${file}: ${e.n} engine cases, ${s.n} SQLite, ${d.n} DuckDB\n` +
               show(minus(e, s), 'engine, not SQLite') + '\n' +
               show(minus(s, e), 'SQLite, not engine') + '\n' +
               show(minus(d, s), 'DuckDB, not SQLite') + '\n' +
               show(minus(s, d), 'SQLite, not DuckDB'));
  }
  const em = engineRules.get(id)?.ms ?? NaN;
  const sm = median(sqliteTimes.get(file) ?? [NaN]);
  const dm = median(duckTimes.get(file) ?? [NaN]);
  totals.engine += em;
  totals.sqlite += sm;
  totals.duck += dm;
  console.log(`| ${file.replaceAll('_', ' ')} | ${e.n} | ${s.n} | ${d.n} | ` +
              `${ok ? 'yes' : '**no**'} | ${fmt(em)} | ${fmt(sm)} | ${fmt(dm)} | ` +
              `${ratio(sm, em)} | ${ratio(dm, em)} |`);
}
const wall = only?.ms ?? NaN;
console.log(`| **the ten, sum of rules** | | | | | **${fmt(totals.engine)}** | ` +
            `**${fmt(totals.sqlite)}** | **${fmt(totals.duck)}** | ` +
            `**${ratio(totals.sqlite, totals.engine)}** | **${ratio(totals.duck, totals.engine)}** |`);
console.log(`| the ten, one run_only call (wall) | | | | | ${fmt(wall)} | | | ` +
            `${ratio(totals.sqlite, wall)} | ${ratio(totals.duck, wall)} |`);
console.log();
console.log(`Engine and SQL times: median of ${runs} runs; engine: evaluation only, ` +
            'the facts loaded once before.');
if (indexes.length) {
  console.log('SQLite indexes created for the rules (before the queries, not counted in them): ' +
              indexes.map((i) => `${i.name} ${fmt(i.ms)} ms`).join(', '));
}

const targets = [
  // Judged on the larger of the engine's two figures: the sum of its
  // per-rule times, or the wall time of one run_only call on all cores.
  ['SQLite / engine on the ten >= 20x', totals.sqlite / Math.max(wall, totals.engine) >= 20,
   `${ratio(totals.sqlite, totals.engine)} (sum of rules), ${ratio(totals.sqlite, wall)} (wall)`],
  ['engine <= DuckDB on the ten', Math.max(wall, totals.engine) <= totals.duck,
   `${fmt(totals.engine)} ms (sum), ${fmt(wall)} ms (wall) vs ${fmt(totals.duck)} ms`],
  ['whole active pack eval <= 5 s', pack.ms <= 5000,
   `${fmt(pack.ms)} ms, ${pack.rules} rules, ${pack.hits} hits`],
  ['load from SQLite <= 30 s', load.load_ms <= 30000,
   `${fmt(load.load_ms)} ms, ${load.records} records, store ${load.store_mb} MB`],
  ['peak RSS <= 2 GB', peakMb <= 2048,
   `${peakMb.toFixed(0)} MB (${load.peak_rss_mb_after_load} MB after the load)`],
  ['identical cases on the ten', !differ, differ ? 'see the diff' : 'all ten'],
];
console.log('\n| target | met | figure |\n|---|---|---|');
for (const [name, met, figure] of targets) console.log(`| ${name} | ${met ? 'yes' : '**no**'} | ${figure} |`);

if (differ) {
  console.error('\nFAILED: the engine and the SQL disagree:\n' + diffs.join('\n'));
  process.exit(1);
}
