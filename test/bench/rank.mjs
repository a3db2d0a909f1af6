#!/usr/bin/env node
/**
 * Part of `npm run bench`: the ranking core (src/rank) in real Chromium, against docs/architecture.md's
 * budgets ("Ranking"), plus the offline evaluation's figures. Merged into bench/results.json like
 * run.mjs's ({ median, p95, unit, budget, runs }); prints `OVER BUDGET: <name> <p95> > <budget>`.
 * The synthetic series, the `.seedtext` ones and the evaluation run on their own: one that fails
 * is reported (`COULD NOT MEASURE: <what>: <why>`) and the next goes on. Exit code 0 unless
 * something could not be measured.
 *
 *   rank.vectorize.5k     fit the vocabulary + vectorise 5,000 papers (title ×2, authors, abstract)  2000 ms
 *   rank.train.5k         one tag's SVM against 5,000 papers                                          200 ms
 *   rank.score.1k         1,000 vectorised cards × every tag model: relevance, suggestions, why        10 ms
 *   rank.train.all.5k     every tag's model (a cold start)                                            —
 *   rank.train.logreg.5k  one tag, logistic regression instead                                       —
 *   rank.cards.1k         1,000 cards from text: vectorise + score                                    —
 *   rank.eval.{top1,map,baseline.top1,baseline.map}  src/rank/eval.ts on the labelled seed papers    —
 *
 * The papers are data.mjs's synthetic library, whose abstracts draw on ~90 words; the same figures
 * with suffix `.seedtext` use abstracts drawn from the seed papers' own word stream (thousands of
 * distinct words, ~2x the terms per row), closer to real text.
 *
 * Runs in the main thread of an extension page of a minimal extension built here (no dist/ needed;
 * the ranking will run in a worker or offscreen document, on the same engine). One warm-up call per
 * series is not counted; its time is printed as "cold".
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../harness/chromium.mjs';
import { requireBrowser } from '../harness/browsers.mjs';
import { TAGS } from './data.mjs';
import { median, mergeResults, p95 } from './results.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const N = 5000;
const RUNS = { vectorize: 7, train: 15, trainAll: 3, score: 30, cards: 10 };
const TAG = TAGS[0][1]; // 'llm': ~5% of the synthetic papers

const started = Date.now();
const log = (...a) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s]`, ...a);
const round = (x) => Math.round(x * 1000) / 1000;

const figures = [];
const notes = [];
function figure(name, values, { unit = 'ms', budget = null } = {}) {
  figures.push({ name, median: round(median(values)), p95: round(p95(values)), unit, budget, runs: values.length });
}

async function bundle() {
  const { rolldown } = await import('rolldown');
  const b = await rolldown({ input: join(ROOT, 'test/bench/rank-entry.ts'), logLevel: 'silent' });
  try {
    const { output } = await b.generate({ format: 'iife', minify: true });
    return output[0].code;
  } finally {
    await b.close();
  }
}

/** Words of the seed papers' abstracts and titles, in order: the word stream for `.seedtext`. */
function seedWords(seed) {
  return seed.flatMap((p) => `${p.title} ${p.summary}`.split(/\s+/)).filter(Boolean);
}

async function series(page, name, fn, arg, runs) {
  const cold = await page.evaluate(fn, arg);
  const xs = [];
  let last = cold;
  for (let i = 0; i < runs; i++) {
    last = await page.evaluate(fn, arg);
    xs.push(last.ms);
  }
  log(`${name}: cold ${cold.ms.toFixed(1)} ms, median ${median(xs).toFixed(2)} ms`, JSON.stringify({ ...last, ms: undefined }));
  notes.push(`${name} cold (first call) ${cold.ms.toFixed(1)} ms`);
  return xs;
}

let ext;
let browser;
/** What could not be measured, and why. */
const failures = [];
const firstLine = (e) => String(e?.message ?? e).split('\n')[0];
/** Runs one group of figures; a failure is kept for the report and the next group goes on. */
async function group(name, fn) {
  try {
    await fn();
  } catch (e) {
    failures.push(`${name}: ${firstLine(e)}`);
    console.error(`${name} could not measure: ${e?.stack ?? e}`);
  }
}

await group('rank (set-up: bundle, Chromium)', async () => {
  requireBrowser('chromium');
  const seed = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/seed-papers.json'), 'utf8'));
  const labels = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/rank/labels.json'), 'utf8')).papers;

  // A minimal extension: launchChromium waits for a service worker, and an extension page is where
  // the ranking will run (same origin rules, same CSP).
  ext = mkdtempSync(join(tmpdir(), 'papershelf-rank-bench-'));
  writeFileSync(
    join(ext, 'manifest.json'),
    JSON.stringify({ manifest_version: 3, name: 'rank bench', version: '0.0.1', background: { service_worker: 'sw.js' } }),
  );
  writeFileSync(join(ext, 'sw.js'), '');
  writeFileSync(join(ext, 'rank.js'), await bundle());
  writeFileSync(join(ext, 'page.html'), '<!doctype html><meta charset="utf-8"><title>rank bench</title><script src="rank.js"></script>');
  log(`bundle ${(readFileSync(join(ext, 'rank.js')).length / 1000).toFixed(1)} kB; load ${loadavg()[0].toFixed(1)}`);

  browser = await launchChromium({ extension: ext });
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(browser.extensionUrl('page.html'));
  await page.waitForFunction(() => !!globalThis.__rankBench, null, { timeout: 15_000 });

  for (const kind of ['synthetic', 'seedtext']) {
    const suffix = kind === 'synthetic' ? '' : '.seedtext';
    await group(`rank.*${suffix || ' (synthetic abstracts)'}`, async () => {
      const prep = await page.evaluate(([n, k, w]) => globalThis.__rankBench.prepare(n, k, w), [N, kind, seedWords(seed)]);
      log(`${kind}: ${prep.papers} papers, ${prep.tagged} tagged`);
      const vec = await series(page, `rank.vectorize.5k${suffix}`, () => globalThis.__rankBench.vectorize(), null, RUNS.vectorize);
      figure(`rank.vectorize.5k${suffix}`, vec, { budget: 2000 });
      figure(`rank.train.5k${suffix}`, await series(page, `rank.train.5k${suffix}`, (t) => globalThis.__rankBench.train(t), TAG, RUNS.train), { budget: 200 });
      figure(
        `rank.train.logreg.5k${suffix}`,
        await series(page, `rank.train.logreg.5k${suffix}`, (t) => globalThis.__rankBench.train(t, 'logreg'), TAG, RUNS.train),
      );
      figure(`rank.train.all.5k${suffix}`, await series(page, `rank.train.all.5k${suffix}`, () => globalThis.__rankBench.trainAll(), null, RUNS.trainAll));
      figure(`rank.score.1k${suffix}`, await series(page, `rank.score.1k${suffix}`, () => globalThis.__rankBench.score(), null, RUNS.score), { budget: 10 });
      figure(`rank.cards.1k${suffix}`, await series(page, `rank.cards.1k${suffix}`, () => globalThis.__rankBench.scoreTexts(), null, RUNS.cards));
    });
  }

  await group('rank.eval.*', async () => {
    const t0 = Date.now();
    const ev = await page.evaluate(([s, l]) => globalThis.__rankBench.evaluate(s, l), [seed, labels]);
    log(`evaluation in ${Date.now() - t0} ms`);
    const one = (name, v) => figures.push({ name, median: round(v), p95: round(v), unit: 'score', budget: null, runs: 1 });
    one('rank.eval.top1', ev.model.top1);
    one('rank.eval.map', ev.model.map);
    one('rank.eval.baseline.top1', ev.baseline.top1);
    one('rank.eval.baseline.map', ev.baseline.map);
    notes.push(
      `per-tag AP (model): ${Object.entries(ev.model.ap)
        .map(([t, v]) => `${t} ${v.toFixed(2)}`)
        .join(', ')}`,
    );
    notes.push(
      `per-tag AP (baseline): ${Object.entries(ev.baseline.ap)
        .map(([t, v]) => `${t} ${v.toFixed(2)}`)
        .join(', ')}`,
    );
  });
  if (errors.length) notes.push(`page errors: ${errors.slice(0, 3).join(' | ')}`);
});
await browser?.close().catch(() => {});
if (ext) rmSync(ext, { recursive: true, force: true });

if (figures.length) {
  console.log(`\n${'name'.padEnd(30)} ${'median'.padStart(9)} ${'p95'.padStart(9)}  unit   budget  runs`);
  for (const { name, ...f } of figures)
    console.log(
      `${name.padEnd(30)} ${String(f.median).padStart(9)} ${String(f.p95).padStart(9)}  ${f.unit.padEnd(5)}  ${String(f.budget ?? '—').padStart(6)}  ${f.runs}`,
    );
  for (const n of notes) console.log(`note: ${n}`);
  for (const f of figures) if (f.budget !== null && f.p95 > f.budget) console.log(`OVER BUDGET: ${f.name} ${f.p95} > ${f.budget}`);
  console.log(
    `load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  mergeResults(figures);
}
for (const why of failures) console.log(`COULD NOT MEASURE: ${why}`);
process.exit(failures.length ? 1 : 0);
