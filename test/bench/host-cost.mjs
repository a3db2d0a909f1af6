#!/usr/bin/env node
/**
 * What putting hosts into a long arXiv list costs the page, by where and how they go in (a tool
 * for docs/architecture.md, "Hosts that move nothing"; not a budget: run.mjs holds those).
 *
 *   node test/bench/host-cost.mjs [loads=12] [hosts=8]
 *
 * In Chromium, no extension: the 1,020-entry list (data.mjs arxivListPage) is loaded and left
 * idle, then `hosts` hosts (a shadow root with two buttons, or empty) go into its first entries
 * in one task, each variant on a fresh load, the variants alternating. The figure is the main
 * thread's task time from the insertion through two frames (CDP Performance.getMetrics
 * TaskDuration, with LayoutDuration and RecalcStyleDuration beside), median of `loads`.
 * The styles are the content script's own (src/content/ui/host.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { requireBrowser } from '../harness/browsers.mjs';
import { QUIET_FLAGS } from '../harness/chromium.mjs';
import { arxivListPage } from './data.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const LOADS = Number(process.argv[2] ?? 12);
const HOSTS = Number(process.argv[3] ?? 8);

// The content script's host styles, read from its source so the two cannot drift apart.
const hostTs = readFileSync(join(ROOT, 'src/content/ui/host.ts'), 'utf8');
const BESIDE = /BESIDE_STYLE = '([^']+)'/.exec(hostTs)?.[1];
const ROW = /\['style', '([^']+)'\]/.exec(hostTs)?.[1];
if (!BESIDE || !ROW) throw new Error('host-cost.mjs: no BESIDE_STYLE or host style in src/content/ui/host.ts');

const { html } = arxivListPage({
  fixtureHtml: readFileSync(join(ROOT, 'test/fixtures/arxiv/list-new.html'), 'utf8'),
  seeds: JSON.parse(readFileSync(join(ROOT, 'test/fixtures/seed-papers.json'), 'utf8')),
  n: 1020,
});

const VARIANTS = {
  'row under the title (.meta)': { style: ROW, where: 'meta' },
  'floated in the dt (beside)': { style: BESIDE, where: 'dt' },
  'absolute in the dt': { style: 'position:absolute;margin:-3px 0 0 12px;min-height:23px', where: 'dt' },
  'empty, row under the title': { style: ROW, where: 'meta', empty: true },
  'empty, floated in the dt': { style: BESIDE, where: 'dt', empty: true },
  'empty, display:none': { style: 'display:none', where: 'dt', empty: true },
  'no insertion': null,
};

/** In the page: puts the hosts in, then resolves two frames later. */
function insert([v, n]) {
  return new Promise((done) => {
    if (v) {
      for (const dt of Array.from(document.querySelectorAll('dl > dt')).slice(0, n)) {
        const host = document.createElement('div');
        host.setAttribute('style', v.style);
        if (!v.empty) {
          const root = host.attachShadow({ mode: 'open' });
          const style = document.createElement('style');
          style.textContent =
            ':host{all:initial;display:flex;gap:6px;margin:6px 0;font:500 12px/1.2 system-ui,sans-serif}button{padding:3px 10px;border:1px solid #d1d5db;border-radius:999px}';
          root.append(style);
          for (const label of ['★ Save', '+ Tag']) root.append(Object.assign(document.createElement('button'), { textContent: label }));
        }
        if (v.where === 'dt') dt.append(host);
        else {
          const meta = dt.nextElementSibling.firstElementChild;
          meta.insertBefore(host, meta.firstElementChild.nextSibling);
        }
      }
    }
    requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 50)));
  });
}

const browser = await chromium.launch({ executablePath: requireBrowser('chromium'), args: QUIET_FLAGS });
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route('**/*', (r) => r.fulfill({ status: 200, contentType: 'text/html', body: r.request().url().includes('/list/') ? html : '' }));
  const got = Object.fromEntries(Object.keys(VARIANTS).map((k) => [k, []]));
  for (let load = 0; load < LOADS; load++) {
    for (const [name, v] of Object.entries(VARIANTS)) {
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable');
      await page.goto('https://arxiv.org/list/cs.LG/new');
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 300)))));
      const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
      const before = await metrics();
      await page.evaluate(insert, [v, HOSTS]);
      const after = await metrics();
      const ms = (k) => (after[k] - before[k]) * 1000;
      got[name].push({ task: ms('TaskDuration'), layout: ms('LayoutDuration'), style: ms('RecalcStyleDuration') });
      await page.close();
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  console.log(`${HOSTS} hosts into the first entries of a 1,020-entry arXiv list, medians of ${LOADS} loads (ms of the main thread)`);
  for (const [name, rs] of Object.entries(got)) {
    const [task, layout, style] = ['task', 'layout', 'style'].map((k) => median(rs.map((r) => r[k])).toFixed(1));
    console.log(`${name.padEnd(30)} task ${task.padStart(6)}   layout ${layout.padStart(5)}   style ${style.padStart(5)}`);
  }
} finally {
  await browser.close();
}
