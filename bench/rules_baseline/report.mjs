// Compares the SQLite and DuckDB results of bench/rules_baseline.sh, checks
// that every planted irregularity of a rule is found, and prints the table
// for docs/benchmarks.md.
//
//   node report.mjs WORK_DIR RUNS [PLANTS.md]
//
// WORK_DIR holds sqlite/RULE.tsv and duckdb/RULE.tsv (one result row per
// line: hit, dataset, id), sqlite_times.jsonl and duckdb_times.jsonl. The
// plants file is what `mingjing demo --plants FILE` writes (the table of
// docs/demo-data.md). Exit status 1 when the two engines disagree on any
// rule or a planted case is not found.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const [work, runsArg, plantsFile] = process.argv.slice(2);
const runs = Number(runsArg);

// The datasets each rule names as subjects (bench/rules_sql headers).
const subjectDatasets = {
  S01: ['subsidies'],
  S05: ['subsidies'],
  P01: ['projects'],
  P21: ['projects', 'companies'],
  F07: ['bank_transactions'],
  L02: ['labor'],
  A01: ['leases'],
  F01: ['payments'],
  P06: ['projects', 'companies'],  // named through bids (below)
  P07: ['projects', 'companies'],
};

// P06 names bids (record_key: project id, 0x1f, bidder's credit code); a
// planted project or company is found through them.
function hasSubject(set, subject) {
  if (set.has(subject)) return true;
  const [dataset, key] = subject.split('\t');
  const bids = [...set].filter((s) => s.startsWith('bids\t')).map((s) => s.slice(5).split('\x1f'));
  if (dataset === 'projects') return bids.some(([project]) => project === key);
  if (dataset === 'companies') return bids.some(([, company]) => company === key);
  return false;
}

// Rules whose hit is a single record rather than a group.
const perRecord = new Set(['S01', 'F01', 'F07']);

function lines(file) {
  const text = readFileSync(file, 'utf8');
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

function jsonl(file) {
  return lines(file).map((l) => JSON.parse(l));
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// hit -> Set of "dataset\tid"
function hits(rows) {
  const out = new Map();
  for (const row of rows) {
    const [hit, dataset, id] = row.split('\t');
    if (!out.has(hit)) out.set(hit, new Set());
    out.get(hit).add(`${dataset}\t${id}`);
  }
  return out;
}

// rule -> [[dataset, key], ...] per plant, from the Markdown table.
function plants(file) {
  const out = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const cells = line.split(' | ');
    if (cells.length < 5 || !/^[A-Z]\d\d$/.test(cells[1])) continue;
    const records = cells.slice(4).join(' | ').replace(/ \|$/, '');
    const subjects = [];
    for (const part of records.split('; ')) {
      const m = part.match(/^(\w+) (.*)$/);
      if (!m) continue;
      for (const key of m[2].matchAll(/`([^`]*)`/g)) subjects.push([m[1], key[1]]);
    }
    if (!out.has(cells[1])) out.set(cells[1], []);
    out.get(cells[1]).push(subjects);
  }
  return out;
}

const sqliteTimes = new Map(jsonl(join(work, 'sqlite_times.jsonl')).map((t) => [t.rule, t.ms]));
const duckTimes = new Map(
  jsonl(join(work, 'duckdb_times.jsonl')).filter((t) => t.rule).map((t) => [t.rule, t.ms]));
const planted = plantsFile ? plants(plantsFile) : new Map();

const rules = readdirSync(join(work, 'sqlite')).filter((f) => f.endsWith('.tsv'))
  .map((f) => f.replace(/\.tsv$/, '')).sort();
let failed = false;
let sqliteTotal = 0;
let duckTotal = 0;
console.log(`| rule | SQLite ms | (min-max) | DuckDB ms | (min-max) | SQLite / DuckDB | ` +
            `hits SQLite | hits DuckDB | same rows | planted case |`);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|---|');
for (const rule of rules) {
  const id = rule.slice(0, 3);
  const sqliteRows = lines(join(work, 'sqlite', `${rule}.tsv`));
  const duckRows = lines(join(work, 'duckdb', `${rule}.tsv`));
  const sqliteHits = hits(sqliteRows);
  const duckHits = hits(duckRows);
  const same = sqliteRows.length === duckRows.length &&
               sqliteRows.every((r, i) => r === duckRows[i]);
  if (!same || sqliteHits.size !== duckHits.size) failed = true;
  const sAll = sqliteTimes.get(rule) ?? [NaN];
  const dAll = duckTimes.get(rule) ?? [NaN];
  const s = median(sAll);
  const d = median(dAll);
  sqliteTotal += s;
  duckTotal += d;
  let plantNote = '—';
  if (planted.has(id)) {
    const wanted = new Set(subjectDatasets[id] ?? []);
    const notes = [];
    const plantHits = new Set();
    for (const subjects of planted.get(id)) {
      const expected = subjects.filter(([dataset]) => wanted.has(dataset))
        .map(([dataset, key]) => `${dataset}\t${key}`);
      // One hit per record (S01, F01, F07): each planted record is a hit.
      // Otherwise one hit holds every planted record.
      const matches = perRecord.has(id)
        ? expected.map((e) => [...sqliteHits].find(([, set]) => hasSubject(set, e)))
        : [[...sqliteHits].find(([, set]) => expected.every((e) => hasSubject(set, e)))];
      if (expected.length === 0 || matches.some((m) => !m)) {
        failed = true;
        notes.push('**not found**');
      } else {
        for (const m of matches) plantHits.add(m[0]);
        notes.push('found');
      }
    }
    const others = sqliteHits.size - plantHits.size;
    plantNote = notes.join(', ') + (others > 0 ? ` (+${others} other)` : ' (alone)');
  }
  const fmt = (ms) => (Number.isFinite(ms) ? ms.toFixed(1) : 'n/a');
  const range = (all) => `${fmt(Math.min(...all))}-${fmt(Math.max(...all))}`;
  console.log(`| ${rule} | ${fmt(s)} | ${range(sAll)} | ${fmt(d)} | ${range(dAll)} | ` +
              `${(s / d).toFixed(1)}x | ${sqliteHits.size} | ${duckHits.size} | ` +
              `${same ? 'yes' : '**no**'} | ${plantNote} |`);
}
console.log(`| **all ten** | ${sqliteTotal.toFixed(1)} | | ${duckTotal.toFixed(1)} | | ` +
            `${(sqliteTotal / duckTotal).toFixed(1)}x | | | | |`);
console.log(`\nTimes: median of ${runs} runs per rule, each run the whole query with its ` +
            `result rows written out.`);
if (failed) {
  console.error('FAILED: the engines disagree or a planted case was not found (see the table)');
  process.exit(1);
}
