/**
 * The Firefox side of session.ts: Firefox ESR with the built extension
 * (dist/firefox) installed as a temporary add-on, driven by puppeteer-core
 * over WebDriver BiDi (launcher: test/harness/firefox.mjs).
 */
import { gotoExtension, isExtensionUrl, launchFirefox, reloadExtension } from '../harness/firefox.mjs';
import type { Page } from 'puppeteer-core';
import { DIST, isHost, POLL_MS, RELEASE, POPUP, type Session, type SessionOptions, type Tab } from './session';
import { hostUpgraded, revealHost } from './page';

/** Console noise that says a resource did not load (the routes answer 204/404 on purpose), not that code failed. */
const NETWORK_NOISE =
  /Failed to load resource|Loading failed for|downloadable font|NS_ERROR_|NS_BINDING_ABORTED|was not loaded because its MIME type|was blocked because of a disallowed MIME type/;

/**
 * BiDi reports no console or error events for extension documents (bug 1755014),
 * so an extension page (the popup) collects its own once it has loaded; they
 * are gathered after every step and on close. Errors thrown while the page is
 * still loading are not seen there (a popup that fails to load fails its checks anyway).
 */
function collectErrors(): void {
  const w = window as unknown as { __papershelfErrors?: string[] };
  if (w.__papershelfErrors) return;
  const errs: string[] = (w.__papershelfErrors = []);
  addEventListener('error', (e) => errs.push(String(e.error ?? e.message)));
  addEventListener('unhandledrejection', (e) => errs.push(`Unhandled rejection: ${String(e.reason)}`));
  const original = console.error;
  console.error = (...args: unknown[]) => {
    errs.push(args.map(String).join(' '));
    original.apply(console, args);
  };
}
const takeErrors = () => (window as unknown as { __papershelfErrors?: string[] }).__papershelfErrors?.splice(0) ?? [];

export async function firefoxSession(opts: SessionOptions = {}): Promise<Session> {
  const pages = new Map<string, string>();
  const b = await launchFirefox({ extension: (opts.release ? RELEASE : DIST).firefox, pages, lang: opts.lang, colorScheme: opts.colorScheme });
  /**
   * The tab known to be in front: the one `toFront` last found or brought there. Forgotten
   * whenever a tab opens or closes (the extension opens tabs of its own, and a new tab comes to
   * front), and then asked of the page again. Asking every time cost a round trip of about 40 ms
   * before each click and key (faults.e2e.ts presses about 600 of them).
   */
  let front: Page | undefined;
  const forget = () => {
    front = undefined;
  };
  b.browser.on('targetcreated', forget);
  b.browser.on('targetdestroyed', forget);
  /**
   * Only the tab in front gets input (as for a user) and animation frames,
   * which puppeteer's click waits on: each click/key step brings its tab to
   * front first, unless it already is (activating it again could move focus).
   */
  const toFront = async (page: Page) => {
    if (front === page) return;
    if (!(await page.evaluate(() => document.visibilityState === 'visible'))) await page.bringToFront();
    front = page;
  };

  const wrap = async (url: string): Promise<Tab> => {
    const page: Page = await b.newPage();
    const errors: string[] = [];
    // Firefox reports resource errors (a stylesheet served as text/plain…) as page errors too.
    page.on('pageerror', (e) => {
      if (!NETWORK_NOISE.test(String(e))) errors.push(String(e));
    });
    page.on('console', (m) => {
      if (m.type() === 'error' && !NETWORK_NOISE.test(m.text())) errors.push(m.text());
    });
    /** Set while the tab shows an extension page, whose URL puppeteer does not see. */
    let extensionUrl: string | null = null;
    const harvest = async () => {
      if (extensionUrl && !page.isClosed()) errors.push(...(await page.evaluate(takeErrors).catch(() => [] as string[])));
    };
    /** Runs one step; on an extension page, picks up the errors it logged meanwhile. */
    const step = async <T>(run: () => Promise<T>): Promise<T> => {
      try {
        return await run();
      } finally {
        await harvest();
      }
    };
    const goto = async (u: string) => {
      await harvest();
      if (isExtensionUrl(u)) {
        await gotoExtension(page, u);
        extensionUrl = u;
        await page.evaluate(collectErrors);
      } else {
        extensionUrl = null;
        await page.goto(u);
      }
    };
    await goto(url);
    return {
      url: () => extensionUrl ?? page.url(),
      goto,
      reload: async () => {
        if (!extensionUrl) return void (await page.reload());
        await harvest();
        await reloadExtension(page);
        await page.evaluate(collectErrors);
      },
      close: async () => {
        await harvest();
        await page.close();
      },
      evaluate: (fn, arg) => step(() => page.evaluate(fn as never, arg) as never),
      waitFor: (fn, arg, timeout = 5000) => step(async () => void (await page.waitForFunction(fn as never, { timeout, polling: POLL_MS }, arg))),
      // `>>>` is puppeteer's deep combinator: the next selector matches inside open shadow roots.
      click: (...path) =>
        step(async () => {
          await toFront(page);
          // A card's controls are built near the viewport: scroll to the card first, as a user does (session.ts Tab.click).
          if (isHost(path) && !(await page.evaluate(revealHost, path[0])))
            await page.waitForFunction(hostUpgraded, { timeout: 10_000, polling: POLL_MS }, path[0]);
          // The element found once and clicked (about 110 ms a click here); puppeteer's locator, which
          // also waits for the element to hold still over animation frames (about 160 ms), only when
          // the element left the page between the two (a re-render).
          const selector = path.join(' >>> ');
          const el = await page.waitForSelector(selector, { timeout: 10_000, visible: true });
          try {
            await el!.click();
          } catch (e) {
            if (!/detached|not clickable|not visible|no such node|stale/i.test(String(e))) throw e;
            await page.locator(selector).setTimeout(10_000).click();
          } finally {
            void el?.dispose().catch(() => {});
          }
        }),
      press: (key) =>
        step(async () => {
          await toFront(page);
          // Key combinations as Playwright takes them ("Shift+Tab"): the modifiers held down around the key.
          const keys = key.length > 1 ? key.split('+') : [key];
          const last = keys.pop()!;
          for (const k of keys) await page.keyboard.down(k as never);
          try {
            await page.keyboard.press(last as never);
          } finally {
            for (const k of keys.reverse()) await page.keyboard.up(k as never);
          }
        }),
      mouseClick: (x, y) =>
        step(async () => {
          await toFront(page);
          await page.mouse.click(x, y);
        }),
      type: (text) =>
        step(async () => {
          await toFront(page);
          await page.keyboard.type(text);
        }),
      errors,
    };
  };

  return {
    name: 'firefox',
    pages,
    open: wrap,
    popupUrl: b.extensionUrl(POPUP),
    stopWorker: b.stopWorker,
    backgroundErrors: async () => {
      // The event page is reached from a page of ours (getBackgroundPage wakes it if it slept).
      const t = await wrap(b.extensionUrl(POPUP));
      try {
        return await t.evaluate(async () => ((await (globalThis as any).browser.runtime.getBackgroundPage()) as any)?.papershelfErrors?.slice() ?? []);
      } finally {
        await t.close();
      }
    },
    close: b.close,
  };
}
