#!/usr/bin/env node
/**
 * Part of `npm run bench`: importing and exporting a 10,000-paper library on
 * the options page, in real Chromium, as a user does it (drop a backup file,
 * read the preview, click Import; choose BibTeX, click Export). Figures are
 * merged into bench/results.json like run.mjs's.
 *   import.preview.10k   drop → preview shown (read, validate, plan the merge)   budget 500 ms
 *   import.write.10k     click Import → done (one transaction in the page, through the library)         budget 1000 ms (docs/architecture.md)
 *   import.total.10k     both                                                     reported
 *   export.bibtex.10k    click Export → file ready                                budget 1000 ms
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../harness/chromium.mjs';
import { makePapers, TAGS } from './data.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const RESULTS = join(ROOT, 'bench/results.json');
const RUNS = 3;

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const round = (x) => Math.round(x * 10) / 10;

const papers = makePapers(10_000, 3);
const tags = TAGS.map(([name, key]) => ({ key, name, hue: 100 }));
const backup = JSON.stringify({ format: 'papershelf-backup', version: 1, exportedAt: new Date().toISOString(), papers, tags });
console.log(`backup of ${papers.length} papers: ${(backup.length / 1e6).toFixed(1)} MB`);

const series = { preview: [], write: [], total: [], bibtex: [] };
for (let run = 0; run < RUNS; run++) {
  // A fresh profile each run: the import adds 10,000 papers to an empty library.
  const b = await launchChromium({ extension: join(ROOT, 'dist/chrome') });
  try {
    const page = await b.context.newPage();
    await page.goto(b.extensionUrl('src/options/index.html'));
    await page.waitForSelector('[data-testid="dropzone"]');
    const t = await page.evaluate(async (text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'papershelf-backup.json', { type: 'application/json' }));
      const zone = document.querySelector('[data-testid="dropzone"]');
      const until = (cond) =>
        new Promise((res, rej) => {
          const t0 = performance.now();
          const tick = () => (cond() ? res(performance.now()) : performance.now() - t0 > 60000 ? rej(new Error('timeout')) : setTimeout(tick, 5));
          tick();
        });
      const t0 = performance.now();
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      const t1 = await until(() => document.querySelector('[data-count="add"]')?.textContent === '10000');
      document.querySelector('.preview button.primary').click();
      const t2 = await until(() => /10000 added/.test(document.querySelector('section#import [role="status"]')?.textContent ?? ''));
      const alert = document.querySelector('section#import [role="alert"]')?.textContent;
      if (alert) throw new Error(alert);
      // Export all 10,000 as BibTeX (the default format and scope), keeping the file instead of downloading it.
      let ready;
      const done = new Promise((r) => (ready = r));
      HTMLAnchorElement.prototype.click = function () {
        ready(performance.now());
      };
      const t3 = performance.now();
      document.querySelector('section#export button.primary').click();
      const t4 = await done;
      return { preview: t1 - t0, write: t2 - t1, bibtex: t4 - t3 };
    }, backup);
    series.preview.push(t.preview);
    series.write.push(t.write);
    series.total.push(t.preview + t.write);
    series.bibtex.push(t.bibtex);
    console.log(`run ${run + 1}: preview ${round(t.preview)} ms, write ${round(t.write)} ms, export BibTeX ${round(t.bibtex)} ms`);
  } catch (e) {
    // A failed run is reported and the others go on: the bench always runs to its end.
    console.log(`run ${run + 1} could not measure: ${e instanceof Error ? e.message : e}`);
  } finally {
    await b.close();
  }
}
if (!series.write.length) {
  console.log('library bench: no run measured anything');
  process.exitCode = 1;
}

const figures = {
  'import.preview.10k': { xs: series.preview, budget: 500 },
  'import.write.10k': { xs: series.write, budget: 1000 },
  'import.total.10k': { xs: series.total, budget: null },
  'export.bibtex.10k': { xs: series.bibtex, budget: 1000 },
};
const results = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : {};
console.log('\nname                 median     p95  unit  budget');
for (const [name, { xs, budget }] of Object.entries(figures)) {
  if (!xs.length) continue;
  const entry = { median: round(pct(xs, 50)), p95: round(pct(xs, 95)), unit: 'ms', budget, runs: xs.length };
  results[name] = entry;
  console.log(`${name.padEnd(20)} ${String(entry.median).padStart(7)} ${String(entry.p95).padStart(7)}  ms    ${budget ?? '—'}`);
  if (budget !== null && entry.p95 > budget) console.log(`OVER BUDGET: ${name} ${entry.p95} > ${budget}`);
}
mkdirSync(dirname(RESULTS), { recursive: true });
writeFileSync(RESULTS, JSON.stringify(results, null, 2) + '\n');
