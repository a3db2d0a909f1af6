#!/usr/bin/env node
/**
 * Part of `npm run bench`: WebDAV sync of a 10,000-paper library (data.mjs, with abstracts)
 * through a loopback Apache mod_dav (test/harness/webdav.mjs), in real Chromium with the test
 * build (dist-test/chrome: it is granted http://127.0.0.1/*, so Connect needs no prompt).
 * Every request goes through the harness's proxy, which counts requests and the bytes clients sent.
 *
 *   webdav.upload.10k      Connect on a device holding 10,000 papers, to an empty folder → round done   budget 5000 ms
 *   webdav.download.10k    Connect on a new, empty profile to that folder → round done (10,000 written)  budget 5000 ms
 *   webdav.edit.requests   the round after one edit (its status changed): requests the proxy saw          budget 4
 *   webdav.edit.sent       … and what they sent, headers included                                        budget 10 kB
 *
 * Each run uses a folder of its own; device A (seeded once through library.import, as the options
 * page's import writes) reconnects to it (another folder: its cache of the old one is forgotten, so
 * its round is a first upload), and device B is a fresh profile. A run checks what it measured:
 * the upload's status says 10,000 papers and a snapshot sent; B's round pulled 10,000 papers and B
 * holds an abstract; after the edit B's next round brings the new status. Connect is the
 * background's `webdav.sync` message (the options page's Connect sends it after the permission
 * prompt); times are taken in the page around it. Merged into bench/results.json like run.mjs's.
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../harness/chromium.mjs';
import { abstractIn, PASSWORD, startWebDav, USER, webdavAvailable } from '../harness/webdav.mjs';
import { makePapers, TAGS } from './data.mjs';
import { reportFigures } from './results.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// BENCH_TEST_DIST=<dir>: another test build's Chrome target (an older one, to compare before and after a change).
const DIST = process.env.BENCH_TEST_DIST ? resolve(process.env.BENCH_TEST_DIST) : join(ROOT, 'dist-test/chrome');
const N = Number(process.env.BENCH_WEBDAV_PAPERS ?? 10_000);
const RUNS = Number(process.env.BENCH_WEBDAV_RUNS ?? 3);
const OPTIONS = 'src/options/index.html';
const STATUS_KEY = 'papershelf.webdav.status';
const SYNC_STATUS_KEY = 'papershelf.sync.status';

const started = Date.now();
const log = (...a) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s]`, ...a);
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const round1 = (x) => Math.round(x * 10) / 10;
const sizeName = (n) => (n % 1000 === 0 ? `${n / 1000}k` : String(n));

/** A PaperShelf message from an extension page to the background; throws on `{ ok: false }`. */
async function send(page, name, body) {
  const r = await page.evaluate(([n, b]) => chrome.runtime.sendMessage({ papershelf: 1, name: n, body: b }), [name, body]);
  if (!r?.ok) throw new Error(`${name}: ${r?.error ?? 'no answer'}`);
  return r.value;
}

/** Connect (as the options page's button does once permitted), timed in the page; the round's status. */
async function connectTimed(page, url) {
  const r = await page.evaluate(
    async ([u, user, password]) => {
      const t0 = performance.now();
      const res = await chrome.runtime.sendMessage({ papershelf: 1, name: 'webdav.sync', body: { connect: { url: u, user, password, passphrase: '' } } });
      return { ms: performance.now() - t0, res };
    },
    [url, USER, PASSWORD],
  );
  if (!r.res?.ok) throw new Error(`connect: ${r.res?.error ?? 'no answer'}`);
  const status = r.res.value;
  if (!status?.ok) throw new Error(`connect: the round failed: ${status?.error?.message ?? 'no status'}`);
  return { ms: r.ms, status };
}

const statusAt = (page) => page.evaluate(async (k) => (await chrome.storage.local.get(k))[k]?.at ?? 0, STATUS_KEY);

/** Waits until the background wrote a status later than `after` (the round the last change asked for). */
async function nextStatus(page, after, ms = 60_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const s = await page.evaluate(async (k) => (await chrome.storage.local.get(k))[k] ?? null, STATUS_KEY);
    if (s && s.at > after) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no WebDAV round ended within ${ms / 1000} s`);
}

/**
 * Chromium with the test build, its requests not intercepted (`live`): interception copies every
 * upload body through the DevTools protocol (17 MB took 35 s instead of 10 s on a loaded machine).
 * Nothing here loads a web page: the options page is the extension's, the server is on loopback.
 */
async function browser() {
  const b = await launchChromium({ extension: DIST, live: true });
  const page = await b.context.newPage();
  await page.goto(b.extensionUrl(OPTIONS));
  return { b, page };
}

async function mkcol(base, path) {
  const res = await fetch(base + path, { method: 'MKCOL', headers: { Authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` } });
  if (res.status !== 201) throw new Error(`MKCOL ${path}: HTTP ${res.status}`);
}

export async function measureWebDav({ n = N, runs = RUNS } = {}) {
  const series = { upload: [], download: [], requests: [], sent: [] };
  const failures = [];
  const notes = [];
  const server = await startWebDav('apache');
  let a;
  try {
    a = await browser();
    const papers = makePapers(n, 3);
    const tags = TAGS.map(([name, key]) => ({ key, name, hue: 100 }));
    const t0 = Date.now();
    const seeded = await send(a.page, 'library.import', { papers, tags });
    if (seeded.added !== n) throw new Error(`seeding added ${seeded.added} papers, not ${n}`);
    log(`device A holds ${n.toLocaleString('en')} papers (seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    // The import asks for a round of the browser's sync (seconds of A's worker at 10,000 papers):
    // the first run must not share the two cores with it, so it waits for that round to end.
    const seededAt = await a.page.evaluate(() => Date.now());
    const settled = await a.page
      .waitForFunction(async ([k, at]) => ((await chrome.storage.local.get(k))[k]?.at ?? 0) >= at, [SYNC_STATUS_KEY, seededAt], {
        timeout: 60_000,
        polling: 200,
      })
      .then(
        () => true,
        () => false,
      );
    log(settled ? "device A's browser-sync round after the import has ended" : "device A's browser-sync round did not end within 60 s: measuring anyway");
    const probe = papers[0].id;
    for (let run = 0; run < runs; run++) {
      let bDev;
      try {
        const url = `${server.url}bench-${run}/`;
        await mkcol(server.url, `bench-${run}/`);
        // 1. First upload: A to an empty folder.
        const up = await connectTimed(a.page, url);
        if (up.status.ok.papers !== n || up.status.ok.sentFiles < 1)
          throw new Error(`the upload's round says ${up.status.ok.papers} papers, ${up.status.ok.sentFiles} files sent`);
        log(`run ${run + 1}: first upload ${Math.round(up.ms)} ms (${(up.status.ok.sentBytes / 1e6).toFixed(1)} MB sent in ${up.status.ok.requests} requests)`);

        // 2. First download: a new, empty profile to the same folder.
        bDev = await browser();
        const down = await connectTimed(bDev.page, url);
        if (down.status.ok.pulled !== n || down.status.ok.papers !== n) throw new Error(`the download's round pulled ${down.status.ok.pulled} of ${n} papers`);
        const abstract = await bDev.page.evaluate(abstractIn, ['papershelf', probe]);
        if (abstract !== papers[0].abstract) throw new Error('device B does not hold the abstract the folder carried');
        log(`run ${run + 1}: first download ${Math.round(down.ms)} ms (${(down.status.ok.receivedBytes / 1e6).toFixed(1)} MB read)`);

        // 3. One edit on A, and the round it asks for (debounced by the background): counted at the proxy.
        // A's status first settles (B's first round may have written a file A has not read yet).
        await send(a.page, 'webdav.sync', {});
        const id = papers[1 + run].id;
        const before = await statusAt(a.page);
        const s0 = { ...server.proxy.stats };
        const status = ['to-read', 'reading', 'read'].find((s) => s !== papers[1 + run].status && s !== 'reading') ?? 'reading';
        await send(a.page, 'papers.setStatus', { ids: [id], status });
        const after = await nextStatus(a.page, before);
        if (!after.ok) throw new Error(`the round after the edit failed: ${after.error?.message}`);
        const requests = server.proxy.stats.requests - s0.requests;
        const sent = (server.proxy.stats.sent - s0.sent) / 1000;
        log(
          `run ${run + 1}: round after one edit: ${requests} requests, ${sent.toFixed(2)} kB sent (the round's own count: ${after.ok.requests}, ${(after.ok.sentBytes / 1000).toFixed(2)} kB)`,
        );
        // The edit is in the folder: B's next round brings it.
        await send(bDev.page, 'webdav.sync', {});
        const [got] = await send(bDev.page, 'papers.get', { ids: [id] });
        if (got?.status !== status) throw new Error(`device B has status ${got?.status} for the edited paper, not ${status}`);
        series.upload.push(up.ms);
        series.download.push(down.ms);
        series.requests.push(requests);
        series.sent.push(sent);
      } catch (e) {
        const why = (e instanceof Error ? e.message : String(e)).split('\n')[0];
        failures.push(`run ${run + 1}: ${why}`);
        log(`run ${run + 1} could not measure: ${why}`);
      } finally {
        await bDev?.b.close().catch(() => {});
      }
    }
  } finally {
    await a?.b.close().catch(() => {});
    await server.close().catch((e) => notes.push(`closing the server: ${e.message}`));
  }
  return { n, runs, series, failures, notes };
}

export function webdavFigures({ n, series }) {
  const k = sizeName(n);
  const fig = (name, xs, unit, budget, r = round1) => ({
    name,
    median: xs.length ? r(pct(xs, 50)) : null,
    p95: xs.length ? r(pct(xs, 95)) : null,
    unit,
    budget,
    runs: xs.length,
  });
  return [
    fig(`webdav.upload.${k}`, series.upload, 'ms', 5000),
    fig(`webdav.download.${k}`, series.download, 'ms', 5000),
    fig('webdav.edit.requests', series.requests, 'requests', 4, (x) => x),
    fig('webdav.edit.sent', series.sent, 'kB', 10, (x) => Math.round(x * 100) / 100),
  ];
}

async function main() {
  const what = `WebDAV sync of ${N.toLocaleString('en')} papers`;
  if (!webdavAvailable('apache')) {
    console.log(`COULD NOT MEASURE: ${what}: no Apache (apt-get install -y apache2 apache2-utils)`);
    return 1;
  }
  if (!existsSync(join(DIST, 'manifest.json'))) {
    console.log(`COULD NOT MEASURE: ${what}: no build in ${DIST.slice(ROOT.length + 1)} (npm run bench builds first)`);
    return 1;
  }
  const r = await measureWebDav();
  const figures = webdavFigures(r);
  const notes = [
    `machine load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} (1, 5, 15 min)`,
    ...[...r.failures, ...r.notes].map((why) => `${what}, ${why}`),
  ];
  return reportFigures(figures, { runs: r.runs, failures: r.failures, notes }) ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.log(`COULD NOT MEASURE: WebDAV sync: ${e instanceof Error ? e.message : e}`);
      process.exit(1);
    },
  );
}
