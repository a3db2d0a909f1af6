#!/usr/bin/env node
/**
 * Where the popup's time goes at 10,000 papers (issue 20): opens the popup (dist/chrome, or
 * BENCH_DIST) as test/bench/popup.mjs does, under a Chrome trace, and prints the popup's main
 * thread as a timeline in ms from navigation start: requests, HTML parse, script evaluation,
 * tasks, events, IndexedDB requests and the popup's own marks. A tool for docs/architecture.md
 * ("Budgets"), not a budget: popup.mjs holds those.
 *
 *   npm run build && node test/bench/popup-trace.mjs [first|search|keys] [runs=2] [min task ms=2]
 *
 * first: open, until the first rows and a second more. search: open, then type a word only one
 * abstract holds as popup.mjs's popup.searchReady does, until its one row shows. keys: open,
 * once all is loaded type popup.mjs's keystroke queries, then print the slowest keystrokes with
 * what ran in them. TRACE_OUT=<prefix> also writes each trace (chrome://tracing, DevTools).
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../harness/chromium.mjs';
import { ABSTRACT_ONLY_WORD, makePapers, TAGS } from './data.mjs';
import { backupText, importBackup } from './seed.mjs';
import { startTrace } from './trace.mjs';
import { typeQueries } from './typing.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = process.env.BENCH_DIST ? resolve(process.env.BENCH_DIST) : join(ROOT, 'dist/chrome');
const POPUP = 'src/popup/index.html';
const MODE = process.argv[2] ?? 'first';
const RUNS = Number(process.argv[3] ?? 2);
const MIN_TASK = Number(process.argv[4] ?? 2);
const QUERIES = ['transformer attention', 'diffusion models for video', 'reinforcement learning agents', 'sparse mixture of experts'];
const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'blink.user_timing',
  'loading',
  'v8.execute',
  'v8',
  'IndexedDB',
  'toplevel',
  '__metadata',
];

const ext = mkdtempSync(join(tmpdir(), 'papershelf-popup-trace-'));
cpSync(DIST, ext, { recursive: true });
const b = await launchChromium({ extension: ext });

const urlOf = (e) => e.args?.data?.url ?? e.args?.data?.scriptName ?? e.args?.data?.stackTrace?.[0]?.url ?? '';
const short = (u) => u.replace(/^chrome-extension:\/\/[a-z]+\//, '/');

/** The popup's main thread's events, as lines "at +dur name detail", from navigation start. */
function timeline(events, origin, { from = -Infinity, to = Infinity } = {}) {
  const mark = events.find((e) => e.name === 'papershelf:script' || e.name === 'papershelf:first-rows');
  if (!mark) return ['(no mark of the popup in the trace)'];
  const { pid, tid } = mark;
  const ms = (ts) => ts / 1000 - origin;
  const lines = [];
  const add = (e, what) => {
    const at = ms(e.ts);
    if (at < from || at > to) return;
    lines.push([at, `${at.toFixed(1).padStart(8)} ${e.dur ? `+${(e.dur / 1000).toFixed(1)}`.padStart(7) : ''.padStart(7)}  ${what}`]);
  };
  for (const e of events) {
    if (e.pid !== pid) continue;
    const main = e.tid === tid;
    const d = e.args?.data ?? {};
    if (e.cat?.includes('user_timing') && e.name.startsWith('papershelf:')) add(e, `MARK ${e.name}`);
    else if (e.name === 'ResourceSendRequest') add(e, `request ${short(d.url)}`);
    else if (e.name === 'ResourceFinish') add(e, `  loaded #${d.requestId}`);
    else if (e.name === 'ResourceReceiveResponse') add(e, `  response #${d.requestId}`);
    else if (!main) {
      if (e.cat?.includes('IndexedDB') && e.ph === 'X' && e.dur > 1000) add(e, `(idb thread) ${e.name}`);
      continue;
    } else if (e.cat?.includes('IndexedDB')) add(e, `idb ${e.name}`);
    else if (e.ph !== 'X') continue;
    else if (e.name === 'ParseHTML') add(e, `ParseHTML ${d.startLine ?? ''}`);
    else if (e.name === 'EvaluateScript' || e.name === 'v8.compileModule' || e.name === 'v8.evaluateModule' || e.name === 'v8.compile')
      add(e, `${e.name} ${short(urlOf(e) || e.args?.fileName || '')}`);
    else if (e.name === 'FunctionCall') add(e, `FunctionCall ${short(d.url ?? '')}:${d.lineNumber ?? ''} ${d.functionName ?? ''}`);
    else if (e.name === 'EventDispatch') add(e, `EventDispatch ${d.type}`);
    else if (
      [
        'TimerFire',
        'RunMicrotasks',
        'FireAnimationFrame',
        'Layout',
        'UpdateLayoutTree',
        'Paint',
        'MajorGC',
        'MinorGC',
        'V8.GC_SCAVENGER',
        'ParseAuthorStyleSheet',
      ].includes(e.name)
    ) {
      if (e.dur > 500) add(e, e.name);
    } else if ((e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') && e.dur >= MIN_TASK * 1000) add(e, `TASK`);
  }
  return lines.sort((a, b) => a[0] - b[0]).map(([, l]) => l);
}

/**
 * Main-thread CPU (thread time) per keystroke, from the input event to the list drawn: all of it,
 * and its style, layout and GC (nested in tasks; the rest is script), medians and p95 over the keystrokes.
 */
function cpuOfKeys(events, origin, keys) {
  const mark = events.find((e) => e.name === 'papershelf:review-ui');
  if (!mark) return '(no review UI mark in the trace)';
  const main = events.filter((e) => e.pid === mark.pid && e.tid === mark.tid && e.ph === 'X');
  const kinds = { all: /^ThreadControllerImpl::RunTask$/, style: /^UpdateLayoutTree$/, layout: /^Layout$/, gc: /GC|Scavenge/ };
  const per = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  for (const k of keys) {
    const from = (origin + k.t0) * 1000;
    const to = (origin + k.t0 + k.ms) * 1000;
    for (const [kind, re] of Object.entries(kinds)) {
      let sum = 0;
      for (const e of main) if (e.ts >= from && e.ts < to && re.test(e.name)) sum += (e.tdur ?? e.dur) / 1000;
      per[kind].push(sum);
    }
  }
  const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
  return `main-thread CPU per keystroke (ms, median / p95 of ${keys.length}): ${Object.entries(per)
    .map(([k, xs]) => `${k} ${q(xs, 50).toFixed(1)} / ${q(xs, 95).toFixed(1)}`)
    .join(', ')}; wall ${q(
    keys.map((k) => k.ms),
    50,
  ).toFixed(1)} / ${q(
    keys.map((k) => k.ms),
    95,
  ).toFixed(1)}`;
}

/** A CPU profile's self time by function (ms), the top 25, the idle and program samples left out. */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const n = byId.get(profile.samples[i]);
    const f = n.callFrame;
    if (['(idle)', '(program)', '(root)'].includes(f.functionName)) continue;
    const key = `${f.functionName || '(anonymous)'} ${short(f.url)}:${f.lineNumber}:${f.columnNumber}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return `CPU profile of the typing, self time ${total.toFixed(0)} ms in all; the top:\n${[...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(([k, ms]) => `  ${ms.toFixed(1).padStart(7)}  ${k}`)
    .join('\n')}`;
}

async function seed() {
  const page0 = await b.context.newPage();
  await page0.goto(b.extensionUrl(POPUP));
  const papers = makePapers(10_000, 3);
  const tags = TAGS.map(([name, key]) => ({ key, name, hue: 100 }));
  const r = await importBackup(b, { text: backupText(papers, tags) });
  if (r.toAdd !== papers.length) throw new Error('seeding failed');
  await page0.evaluate(() => chrome.storage.local.remove('papershelf.popup.view'));
  await page0.close();
}

try {
  await seed();
  // A warm-up opening, as popup.mjs does.
  const w = await b.context.newPage();
  await w.goto(b.extensionUrl(POPUP));
  await w.waitForFunction(() => performance.getEntriesByName('papershelf:all-loaded').length > 0, null, { timeout: 60_000 });
  await w.close();
  for (let i = 0; i < RUNS; i++) {
    const page = await b.context.newPage();
    const cdp = await b.context.newCDPSession(page);
    const stop = await startTrace(cdp, CATEGORIES);
    await page.goto(b.extensionUrl(POPUP));
    const out = [];
    let window = {};
    if (MODE === 'search') {
      await page.waitForSelector('input.search', { timeout: 30_000 });
      await page.fill('input.search', ABSTRACT_ONLY_WORD);
      await page.waitForFunction(() => document.querySelectorAll('.scroller li').length === 1, null, { timeout: 30_000, polling: 'raf' });
      out.push(`answered at ${(await page.evaluate(() => performance.now())).toFixed(1)} ms`);
      // As popup.mjs: the box emptied, so the next opening does not bring this query back.
      await page.evaluate(() => {
        const input = document.querySelector('input.search');
        input.value = '';
        input.dispatchEvent(new Event('input', { bubbles: true }));
      });
      await page.waitForTimeout(500);
    } else if (MODE === 'keys') {
      await page.waitForFunction(() => performance.getEntriesByName('papershelf:all-loaded').length > 0, null, { timeout: 60_000 });
      await page.waitForTimeout(300);
      // A CPU profile of the typing too (sampled every 100 µs): self time by function.
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
      const keys = await page.evaluate(typeQueries, QUERIES);
      const { profile } = await cdp.send('Profiler.stop');
      out.push(`\n${selfTimes(profile)}`);
      const slow = [...keys].sort((a, b) => b.ms - a.ms).slice(0, 5);
      out.push(`keystrokes: ${keys.length}, slowest: ${slow.map((k) => `"${k.q}" ${k.ms.toFixed(1)} ms at ${k.t0.toFixed(0)}`).join('; ')}`);
      window = { slow, all: keys };
    } else {
      await page.waitForFunction(() => performance.getEntriesByName('papershelf:first-rows').length > 0, null, { timeout: 30_000 });
      await page.waitForTimeout(1000);
    }
    const marks = await page.evaluate(() => performance.getEntriesByType('mark').map((m) => [m.name, m.startTime]));
    const events = await stop(60_000);
    if (process.env.TRACE_OUT) writeFileSync(`${process.env.TRACE_OUT}-${MODE}-${i}.json`, JSON.stringify({ traceEvents: events }));
    await page.close();
    // Trace ts (µs) of a mark minus its startTime: navigation start on the trace's clock.
    const [name, at] = marks[0];
    const te = events.find((e) => e.name === name && e.cat?.includes('user_timing'));
    const origin = te ? te.ts / 1000 - at : 0;
    console.log(`\n=== run ${i + 1} (${MODE}, load ${loadavg()[0].toFixed(1)}) ${out.join(' ')}`);
    console.log(`marks: ${marks.map(([n, t]) => `${n.replace('papershelf:', '')} ${t.toFixed(1)}`).join(', ')}`);
    if (MODE === 'keys') {
      console.log(cpuOfKeys(events, origin, window.all));
      for (const k of window.slow.slice(0, 3)) {
        console.log(`--- "${k.q}" ${k.ms.toFixed(1)} ms`);
        for (const l of timeline(events, origin, { from: k.t0 - 1, to: k.t0 + k.ms + 1 })) console.log(l);
      }
    } else for (const l of timeline(events, origin, { to: MODE === 'first' ? 600 : Infinity })) console.log(l);
  }
} finally {
  await b.close();
  rmSync(ext, { recursive: true, force: true });
}
