// The DuckDB side of bench/rules_baseline.sh: loads the tables the rules read
// (CSV files exported from the SQLite database by the script) into an
// in-memory DuckDB, then runs every bench/rules_sql/*.sql file RUNS times and
// writes each result as tab-separated rows, as the sqlite3 shell does.
//
//   node duckdb_rules.mjs CSV_DIR MANIFEST RULES_DIR OUT_DIR RUNS
//
// MANIFEST is a JSON object {table: [[column, sqlite_declared_type], ...]}.
// Prints one JSON object per line on stdout: {"load_ms":..} first, then
// {"rule":..,"ms":[..]} per rule.
//
// The rule files are written for SQLite. DuckDB gets the two SQLite date
// functions they use as macros, with exactly the forms the files use:
//   julianday('YYYY-MM-DD')                          (a Julian day, noon-based)
//   datetime(unix_seconds, 'unixepoch', '+8 hours')  (local time, Asia/Shanghai,
//                                                     'YYYY-MM-DD HH:MM:SS')
// (DuckDB's parser keeps date(...) for itself, hence datetime.)
// Anything else in the files is SQL both engines read the same way.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';

const [csvDir, manifestFile, rulesDir, outDir, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 3);
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));

function duckType(sqliteType) {
  const t = sqliteType.toUpperCase();
  if (t.includes('INT')) return 'BIGINT';
  if (t.includes('REAL') || t.includes('DOUB') || t.includes('FLOA')) return 'DOUBLE';
  return 'VARCHAR';
}

function quote(name) {
  return `"${name.replaceAll('"', '""')}"`;
}

const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();

const settings = await conn.runAndReadAll(
  "SELECT current_setting('threads'), current_setting('memory_limit'), version()");
const [threads, memoryLimit, version] = settings.getRows()[0];
console.log(JSON.stringify({ duckdb: String(version), threads: Number(threads),
                             memory_limit: String(memoryLimit) }));

// Load: one CREATE TABLE ... AS read_csv per table, with the SQLite types.
const loadStart = performance.now();
const loaded = {};
for (const [table, columns] of Object.entries(manifest)) {
  const spec = columns.map(([c, t]) => `${quote(c)}: '${duckType(t)}'`).join(', ');
  const file = join(csvDir, `${table}.csv`).replaceAll("'", "''");
  await conn.run(
    `CREATE TABLE ${quote(table)} AS SELECT * FROM read_csv('${file}', header = true, ` +
    `columns = {${spec}}, nullstr = '\\N', allow_quoted_nulls = false, quote = '"', ` +
    `escape = '"', auto_detect = false)`);
  const count = await conn.runAndReadAll(`SELECT COUNT(*) FROM ${quote(table)}`);
  loaded[table] = Number(count.getRows()[0][0]);
}
const loadMs = performance.now() - loadStart;
console.log(JSON.stringify({ load_ms: loadMs, rows: loaded }));

await conn.run(`CREATE MACRO julianday(d) AS julian(CAST(d AS DATE)) - 0.5`);
await conn.run(
  `CREATE MACRO datetime(seconds, modifier, shift) AS CASE ` +
  `WHEN modifier = 'unixepoch' AND shift = '+8 hours' ` +
  `THEN strftime(epoch_ms(CAST(seconds * 1000 AS BIGINT)) + INTERVAL 8 HOUR, ` +
  `'%Y-%m-%d %H:%M:%S') ` +
  `ELSE error('datetime(): only datetime(seconds, ''unixepoch'', ''+8 hours'') is provided') END`);

for (const file of readdirSync(rulesDir).filter((f) => f.endsWith('.sql')).sort()) {
  const rule = file.replace(/\.sql$/, '');
  const sql = readFileSync(join(rulesDir, file), 'utf8');
  const times = [];
  let rows = [];
  for (let i = 0; i < runs; ++i) {
    const start = performance.now();
    const reader = await conn.runAndReadAll(sql);
    rows = reader.getRows();
    times.push(performance.now() - start);
  }
  const text = rows.map((r) => r.map((v) => (v === null ? '' : String(v))).join('\t'));
  writeFileSync(join(outDir, `${rule}.tsv`), text.length ? text.join('\n') + '\n' : '');
  console.log(JSON.stringify({ rule, ms: times }));
}
