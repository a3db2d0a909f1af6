/**
 * Real Chromium (Debian's /usr/bin/chromium, or CHROMIUM_PATH, or Google Chrome:
 * see browsers.mjs) with the built extension loaded, driven by playwright-core.
 * Every request is answered from fixtures.
 */
import { browserPath, requireBrowser, tempDir } from './browsers.mjs';
import { answer } from './routes.mjs';

/** The Chromium executable found (undefined if none): CHROMIUM_PATH, else the usual places. */
export const CHROMIUM = browserPath('chromium');

/** Flags for a closed network: without them Chromium keeps calling Google's hosts. */
export const QUIET_FLAGS = [
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--disable-gpu',
  '--no-sandbox',
];

/** Debian's libfaketime (package faketime), for browsers whose clock is wrong on purpose. */
export const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

/**
 * `live: true` lets requests through to the real sites (npm start); tests never set it.
 * `demo: true` dresses the offline pages with our stand-in stylesheets (routes.mjs; npm start only).
 * `lang` (a BCP 47 tag, e.g. "zh-CN") is the browser's UI language, which picks the extension's messages.
 * `faketime` (e.g. "+365d") runs the browser under Debian's libfaketime: its clock, wall and
 * monotonic (extension pages never finish loading with a real monotonic clock beside a faked one), that far off.
 * `colorScheme` ('light' or 'dark') is what every page, ours included, sees as prefers-color-scheme.
 * @param {{ extension: string, headless?: boolean, pages?: Map<string, string>, live?: boolean, demo?: boolean, lang?: string, faketime?: string, colorScheme?: 'light' | 'dark' }} opts
 */
export async function launchChromium({ extension, headless = true, pages = new Map(), live = false, demo = false, lang, faketime, colorScheme }) {
  const executablePath = requireBrowser('chromium');
  const { chromium } = await import('playwright-core');
  // Removed on close(), on a failed start, and when the process exits in any case.
  const profile = tempDir('chromium-profile');
  let context;
  let extensionId;
  try {
    context = await chromium.launchPersistentContext(profile.path, {
      executablePath,
      headless,
      args: [...QUIET_FLAGS, `--disable-extensions-except=${extension}`, `--load-extension=${extension}`, ...(lang ? [`--lang=${lang}`] : [])],
      viewport: { width: 1280, height: 900 },
      ...(colorScheme ? { colorScheme } : {}),
      ...(faketime ? { env: { ...process.env, LD_PRELOAD: FAKETIME_LIB, FAKETIME: faketime } } : {}),
    });
    if (!live)
      await context.route('**/*', async (route) => {
        const url = route.request().url();
        if (url.startsWith('chrome-extension://')) return route.continue();
        const a = answer(url, pages, { demo });
        await route.fulfill({ status: a.status, contentType: a.contentType, body: a.body });
      });
    let [worker] = context.serviceWorkers();
    worker ??= await context.waitForEvent('serviceworker', { timeout: 15000 });
    extensionId = new URL(worker.url()).host;
  } catch (e) {
    await context?.close().catch(() => {});
    profile.remove();
    throw e;
  }
  return {
    context,
    extensionId,
    extensionUrl: (path) => `chrome-extension://${extensionId}/${path}`,
    /** Stops the extension's service worker, as Chrome does after 30 s idle. */
    async stopWorker() {
      const page = context.pages()[0] ?? (await context.newPage());
      const cdp = await context.newCDPSession(page);
      await cdp.send('ServiceWorker.enable');
      await cdp.send('ServiceWorker.stopAllWorkers');
      await cdp.detach();
    },
    async close() {
      try {
        await context.close();
      } finally {
        profile.remove();
      }
    },
  };
}
