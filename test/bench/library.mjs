#!/usr/bin/env node
/**
 * Part of `npm run bench`: importing and exporting a 10,000-paper library on
 * the options page, in real Chromium, as a user does it (choose a backup file
 * on disk, read the preview, click Import; choose BibTeX, click Export). Figures are
 * merged into bench/results.json like run.mjs's.
 *   import.preview.10k   file chosen → preview shown (read, validate, plan the merge)   budget 500 ms
 *   import.preview.floor.10k  the same file read as text and JSON.parse'd in the same page (previewFloorInPage)
 *   import.preview.ratio.10k  import.preview / its floor, per run               reported
 *   import.write.10k     click Import → done (one transaction in the page, through the library)         budget 1000 ms (docs/architecture.md)
 *   import.write.floor.10k  the same papers written bare to IndexedDB in the same page (writeFloorInPage)
 *   import.write.ratio.10k  import.write / its floor, per run                    reported
 *   import.total.10k     both                                                     reported
 *   import.indexed.10k   click Import → the search index caught up (its own transaction, after the papers')  reported
 *   export.bibtex.10k    click Export → file ready                                budget 1000 ms
 *   export.bibtex.floor.10k  the library's records read bare and made a JSON file (exportFloorInPage)
 *   export.bibtex.ratio.10k  export.bibtex / its floor, per run                  reported
 *
 * The export starts once the index has caught up: started while it is being written, it would
 * share the page's thread with the import's tokenising and time both.
 *
 * Each run checks what the page showed: the preview's count to add, the
 * numbers of the "imported" status and the entries of the exported file must
 * all be the library's size. The pages format numbers with Intl in the
 * language of their messages ("10,000", "10 000"): only the digits are read.
 *
 * `measureLibrary({ n, runs })` is the measurement itself, for other sizes:
 * test/e2e/bench.e2e.ts runs it at 1,000 papers so that a change that breaks
 * this part of the bench fails `npm test`.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../harness/browsers.mjs';
import { launchChromium } from '../harness/chromium.mjs';
import { makePapers, TAGS } from './data.mjs';
import { reportFigures } from './results.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = join(ROOT, 'dist/chrome');
const N = 10_000;
const RUNS = 3;
/** How long the page may take over one step (preview, write, export) before the run is given up. */
const STEP_MS = 60_000;
const BACKUP_NAME = 'papershelf-backup.json';

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const round = (x) => Math.round(x * 10) / 10;

/** A backup file of `n` papers (data.mjs) and the 30 tags, as the options page's Export writes one. */
export function backupOf(n) {
  const papers = makePapers(n, 3);
  const tags = TAGS.map(([name, key]) => ({ key, name, hue: 100 }));
  return JSON.stringify({ format: 'papershelf-backup', version: 1, exportedAt: new Date().toISOString(), papers, tags });
}

/**
 * In the options page, before the file is chosen: the moment the page hears of it (its file
 * input's change event, caught before the page's own handler), and a promise of the preview
 * shown (or the page's error) as `window.__preview`, for importExportInPage.
 */
function armPreviewInPage() {
  const q = (selector) => document.querySelector(selector);
  window.__preview = new Promise((resolve) => {
    window.addEventListener(
      'change',
      () => {
        const t0 = performance.now();
        const tick = () => {
          const v = q('[data-count="add"]') ?? q('section#import [role="alert"]');
          if (v) resolve({ t0, at: performance.now(), v });
          else setTimeout(tick, 2);
        };
        tick();
      },
      { capture: true, once: true },
    );
  });
}

/**
 * In the options page, on an empty library, once a backup file has been chosen (armPreviewInPage):
 * waits for the preview, clicks Import, waits until it is written, then exports every
 * paper as BibTeX (the default format and scope), keeping the file instead of
 * downloading it. Returns the times (ms) and what the page showed: the count
 * to add in the preview, the numbers of the status, the entries of the file.
 * A step that ends in an error message, or not within `stepMs`, throws.
 */
async function importExportInPage([fileName, stepMs]) {
  /** Every number in a text, whatever its grouping separator ("10,000", "10 000", "10.000" → 10000). */
  const numbers = (s) => (s.match(/\d+(?:[,.'’\u00a0\u202f ]\d+)*/g) ?? []).map((m) => Number(m.replace(/[^0-9]/g, '')));
  const q = (selector) => document.querySelector(selector);
  const until = (what, cond) =>
    new Promise((res, rej) => {
      const t0 = performance.now();
      const tick = () => {
        const v = cond();
        if (v) res({ at: performance.now(), v });
        else if (performance.now() - t0 > stepMs) rej(new Error(`${what}: nothing shown within ${stepMs / 1000} s`));
        else setTimeout(tick, 5);
      };
      tick();
    });
  const alertIn = (section) => q(`section#${section} [role="alert"]`);
  /** `until` ended on the page's error message: the step failed, and says why. */
  const failIf = (found) => {
    if (found instanceof Element && found.matches('[role="alert"]')) throw new Error(found.textContent || 'an error message');
  };

  // 1. The file chosen: the preview's count to add (or the page's error).
  const preview = await Promise.race([
    window.__preview,
    new Promise((_, rej) => setTimeout(() => rej(new Error(`the import preview: nothing shown within ${stepMs / 1000} s`)), stepMs)),
  ]);
  const t0 = preview.t0;
  failIf(preview.v);
  const toAdd = Number(preview.v.textContent.replace(/[^0-9]/g, ''));

  // 2. Import: the status says what was added, updated, unchanged (or the page's error).
  q('.preview button.primary').click();
  const done = await until('the import', () => q('section#import [role="status"]') ?? alertIn('import'));
  failIf(done.v);
  // The file name is the status's first substitution; the numbers after it are added, updated, unchanged.
  const status = numbers(done.v.textContent.replace(fileName, ''));
  // The page marks the search index written (Options.tsx); a failure there is a console warning and no mark.
  const indexed = await until('the search index', () => performance.getEntriesByName('papershelf:import-indexed').length > 0);

  // 3. Export every paper as BibTeX: the file the page hands to a link, before it is downloaded.
  let file;
  HTMLAnchorElement.prototype.click = function () {
    file ??= { at: performance.now(), href: this.href };
  };
  const t3 = performance.now();
  q('section#export button.primary').click();
  const exported = await until('the export', () => file ?? alertIn('export'));
  failIf(exported.v);
  const bibtex = await (await fetch(file.href)).text();
  return {
    preview: preview.at - t0,
    write: done.at - preview.at,
    indexed: indexed.at - preview.at,
    bibtex: file.at - t3,
    shown: { toAdd, status, entries: (bibtex.match(/^@\w+\{/gm) ?? []).length },
  };
}

/**
 * Measures import and export of an `n`-paper library in `runs` runs, each in a
 * fresh Chromium profile (the import adds `n` papers to an empty library) with
 * the extension built in `extension`. A run that fails is kept in `failures`
 * (with why) and the other runs go on. Returns the series in ms (one value per
 * run that measured), what the page showed in each run, and the errors pages logged.
 * @param {{ n?: number, runs?: number, extension?: string, log?: (line: string) => void }} [opts]
 */
export async function measureLibrary({ n = N, runs = RUNS, extension = DIST, log = console.log } = {}) {
  const backup = backupOf(n);
  log(`backup of ${n.toLocaleString('en')} papers: ${(backup.length / 1e6).toFixed(1)} MB`);
  // The file a user would choose: on disk. (A File the page made from a string, which the bench
  // dropped until December 2026, took 160–200 ms to read against ~70 ms for the same bytes on disk.)
  const dir = tempDir('bench-backup');
  const file = join(dir.path, BACKUP_NAME);
  writeFileSync(file, backup);
  const series = {
    preview: [],
    previewFloor: [],
    previewRatio: [],
    write: [],
    total: [],
    indexed: [],
    bibtex: [],
    floor: [],
    ratio: [],
    exportFloor: [],
    exportRatio: [],
  };
  const shown = [];
  const failures = [];
  const errors = [];
  for (let run = 0; run < runs; run++) {
    let b;
    try {
      b = await launchChromium({ extension });
      const page = await b.context.newPage();
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => {
        if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(m.text());
      });
      await page.goto(b.extensionUrl('src/options/index.html'));
      await page.waitForSelector('section#import .drop');
      // A user takes a few seconds to choose a file. In the first second of a fresh profile the
      // extension is being installed (its database created, the welcome tab opened), and timed
      // from the page's load the preview measured that too: 560–730 ms against 320–420 ms a
      // second later, for the same file (December 2026). So the file is chosen on a settled page.
      await page.waitForTimeout(1000);
      await page.evaluate(() => new Promise((r) => requestIdleCallback(() => r(), { timeout: 2000 })));
      await page.evaluate(armPreviewInPage);
      await page.setInputFiles('section#import input[type="file"]', file);
      const t = await page.evaluate(importExportInPage, [BACKUP_NAME, STEP_MS]);
      // The floor, in the same page right after: the same papers written bare (writeFloorInPage).
      const floor = await page.evaluate(writeFloorInPage, backup);
      const readFloor = await page.evaluate(exportFloorInPage);
      // The preview's floor: the same file chosen again (a probe input of the bench's), read and parsed.
      await page.evaluate(() => {
        const probe = document.createElement('input');
        probe.type = 'file';
        probe.id = 'papershelf-bench-probe';
        document.body.append(probe);
      });
      await page.setInputFiles('#papershelf-bench-probe', file);
      const previewFloor = await page.evaluate(previewFloorInPage);
      // A fresh profile: every paper of the file is new.
      const wrong = [
        t.shown.toAdd !== n && `the preview shows ${t.shown.toAdd} to add`,
        // Sorted: a language may put "added", "updated" and "unchanged" in another order.
        [...t.shown.status].sort((x, y) => y - x).join(' ') !== `${n} 0 0` &&
          `the status has the numbers ${t.shown.status.join(', ') || 'none'} (added, updated, unchanged)`,
        t.shown.entries !== n && `the BibTeX file has ${t.shown.entries} entries`,
      ].filter(Boolean);
      if (wrong.length) throw new Error(`${wrong.join('; ')}: expected ${n} papers`);
      series.floor.push(floor);
      series.preview.push(t.preview);
      series.previewFloor.push(previewFloor);
      series.previewRatio.push(t.preview / previewFloor);
      series.write.push(t.write);
      series.total.push(t.preview + t.write);
      series.indexed.push(t.indexed);
      series.bibtex.push(t.bibtex);
      shown.push(t.shown);
      series.ratio.push(t.write / floor);
      series.exportFloor.push(readFloor);
      series.exportRatio.push(t.bibtex / readFloor);
      log(
        `run ${run + 1}: preview ${round(t.preview)} ms (floor ${round(previewFloor)} ms), write ${round(t.write)} ms (floor ${round(floor)} ms), indexed ${round(t.indexed)} ms, export BibTeX ${round(t.bibtex)} ms (floor ${round(readFloor)} ms)`,
      );
    } catch (e) {
      // A failed run is reported and the others go on: the bench always runs to its end.
      const why = (e instanceof Error ? e.message : String(e)).split('\n')[0];
      failures.push(`run ${run + 1}: ${why}`);
      log(`run ${run + 1} could not measure: ${why}`);
    } finally {
      await b?.close().catch(() => {});
    }
  }
  dir.remove();
  return { n, runs, series, shown, failures, errors };
}

/**
 * The floor of import.preview, in the options page: the chosen file (the bench's probe input) read
 * as text and parsed, nothing else. What the preview adds over it is the library's: the checks of
 * every record, the merge plan against the shelf, the page's table.
 */
async function previewFloorInPage() {
  const file = document.querySelector('#papershelf-bench-probe').files[0];
  const t0 = performance.now();
  const data = JSON.parse(await file.text());
  const ms = performance.now() - t0;
  if (!Array.isArray(data.papers) || !data.papers.length) throw new Error('the preview floor read no papers');
  return ms;
}

/**
 * The floor of import.write, in the options page (same origin, process and disk): the file's
 * papers as IndexedDB must hold them at the least, written bare to a database of their own and
 * deleted after. One transaction (strict durability, as the library's), the papers without
 * their abstracts in a store with the two indexes the library reads (saved, tags; v8 dropped status),
 * the abstracts in 256 records of many each. Not timed: parsing the file (the preview's part).
 * What import.write adds over it is the library's: the merge plan, times, tags, tombstones, the
 * page's progress and status.
 */
async function writeFloorInPage(text) {
  const { papers } = JSON.parse(text);
  const name = `papershelf-bench-floor-${Math.random().toString(36).slice(2)}`;
  const db = await new Promise((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => {
      const store = req.result.createObjectStore('papers', { keyPath: 'id' });
      store.createIndex('savedAt', 'savedAt');
      store.createIndex('tags', 'tags', { multiEntry: true });
      req.result.createObjectStore('abstracts', { keyPath: 'id' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const t0 = performance.now();
  const tx = db.transaction(['papers', 'abstracts'], 'readwrite', { durability: 'strict' });
  const store = tx.objectStore('papers');
  const pages = Array.from({ length: 256 }, (_, i) => ({ id: `p${i}`, texts: {} }));
  papers.forEach(({ abstract, ...rest }, i) => {
    store.put(rest);
    if (abstract) pages[i % 256].texts[rest.id] = abstract;
  });
  const abstracts = tx.objectStore('abstracts');
  for (const page of pages) abstracts.put(page);
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onabort = () => reject(tx.error ?? new Error('the floor transaction aborted'));
  });
  const ms = performance.now() - t0;
  db.close();
  indexedDB.deleteDatabase(name);
  return ms;
}

/**
 * The floor of export.bibtex, in the options page after the export: the library's own records
 * read bare (every paper and every page of abstracts, one `getAll` each, in one transaction)
 * and made a file of, as JSON without formatting: what any export of every paper with its
 * abstract must at least do. What export.bibtex adds over it is the BibTeX: citation keys,
 * escaping, the entries' text.
 */
async function exportFloorInPage() {
  const t0 = performance.now();
  const db = await new Promise((resolve, reject) => {
    const req = indexedDB.open('papershelf');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const tx = db.transaction(['papers', 'abstracts']);
  const all = (store) =>
    new Promise((resolve, reject) => {
      const req = tx.objectStore(store).getAll();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  const [papers, abstracts] = await Promise.all([all('papers'), all('abstracts')]);
  const file = new Blob([JSON.stringify(papers), JSON.stringify(abstracts)], { type: 'application/json' });
  const ms = performance.now() - t0;
  db.close();
  if (!file.size || papers.length === 0) throw new Error('the export floor read no papers');
  return ms;
}

/** "10k" for 10,000, "200" for 200: the size in a figure's name. */
const sizeName = (n) => (n % 1000 === 0 ? `${n / 1000}k` : String(n));

/**
 * The figures of a measureLibrary() result: { name, median, p95, unit, budget, runs },
 * p95 held against the budget; a figure no run measured has `median` and `p95` null.
 */
export function libraryFigures({ n, series }) {
  const k = sizeName(n);
  return [
    [`import.preview.${k}`, series.preview, 500, { floor: `import.preview.floor.${k}`, ratio: `import.preview.ratio.${k}` }],
    [`import.preview.floor.${k}`, series.previewFloor, null],
    [`import.preview.ratio.${k}`, series.previewRatio, null, { unit: 'x' }],
    [`import.write.${k}`, series.write, 1000, { floor: `import.write.floor.${k}`, ratio: `import.write.ratio.${k}` }],
    [`import.write.floor.${k}`, series.floor, null],
    [`import.write.ratio.${k}`, series.ratio, null, { unit: 'x' }],
    [`import.total.${k}`, series.total, null],
    [`import.indexed.${k}`, series.indexed, null],
    [`export.bibtex.${k}`, series.bibtex, 1000, { floor: `export.bibtex.floor.${k}`, ratio: `export.bibtex.ratio.${k}` }],
    [`export.bibtex.floor.${k}`, series.exportFloor, null],
    [`export.bibtex.ratio.${k}`, series.exportRatio, null, { unit: 'x' }],
  ].map(([name, xs, budget, { unit = 'ms', ...links } = {}]) => ({
    name,
    median: xs.length ? (unit === 'x' ? Math.round(pct(xs, 50) * 100) / 100 : round(pct(xs, 50))) : null,
    p95: xs.length ? (unit === 'x' ? Math.round(pct(xs, 95) * 100) / 100 : round(pct(xs, 95))) : null,
    unit,
    budget,
    runs: xs.length,
    ...links,
  }));
}

async function main() {
  if (!existsSync(join(DIST, 'manifest.json'))) {
    console.log(`COULD NOT MEASURE: import and export: no build in ${DIST.slice(ROOT.length + 1)} (npm run bench builds first)`);
    return 1;
  }
  const r = await measureLibrary();
  const figures = libraryFigures(r);
  const notes = [
    ...(r.errors.length ? [`errors on the options page: ${[...new Set(r.errors)].slice(0, 3).join(' | ')}`] : []),
    ...r.failures.map((why) => `import and export, ${why}`),
  ];
  return reportFigures(figures, { runs: r.runs, failures: r.failures, notes }) ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.log(`COULD NOT MEASURE: import and export: ${e instanceof Error ? e.message : e}`);
      process.exit(1);
    },
  );
}
