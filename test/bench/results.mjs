/**
 * bench/results.json: every part merges its figures into what is there, each with the time it was
 * measured (all.mjs's summary shows the figures of its own run by that time).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const RESULTS = join(ROOT, 'bench/results.json');

/** The statistics every part prints (run.mjs, rank.mjs). */
export const sorted = (xs) => [...xs].sort((a, b) => a - b);
export function median(xs) {
  const s = sorted(xs);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
/** Nearest-rank p95. */
export const p95 = (xs) => sorted(xs)[Math.min(xs.length - 1, Math.ceil(0.95 * xs.length) - 1)];

/** Merges `{ name, median, p95, unit, budget, runs, … }` figures (those measured: median not null) into the file. */
export function mergeResults(figures) {
  let results = {};
  if (existsSync(RESULTS)) {
    try {
      results = JSON.parse(readFileSync(RESULTS, 'utf8'));
    } catch {
      console.log(`${RESULTS.slice(ROOT.length + 1)} did not parse: starting it again`);
    }
  }
  const measuredAt = new Date().toISOString();
  for (const { name, ...f } of figures) if (f.median !== null) results[name] = { ...f, measuredAt };
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, JSON.stringify(results, null, 2) + '\n');
}

/**
 * Prints a part's figures measured in `runs` runs (p95 held against the budget), its notes, what is
 * over budget and what no run measured (COULD NOT MEASURE, with `failures`: why runs failed), then
 * merges them into the file. Returns how many figures no run measured.
 */
export function reportFigures(figures, { runs, failures = [], notes = [] }) {
  const rows = figures.filter((f) => f.median !== null);
  const n = Math.max(20, ...rows.map((f) => f.name.length));
  const w = Math.max(...rows.map((f) => String(f.median).length), ...rows.map((f) => String(f.p95).length), 6);
  const u = Math.max(4, ...rows.map((f) => f.unit.length));
  console.log(`\n${'name'.padEnd(n)}  ${'median'.padStart(w)}  ${'p95'.padStart(w)}  ${'unit'.padEnd(u)}  budget  runs`);
  for (const f of rows)
    console.log(
      `${f.name.padEnd(n)}  ${String(f.median).padStart(w)}  ${String(f.p95).padStart(w)}  ${f.unit.padEnd(u)}  ${String(f.budget ?? '—').padEnd(6)}  ${f.runs}/${runs}`,
    );
  console.log('');
  for (const note of notes) console.log(`note: ${note}`);
  for (const f of figures) if (f.budget !== null && f.p95 !== null && f.p95 > f.budget) console.log(`OVER BUDGET: ${f.name} ${f.p95} > ${f.budget} ${f.unit}`);
  const missing = figures.filter((f) => f.median === null);
  // A run that failed while others measured leaves every figure measured (from fewer runs; noted).
  for (const f of missing) console.log(`COULD NOT MEASURE: ${f.name}: no run measured it (${failures.join('; ')})`);
  mergeResults(figures);
  return missing.length;
}
