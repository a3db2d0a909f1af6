/**
 * One small driver over two automation libraries, so every browser scenario is
 * written once and runs in Chromium (playwright-core) and Firefox (puppeteer-core,
 * WebDriver BiDi). Checks read the page's DOM (shadow roots included) through
 * `evaluate`; clicks and keys are real input events.
 */
import { resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { launchChromium } from '../harness/chromium.mjs';
import { dumpControls, hostUpgraded, revealHost } from './page';

export type BrowserName = 'chromium' | 'firefox';

export interface Tab {
  url(): string;
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  close(): Promise<void>;
  evaluate<T, A = undefined>(fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T>;
  waitFor<A>(fn: (arg: A) => unknown, arg?: A, timeout?: number): Promise<void>;
  /**
   * Clicks an element found through shadow roots: each selector looks inside the shadow root of the last match.
   * A card's controls are built only near the viewport: when the path starts at a PaperShelf host, the card is
   * first scrolled into view, as a user does before clicking, and the click waits for its controls.
   */
  click(...path: string[]): Promise<void>;
  press(key: string): Promise<void>;
  type(text: string): Promise<void>;
  /** A real mouse click at viewport coordinates (for what no selector reaches: closed shadow roots). */
  mouseClick(x: number, y: number): Promise<void>;
  /** Uncaught errors and unhandled rejections seen on this tab. */
  errors: string[];
  /**
   * Evaluates an expression in PaperShelf's content-script world of this tab, as a
   * compromised renderer could (Chromium only: CDP's isolated-world contexts).
   */
  evalInContentScript?(expression: string): Promise<unknown>;
}

export interface Session {
  name: BrowserName;
  open(url: string): Promise<Tab>;
  /** The toolbar popup's page (manifest action.default_popup), to open in a tab. */
  popupUrl: string;
  /** Kills the background (Chrome service worker); resolves when it is stopped. */
  stopWorker(): Promise<void>;
  /** Runs a function in the background (Chromium's service worker); Firefox tests reach it through the popup instead. */
  evalBackground?<T, A>(fn: (arg: A) => T | Promise<T>, arg: A): Promise<T>;
  /** Uncaught errors and unhandled rejections the background had since it last started (test builds record them). */
  backgroundErrors(): Promise<string[]>;
  /** Per-test pages served at real URLs (url → html), besides the fixtures. */
  pages: Map<string, string>;
  close(): Promise<void>;
}

export const POPUP = 'src/popup/index.html';

/**
 * How often a `waitFor` condition is checked, in the page (ms). A check is a function run in the page,
 * cheap beside the round trip it would cost from here; at 100 ms every wait lasted 50 ms longer on
 * average than what it waited for, across thousands of waits (200 steps of faults.e2e.ts alone wait 400 times).
 */
export const POLL_MS = 20;

/** A click path that starts at a card's PaperShelf host (`[data-papershelf="<id>"]`) and goes into its controls. */
export const isHost = (path: string[]) => path.length > 1 && path[0].startsWith('[data-papershelf');
/** The test builds (npm run build:test): dist/ plus the hooks no browser gives a test. */
export const DIST = { chromium: resolve('dist-test/chrome'), firefox: resolve('dist-test/firefox') };
/** What users install (npm run build): for the tests of what a page can see of it. */
export const RELEASE = { chromium: resolve('dist/chrome'), firefox: resolve('dist/firefox') };

/** The browsers the suites run in: BROWSERS=chromium,firefox (the default) or one of them. */
export const BROWSERS = (process.env.BROWSERS ?? 'chromium,firefox').split(',') as BrowserName[];

/**
 * A browser for the enclosing describe: opened before its tests, closed after
 * them, and no tab opened through `open` may have seen an error by then.
 */
/** `lang`: the browser's UI language (a BCP 47 tag), which picks PaperShelf's messages. */
export interface SessionOptions {
  lang?: string;
  /** Load dist/ (what users install) instead of the test build. */
  release?: boolean;
  /** Run the browser with its clock this far off (libfaketime, e.g. "+365d"; Chromium). */
  faketime?: string;
  /** The prefers-color-scheme every page sees, from the browser's start (both browsers: Firefox's WebDriver BiDi has no per-page emulation of it). */
  colorScheme?: 'light' | 'dark';
}

export function useSession(name: BrowserName, opts: SessionOptions = {}) {
  const ctx = {
    s: undefined as unknown as Session,
    tabs: [] as Tab[],
    async open(url: string): Promise<Tab> {
      const t = await ctx.s.open(url);
      ctx.tabs.push(t);
      return t;
    },
  };
  beforeAll(async () => {
    ctx.s = await openSession(name, opts);
  });
  afterAll(async () => {
    try {
      for (const t of ctx.tabs) expect(t.errors, `errors on ${t.url()}`).toEqual([]);
      expect(ctx.s, 'the browser started').toBeDefined();
      expect(await ctx.s.backgroundErrors(), 'errors in the background').toEqual([]);
    } finally {
      await ctx.s?.close();
    }
  });
  return ctx;
}

/**
 * Tabs a scenario (one `it`) opens through `open`, closed after it, so no scenario finds
 * another's tabs (the session's own checks still read their errors at the end).
 */
export function scenarioTabs(ctx: { open(url: string): Promise<Tab> }): (url: string) => Promise<Tab> {
  let mine: Tab[] = [];
  afterEach(async () => {
    for (const t of mine) await t.close().catch(() => {}); // closed already by the scenario
    mine = [];
  });
  return async (url: string) => {
    const t = await ctx.open(url);
    mine.push(t);
    return t;
  };
}

export async function openSession(name: BrowserName, opts: SessionOptions = {}): Promise<Session> {
  return name === 'chromium' ? chromiumSession(opts) : (await import('./firefox')).firefoxSession(opts);
}

/**
 * Brings a tab to front unless it is already (activating it again could move focus).
 * Headless Chromium says every tab is visible, so the tab last brought to front is remembered.
 */
let front: import('playwright-core').Page | undefined;
async function toFront(page: import('playwright-core').Page) {
  if (front === page && !page.isClosed()) return;
  await page.bringToFront();
  front = page;
}

async function chromiumSession(opts: SessionOptions): Promise<Session> {
  const pages = new Map<string, string>();
  const b = await launchChromium({
    extension: (opts.release ? RELEASE : DIST).chromium,
    pages,
    lang: opts.lang,
    faketime: opts.faketime,
    colorScheme: opts.colorScheme,
  });
  const wrap = async (url: string): Promise<Tab> => {
    const page = await b.context.newPage();
    front = page; // a new tab opens in front
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(m.text());
    });
    await page.goto(url);
    return {
      url: () => page.url(),
      goto: async (u) => void (await page.goto(u)),
      reload: async () => void (await page.reload()),
      close: () => page.close(),
      evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
      // Polled on a timer: a tab in the background gets no animation frames.
      waitFor: async (fn, arg, timeout = 5000) => {
        try {
          await page.waitForFunction(fn as never, arg, { timeout, polling: POLL_MS });
        } catch (e) {
          throw new Error(
            `${fn.name || 'condition'}(${JSON.stringify(arg)}) did not hold in ${timeout} ms; ${await page.evaluate(dumpControls).catch(() => '')}`,
            { cause: e },
          );
        }
      },
      // Playwright's CSS engine pierces open shadow roots on its own. Input goes to the tab in
      // front, as for a user; a tab behind gets no animation frames, and the click's
      // stability check would wait on the throttled timers for a second or more.
      click: async (...path) => {
        await toFront(page);
        if (isHost(path)) {
          if (!(await page.evaluate(revealHost, path[0]))) await page.waitForFunction(hostUpgraded, path[0], { timeout: 10_000, polling: POLL_MS });
        }
        await page.locator(path.join(' ')).first().click();
      },
      press: async (key) => {
        await toFront(page);
        await page.keyboard.press(key);
      },
      mouseClick: async (x, y) => {
        await toFront(page);
        await page.mouse.click(x, y);
      },
      type: async (text) => {
        await toFront(page);
        await page.keyboard.type(text);
      },
      errors,
      evalInContentScript: async (expression) => {
        const cdp = await b.context.newCDPSession(page);
        try {
          const contexts: { id: number; name: string; auxData?: { type?: string } }[] = [];
          cdp.on('Runtime.executionContextCreated', (e) => contexts.push(e.context as never));
          await cdp.send('Runtime.enable'); // replays the contexts that exist
          const world = contexts.find((c) => c.auxData?.type === 'isolated' && c.name === 'PaperShelf');
          if (!world) throw new Error(`no PaperShelf content-script world in ${page.url()}: ${contexts.map((c) => c.name).join(', ')}`);
          const r = await cdp.send('Runtime.evaluate', { expression, contextId: world.id, awaitPromise: true, returnByValue: true });
          if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
          return r.result.value;
        } finally {
          await cdp.detach();
        }
      },
    };
  };
  return {
    name: 'chromium',
    pages,
    open: wrap,
    popupUrl: b.extensionUrl(POPUP),
    stopWorker: b.stopWorker,
    evalBackground: async (fn, arg) => {
      const [worker] = b.context.serviceWorkers();
      return (worker ?? (await b.context.waitForEvent('serviceworker'))).evaluate(fn as never, arg) as never;
    },
    backgroundErrors: async () => {
      // A stopped worker has no errors to tell (and took its list with it).
      const [worker] = b.context.serviceWorkers();
      return worker ? ((await worker.evaluate(() => (self as unknown as { papershelfErrors?: string[] }).papershelfErrors ?? [])) as string[]) : [];
    },
    close: b.close,
  };
}
