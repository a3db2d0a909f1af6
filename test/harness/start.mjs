#!/usr/bin/env node
/**
 * `npm start`: opens a browser with the built PaperShelf loaded on the Hugging
 * Face daily digest. Where huggingface.co cannot be reached (or with --demo) it
 * serves a bundled offline copy of a digest page at the real URL.
 *
 *   npm start                       Chromium, live page (offline copy if unreachable)
 *   npm start -- --demo             offline copy even when online
 *   npm start -- --browser firefox  Firefox ESR instead
 *   npm start -- --headless --screenshot shot.png   no display needed: saves a picture and exits
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    demo: { type: 'boolean', default: false },
    headless: { type: 'boolean', default: false },
    screenshot: { type: 'string' },
    browser: { type: 'string', default: 'chromium' },
    url: { type: 'string', default: 'https://huggingface.co/papers' },
  },
});

async function reachable(url) {
  try {
    const r = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(4000) });
    return r.status < 500;
  } catch {
    return false;
  }
}

let live = !opt.demo && (await reachable(opt.url));
if (!opt.demo && !live) console.log(`${opt.url} is not reachable: opening the bundled offline digest at the same URL.`);
if (!opt.headless && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  console.log('No display found: running headless (add --screenshot FILE to see the page).');
  opt.headless = true;
}

const firefox = opt.browser === 'firefox';
const { launchChromium } = await import('./chromium.mjs');
const b = firefox
  ? await (await import('./firefox.mjs')).launchFirefox({ extension: resolve('dist/firefox'), headless: opt.headless, live })
  : await launchChromium({ extension: resolve('dist/chrome'), headless: opt.headless, live });

const page = firefox ? await b.browser.newPage() : await b.context.newPage();
if (firefox && b.route) await b.route(page);
await page.goto(opt.url);
console.log(`PaperShelf ${live ? 'on the live page' : 'on the offline digest'}: ${opt.url} (${opt.browser})`);

if (opt.screenshot) {
  // Give the content script time to annotate the cards before the picture.
  await page.waitForFunction(() => document.querySelectorAll('[data-papershelf]').length > 0, firefox ? { timeout: 15000 } : undefined, firefox ? undefined : { timeout: 15000 }).catch(() => {});
  await page.screenshot({ path: opt.screenshot, fullPage: false });
  console.log(`Screenshot: ${opt.screenshot}`);
  await b.close();
} else if (opt.headless) {
  console.log('Headless and no --screenshot: nothing to show, closing.');
  await b.close();
} else {
  console.log('Close the browser window to stop.');
}
