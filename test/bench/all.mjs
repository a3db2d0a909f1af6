#!/usr/bin/env node
/**
 * `npm run bench`: every part, each in its own process, always to the end.
 * Each part prints its table, marks what is over budget (OVER BUDGET: …), says
 * what it could not measure and why (COULD NOT MEASURE: <what>: <why>) and
 * merges its figures into bench/results.json, each with the time it was
 * measured (`measuredAt`); a part exits non-zero only when it could not
 * measure something. A part that has not ended after BENCH_PART_MINUTES
 * (default 20) is stopped, and the next one runs.
 *
 * At the end: one table of every figure this run measured, each with its floor
 * and its ratio to it where one exists, what is over budget, and which part
 * could not measure what and why. Exits non-zero if anything could not be
 * measured; a figure over its budget does not change the exit code.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const RESULTS = join(ROOT, 'bench/results.json');
const PART_MS = Number(process.env.BENCH_PART_MINUTES ?? 20) * 60_000;

const parts = [
  ['sizes', 'test/bench/run.mjs', { BENCH_ONLY: 'size' }],
  ['content script, HF listing and the 1,020-entry arXiv list', 'test/bench/run.mjs', { BENCH_ONLY: 'content' }],
  ['popup at 10,000 papers', 'test/bench/popup.mjs', {}],
  ['import and export of 10,000', 'test/bench/library.mjs', {}],
  ['ranking', 'test/bench/rank.mjs', {}],
  ['WebDAV sync of 10,000 papers through a loopback Apache', 'test/bench/webdav.mjs', {}],
];

/** Runs one part with its output shown as it comes; resolves with its exit, its output, and whether it was stopped. */
function runPart(file, env) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    let stopped = false;
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      out += d;
    });
    child.stderr.on('data', (d) => {
      process.stderr.write(d);
      err += d;
    });
    // SIGTERM lets the part close its browser (Playwright does on SIGTERM); SIGKILL if it does not end.
    const timer = setTimeout(() => {
      stopped = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
    }, PART_MS);
    child.on('error', (e) => {
      err += `\n${e.message}`;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, out, err, stopped });
    });
  });
}

const started = Date.now();
/** What could not be measured: "<part>: <what>: <why>". */
const missing = [];
for (const [name, file, env] of parts) {
  console.log(`\n===== ${name} (${file})`);
  const r = await runPart(file, env);
  const said = r.out
    .split('\n')
    .filter((l) => l.startsWith('COULD NOT MEASURE: '))
    .map((l) => `${name}: ${l.slice('COULD NOT MEASURE: '.length)}`);
  missing.push(...said);
  if (r.stopped) missing.push(`${name}: stopped after ${PART_MS / 60_000} min without ending`);
  else if (r.code !== 0 && !said.length) {
    const last = r.err.trim().split('\n').filter(Boolean).at(-1) ?? r.out.trim().split('\n').at(-1) ?? '';
    missing.push(`${name}: exited with ${r.code ?? r.signal} (${last.trim() || 'no output'})`);
  }
}

// ------------------------------------------------------------------ the summary

let results = {};
try {
  if (existsSync(RESULTS)) results = JSON.parse(readFileSync(RESULTS, 'utf8'));
} catch (e) {
  missing.push(`the summary: ${RESULTS.slice(ROOT.length + 1)} did not parse (${e.message})`);
}
// This run's figures, in the order the parts measured them.
const figures = Object.entries(results)
  .map(([name, f]) => ({ name, ...f, at: Date.parse(f.measuredAt ?? '') }))
  .filter((f) => f.at >= started - 1000)
  .sort((a, b) => a.at - b.at);
const byName = new Map(figures.map((f) => [f.name, f]));
/** The value held against the budget: ratios and percentages by their median, latencies by their p95, sizes are one value. */
const held = (f) => (f.unit === 'x' || f.unit === '%' ? ['median', f.median] : ['p95', f.p95]);
const over = (f) => f.budget != null && held(f)[1] > f.budget;
const fmt = (f) => (f ? `${f.median}${f.unit === 'x' || f.unit === '%' ? '' : ' '}${f.unit}` : '—');

const rows = figures.map((f) => ({
  name: f.name,
  median: String(f.median),
  p95: String(f.p95),
  unit: f.unit,
  budget: f.budget == null ? '—' : String(f.budget),
  status: f.budget == null ? '' : `${over(f) ? 'OVER' : 'ok'} (${f.unit === 'kB' ? 'size' : held(f)[0]})`,
  floor: f.floor ? fmt(byName.get(f.floor)) : '',
  ratio: f.ratio ? `${fmt(byName.get(f.ratio))} (${f.ratio})` : '',
}));
const cols = ['name', 'median', 'p95', 'unit', 'budget', 'status', 'floor', 'ratio'];
const width = Object.fromEntries(cols.map((c) => [c, Math.max(c.length, ...rows.map((r) => r[c].length))]));
const line = (r) =>
  cols
    .map((c) => (c === 'median' || c === 'p95' ? r[c].padStart(width[c]) : r[c].padEnd(width[c])))
    .join('  ')
    .trimEnd();

console.log(`\n===== summary: ${figures.length} figures measured in ${((Date.now() - started) / 60_000).toFixed(1)} min (floor and ratio: medians)\n`);
console.log(line(Object.fromEntries(cols.map((c) => [c, c]))));
console.log(cols.map((c) => '-'.repeat(width[c])).join('  '));
for (const r of rows) console.log(line(r));
console.log('');
// Wall-clock figures grow with other work on the machine (each part prints the load during its own run).
console.log(
  `machine: ${cpus().length} cores, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} (1, 5, 15 min) at the end`,
);
for (const f of figures) if (over(f)) console.log(`OVER BUDGET: ${f.name} ${held(f)[1]} > ${f.budget} ${f.unit} (${held(f)[0]})`);
for (const m of missing) console.log(`COULD NOT MEASURE: ${m}`);
console.log(
  missing.length
    ? `\nbench: ran to the end; ${missing.length} thing(s) could not be measured (COULD NOT MEASURE above)`
    : `\nbench: every part measured everything; ${figures.filter(over).length} figure(s) over budget (OVER BUDGET above)`,
);
process.exit(missing.length ? 1 : 0);
