#!/usr/bin/env node
/**
 * `npm start`: builds PaperShelf for one browser (dist/chrome, or dist/firefox
 * with --browser firefox) and opens that browser with it on the Hugging
 * Face daily digest. Where the site cannot be reached (or with --demo) it
 * serves a bundled offline copy of the page at the real URL, dressed with our
 * own look-alike stylesheets (test/fixtures/demo/, served by routes.mjs).
 *
 *   npm start                       Chromium, live page (offline copy if unreachable)
 *   npm start -- --demo             offline copy even when online
 *   npm start -- --browser firefox  Firefox (ESR) instead; --browser accepts chromium, firefox, firefox-esr
 *   npm start -- --url URL          another page (see the offline pages below)
 *   npm start -- --headless --screenshot shot.png   no display needed: saves a picture and exits
 *   npm start -- --lang zh-CN       the browser (and so PaperShelf) in Simplified Chinese
 *
 * Offline pages (test/fixtures/expected.json; --demo --url any of these):
 *   https://huggingface.co/papers                        day digest (the default)
 *   https://huggingface.co/papers/date/2025-05-20        one day
 *   https://huggingface.co/papers/week/2025-W21          one week
 *   https://huggingface.co/papers/month/2025-05          one month
 *   https://huggingface.co/papers/trending               trending
 *   https://huggingface.co/papers?q=transformer          search results
 *   https://huggingface.co/papers/2505.16421             one paper
 *   https://arxiv.org/list/cs.LG/new                     arXiv new submissions (with abstracts)
 *   https://arxiv.org/list/cs.LG/recent                  arXiv recent, one list per day
 *   https://arxiv.org/list/cs.LG/2026-08?skip=25&show=25 arXiv month listing, second page
 *   https://arxiv.org/list/hep-th/pastweek?skip=0&show=10  arXiv older listing layout
 *   https://arxiv.org/search/?query=diffusion&searchtype=all  arXiv search results
 *   https://arxiv.org/abs/2505.16421                     arXiv abstract page
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { expectedFixtures, fixtureFor } from './routes.mjs';

const BROWSERS = { chromium: 'chromium', firefox: 'firefox', 'firefox-esr': 'firefox' };

let opt;
try {
  ({ values: opt } = parseArgs({
    options: {
      demo: { type: 'boolean', default: false },
      headless: { type: 'boolean', default: false },
      screenshot: { type: 'string' },
      browser: { type: 'string', default: 'chromium' },
      url: { type: 'string', default: 'https://huggingface.co/papers' },
      lang: { type: 'string' },
    },
  }));
} catch (e) {
  console.error(`npm start: ${e.message}\nOptions: --demo, --headless, --screenshot FILE, --browser chromium|firefox, --url URL, --lang en|zh-CN`);
  process.exit(2);
}

const browserName = BROWSERS[opt.browser];
if (!browserName) {
  console.error(`npm start: unknown browser "${opt.browser}". --browser accepts: ${Object.keys(BROWSERS).join(', ')} (firefox-esr is the same as firefox).`);
  process.exit(2);
}
const firefox = browserName === 'firefox';

try {
  new URL(opt.url);
} catch {
  console.error(`npm start: --url "${opt.url}" is not a URL (e.g. https://arxiv.org/list/cs.LG/new).`);
  process.exit(2);
}

// The build of the one browser opened (`npm run build` makes both): dist/chrome or dist/firefox.
const target = firefox ? 'firefox' : 'chrome';
const built = spawnSync('npx', ['vite', 'build', '--mode', target, '--logLevel', 'warn'], { stdio: 'inherit' });
if (built.status !== 0) {
  console.error(`npm start: the build of dist/${target} failed (above).`);
  process.exit(1);
}

async function reachable(url) {
  try {
    const r = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(4000) });
    return r.status < 500;
  } catch {
    return false;
  }
}

const live = !opt.demo && (await reachable(opt.url));
if (!live && !fixtureFor(opt.url)) {
  const urls = Object.values(expectedFixtures()).map((e) => `  ${e.url}`);
  console.error(`npm start: there is no offline copy of ${opt.url}${opt.demo ? '' : ' (and it is not reachable)'}. Offline pages:\n${urls.join('\n')}`);
  process.exit(2);
}
if (!opt.demo && !live) console.log(`${opt.url} is not reachable: opening the bundled offline copy at the same URL.`);
if (!opt.headless && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY && process.platform === 'linux') {
  console.log('No display found: running headless (add --screenshot FILE to see the page).');
  opt.headless = true;
}

// Offline, the pages get our stand-in stylesheets and images (routes.mjs, demo.mjs).
const launch = { headless: opt.headless, live, demo: !live, lang: opt.lang };
const b = firefox
  ? await (await import('./firefox.mjs')).launchFirefox({ extension: resolve('dist/firefox'), ...launch })
  : await (await import('./chromium.mjs')).launchChromium({ extension: resolve('dist/chrome'), ...launch });

const page = firefox ? await b.newPage() : await b.context.newPage();
await page.goto(opt.url);
console.log(`PaperShelf ${live ? 'on the live page' : 'on the offline copy'}: ${opt.url} (${firefox ? 'Firefox' : 'Chromium'})`);

if (opt.screenshot) {
  // Give the content script time to annotate the cards before the picture: its hosts are
  // [data-ps-host] in this build (dist/), [data-papershelf] in the test build's. Waiting for the
  // test build's alone timed out (15 s) on every screenshot.
  await page
    .waitForFunction(
      () => document.querySelectorAll('[data-ps-host], [data-papershelf]').length > 0,
      firefox ? { timeout: 15000 } : undefined,
      firefox ? undefined : { timeout: 15000 },
    )
    .catch(() => {});
  // The controls are drawn in the frames after their host is placed.
  const cards = await page.evaluate(
    () =>
      new Promise((r) =>
        requestAnimationFrame(() =>
          requestAnimationFrame(() => setTimeout(() => r(document.querySelectorAll('[data-ps-host], [data-papershelf]').length), 100)),
        ),
      ),
  );
  await page.screenshot({ path: opt.screenshot, fullPage: false });
  console.log(`Screenshot: ${opt.screenshot} (${cards} cards with PaperShelf's controls)`);
  await b.close();
} else if (opt.headless) {
  console.log('Headless and no --screenshot: nothing to show, closing.');
  await b.close();
} else {
  console.log('Close the browser window to stop.');
}
