#!/usr/bin/env node
/**
 * `npm run screenshots`: pictures of PaperShelf as users see it, taken from the
 * test build (dist-test/chrome: it looks the same as dist/, and keeps the attributes and open
 * roots this script waits on) in Chromium on the styled offline demo pages
 * (test/harness/demo.mjs), written to docs/ (or the folder given as the first
 * argument: test/e2e/screenshots.e2e.ts regenerates them there, so they never
 * go stale unseen):
 *   cards-hf.png       the Hugging Face digest with saved and tagged cards, meters and suggestions
 *   cards-arxiv.png    an arXiv list
 *   popup-light.png, popup-dark.png   the popup
 *   options.png        the options page
 *   popup-zh.png       the popup in Simplified Chinese (a second browser, its UI language zh-CN;
 *                      the machine needs a CJK font, e.g. Debian's fonts-wqy-microhei, for the glyphs)
 * A small tagged library is imported first on the options page (the seed papers, test/fixtures/rank), so the
 * cards show their ranking as they would after a few days of use.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';
import { requireBrowser } from './browsers.mjs';
import { backupText, importBackup } from '../bench/seed.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = resolve(process.argv[2] ?? join(ROOT, 'docs'));
mkdirSync(OUT, { recursive: true });
requireBrowser('chromium');

const seed = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/seed-papers.json'), 'utf8'));
const labels = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/rank/labels.json'), 'utf8')).papers;
const expected = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/expected.json'), 'utf8'));
const digest = expected['hf/digest.html'];
const onDigest = new Set(digest.cards.map((c) => c.id));
const library = seed
  .filter((p) => !onDigest.has(p.id) && labels[p.id]?.length)
  .map((p, i) => ({
    id: p.id,
    title: p.title,
    authors: p.authors,
    abstract: p.summary,
    url: `https://huggingface.co/papers/${p.id}`,
    source: 'hf',
    savedAt: Date.UTC(2026, 10, 1) + i * 3_600_000,
    updatedAt: Date.UTC(2026, 10, 1),
    tags: labels[p.id],
    status: i % 3 ? 'to-read' : 'read',
    note: i === 2 ? 'Compare with the IB baseline in section 4.' : '',
  }));
const names = {
  'llm-reasoning': 'LLM reasoning',
  vision: 'Vision',
  interpretability: 'Interpretability',
  'efficient-inference': 'Efficient inference',
  'mixture-of-experts': 'MoE',
  'information-bottleneck': 'Information bottleneck',
  'ml-systems': 'ML systems',
  'performance-prediction': 'Scaling',
};
const tags = [...new Set(library.flatMap((p) => p.tags))].map((key, i) => ({ key, name: names[key] ?? key, hue: (i * 47) % 360 }));

/** Imports the small tagged library as a user would: a backup on the options page (test/bench/seed.mjs). */
async function importLibrary(b) {
  const r = await importBackup(b, { text: backupText(library, tags), stepMs: 30_000 });
  if (r.toAdd !== library.length) throw new Error(`import failed: the preview shows ${r.toAdd} papers to add, not ${library.length}`);
}

/** The popup with the library in, as it looks once the review UI is up. */
async function popupShot(b, file, scheme = 'light') {
  const popup = await b.context.newPage();
  await popup.emulateMedia({ colorScheme: scheme });
  await popup.setViewportSize({ width: 480, height: 600 });
  await popup.goto(b.extensionUrl('src/popup/index.html'));
  // The review UI's list (#app), whatever its label's language.
  await popup.waitForFunction(() => document.querySelectorAll('#app .scroller li').length > 3, null, { timeout: 20_000 });
  await popup.waitForTimeout(300);
  await popup.screenshot({ path: join(OUT, file) });
  await popup.close();
}

const shots = [];
let b = await launchChromium({ extension: join(ROOT, 'dist-test/chrome'), demo: true });
try {
  const page = await b.context.newPage();
  await page.setViewportSize({ width: 1280, height: 860 });
  await importLibrary(b);

  const ready = (n) => page.waitForFunction((n) => document.querySelectorAll('[data-papershelf][data-relevance]').length >= n, n, { timeout: 30_000 });
  await page.goto(digest.url);
  await ready(Math.min(4, digest.count));
  // Save one paper from its card, as a user would, so a saved card shows too.
  await page.locator(`[data-papershelf="${digest.cards[1].id}"] button[aria-label="Save to PaperShelf"]`).click();
  await page.waitForTimeout(600);
  await page.screenshot({ path: join(OUT, 'cards-hf.png') });
  shots.push('cards-hf.png');

  await page.goto(expected['arxiv/list-new.html'].url);
  await ready(3);
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(OUT, 'cards-arxiv.png') });
  shots.push('cards-arxiv.png');

  for (const scheme of ['light', 'dark']) {
    await popupShot(b, `popup-${scheme}.png`, scheme);
    shots.push(`popup-${scheme}.png`);
  }

  const options = await b.context.newPage();
  await options.setViewportSize({ width: 900, height: 900 });
  await options.goto(b.extensionUrl('src/options/index.html'));
  await options.waitForSelector('[data-testid="library-count"]', { timeout: 20_000 });
  await options.screenshot({ path: join(OUT, 'options.png') });
  shots.push('options.png');
} finally {
  await b.close();
}

// The same popup in Chinese: the browser's language picks PaperShelf's (public/_locales/zh_CN).
b = await launchChromium({ extension: join(ROOT, 'dist-test/chrome'), demo: true, lang: 'zh-CN' });
try {
  await importLibrary(b);
  await popupShot(b, 'popup-zh.png');
  shots.push('popup-zh.png');
} finally {
  await b.close();
}
console.log(`screenshots in ${OUT}: ${shots.join(', ')}`);
