#!/usr/bin/env node
/**
 * Where the time of the 1,020-entry arXiv list goes: loads it (data.mjs arxivListPage) with the
 * extension and at a URL the content script does not match, alternately, under a Chrome trace of
 * the page's main thread, and prints the main thread's CPU time by kind (the thread time, tdur,
 * each trace event spent outside the events nested in it; CPU time, so other work on a busy
 * machine inflates it far less than wall time): script (the page's, and the extension's: every event
 * under one whose script URL is chrome-extension://), style, layout, paint, observers, GC, other.
 * A tool for docs/architecture.md ("Where the time goes"), not a budget: `npm run bench` holds those.
 *
 *   npm run build:test && node test/bench/list-trace.mjs [pairs=4]   (BENCH_DIST=<dir> for another build)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../harness/chromium.mjs';
import { arxivListPage } from './data.mjs';
import { startTrace } from './trace.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = process.env.BENCH_DIST ? resolve(process.env.BENCH_DIST) : join(ROOT, 'dist-test/chrome');
const URL = 'https://arxiv.org/list/cs.LG/new?skip=0&show=2000';
const FLOOR_URL = 'https://arxiv.org/bench-floor/cs.LG/new?skip=0&show=2000';
const PAIRS = Number(process.argv[2] ?? 4);
/** The page is idle once its main thread ran less than 1 ms of tasks in each of 3 windows of 100 ms (as in run.mjs). */
const QUIET = { ms: 1, every: 100, windows: 3 };

const KIND = [
  ['observers', /IntersectionObserver|ComputeIntersections|MutationObserver/],
  ['style', /UpdateLayoutTree|RecalculateStyles|ScheduleStyleRecalculation|ParseAuthorStyleSheet|InvalidateLayout|StyleInvalidator/],
  ['layout', /^Layout$|LayoutShift|UpdateLayout$|^HitTest$/],
  ['paint', /Paint|Composite|Layerize|UpdateLayer|RasterTask|Commit|Decode/],
  ['gc', /GC|Scavenge|MinorMS|MajorMS|BlinkGC/],
  ['parse', /ParseHTML/],
  [
    'script',
    /EvaluateScript|FunctionCall|v8\.|V8\.|TimerFire|EventDispatch|FireAnimationFrame|FireIdleCallback|RunMicrotasks|CompileScript|CompileCode|EvaluateModule|XHR/,
  ],
];
const kindOf = (name) => KIND.find(([, re]) => re.test(name))?.[0] ?? 'other';
const urlOf = (e) => e.args?.data?.url ?? e.args?.data?.scriptName ?? e.args?.fileName ?? '';

function split(events) {
  const meta = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  // The page's renderer: the main thread that parsed the list's HTML.
  const parse = events.find(
    (e) => e.name === 'ParseHTML' && /bench-floor|\/list\//.test(e.args?.beginData?.url ?? '') && meta.some((m) => m.pid === e.pid && m.tid === e.tid),
  );
  if (!parse) throw new Error('no ParseHTML on a renderer main thread in the trace');
  const mine = events
    .filter((e) => e.pid === parse.pid && e.tid === parse.tid && e.ph === 'X' && e.dur !== undefined)
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const start = parse.ts;
  const end = Infinity;
  const out = {};
  // What the page's thread did from the content script's start on (the page has no script of its own):
  // the extension's script and the style, layout and paint it causes.
  const ours = mine.find((e) => e.name === 'EvaluateScript' && urlOf(e).startsWith('chrome-extension://'))?.ts ?? Infinity;
  const stack = [];
  const add = (key, us) => (out[key] = (out[key] ?? 0) + us / 1000);
  const close = (upTo) => {
    while (stack.length && stack.at(-1).end <= upTo) {
      const f = stack.pop();
      add(`${f.after ? '+ ' : ''}${f.ext ? 'ext ' : ''}${f.kind}`, Math.max(0, f.self));
    }
  };
  for (const e of mine) {
    if (e.ts < start || e.ts > end) continue;
    close(e.ts);
    const parent = stack.at(-1);
    const cpu = e.tdur ?? e.dur;
    if (parent) parent.self -= cpu;
    const ext = parent?.ext || urlOf(e).startsWith('chrome-extension://');
    // A task's own kind, or its parent's when it says nothing (a nested v8 event inherits "script").
    const k = kindOf(e.name);
    stack.push({ end: e.ts + e.dur, self: cpu, kind: k === 'other' && parent ? parent.kind : k, ext, after: e.ts >= ours });
  }
  close(Infinity);
  return out;
}

const fixtureHtml = readFileSync(join(ROOT, 'test/fixtures/arxiv/list-new.html'), 'utf8');
const seeds = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/seed-papers.json'), 'utf8'));
const { html } = arxivListPage({ fixtureHtml, seeds, n: 1020 });
const pages = new Map([
  [URL, html],
  [FLOOR_URL, html],
]);
const browser = await launchChromium({ extension: DIST, pages });
const runs = { ext: [], floor: [] };
try {
  for (let i = 0; i < PAIRS; i++) {
    for (const kind of i % 2 ? ['floor', 'ext'] : ['ext', 'floor']) {
      const page = await browser.context.newPage();
      const cdp = await browser.context.newCDPSession(page);
      const stop = await startTrace(cdp, ['devtools.timeline', 'toplevel', 'v8', 'blink', 'v8.execute', 'disabled-by-default-devtools.timeline', '__metadata']);
      await cdp.send('Performance.enable');
      const taskMs = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value * 1000;
      await page.goto(kind === 'ext' ? URL : FLOOR_URL, { waitUntil: 'load', timeout: 120_000 });
      // Until idle, and with the extension, annotated (its first scan measured).
      for (let last = await taskMs(), quiet = 0, t0 = Date.now(); quiet < QUIET.windows && Date.now() - t0 < 60_000; ) {
        await new Promise((r) => setTimeout(r, QUIET.every));
        const now = await taskMs();
        quiet = now - last < QUIET.ms ? quiet + 1 : 0;
        last = now;
        // The test build marks its scan; the release build (BENCH_DIST=dist/chrome) marks nothing, and its hosts say it ran.
        // (Waiting for the mark alone, a release build's load ran to the 60 s cap, and the browser's memory-reducer
        // GCs 30 s in were counted as the extension's.)
        const annotated = () => performance.getEntriesByName('papershelf:scan').length > 0 || document.querySelector('[data-ps-host]') !== null;
        if (quiet === QUIET.windows && kind === 'ext' && !(await page.evaluate(annotated))) quiet = 0;
      }
      const events = await stop(120_000);
      await page.close();
      if (process.env.TRACE_OUT) writeFileSync(`${process.env.TRACE_OUT}-${kind}-${i}.json`, JSON.stringify({ traceEvents: events }));
      runs[kind].push(split(events));
    }
  }
} finally {
  await browser.close();
}
const keys = [...new Set([...runs.ext, ...runs.floor].flatMap(Object.keys))].sort();
const med = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const rows = keys.map((k) => ({ kind: k, ext: med(runs.ext.map((r) => r[k] ?? 0)), floor: med(runs.floor.map((r) => r[k] ?? 0)) }));
const total = (side, after = false) =>
  med(
    runs[side].map((r) =>
      Object.entries(r)
        .filter(([k]) => !after || k.startsWith('+ '))
        .reduce((a, [, b]) => a + b, 0),
    ),
  );
console.log(`main thread CPU of the page, from its HTML parse until idle (and annotated), ms (median of ${PAIRS} loads each; ${DIST})`);
console.log('kind'.padEnd(18), 'with'.padStart(8), 'without'.padStart(8), 'added'.padStart(8));
for (const r of rows) console.log(r.kind.padEnd(18), r.ext.toFixed(1).padStart(8), r.floor.toFixed(1).padStart(8), (r.ext - r.floor).toFixed(1).padStart(8));
console.log(
  'total'.padEnd(18),
  total('ext').toFixed(1).padStart(8),
  total('floor').toFixed(1).padStart(8),
  (total('ext') - total('floor')).toFixed(1).padStart(8),
);
console.log(`"+ …": from the content script's start on (with the extension), ${total('ext', true).toFixed(1)} ms in all`);
