/**
 * WebDAV sync in real browsers: Chromium and Firefox connect to the same local
 * Apache (mod_dav, test/harness/webdav.mjs, 127.0.0.1 only) through the
 * options page's controls (Server URL, User name, Password, Passphrase
 * (optional), Connect, Sync now, the status line). A paper saved and tagged
 * in one appears with its tags, note and abstract in the other; its removal
 * arrives; a wrong password and a wrong passphrase show their errors and
 * change nothing, here or on the server. Then both connect to a second
 * server of another make (`rclone serve webdav`, which ignores If-Match and
 * lists differently): a paper saved and tagged in Firefox arrives in Chromium.
 *
 * Chromium's test harness answers every request from fixtures (routes.mjs);
 * this file opens Chromium itself and lets the loopback server's requests
 * through (a route registered later wins in Playwright). Firefox reaches
 * 127.0.0.1 directly (its dead proxy never takes loopback).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { launchChromium } from '../harness/chromium.mjs';
import { abstractIn, filesUnder, PASSWORD, startWebDav, USER, webdavAvailable } from '../harness/webdav.mjs';
import { DavClient } from '../../src/library/webdav/client';
import { connectFolder } from '../../src/library/webdav/engine';
import { DB_NAME } from '../../src/shared/database';
import { BROWSERS, DIST, openSession, POLL_MS, type Session, type Tab as FullTab } from './session';

/** What this file uses of a tab (session.ts Tab). */
type Tab = Pick<FullTab, 'url' | 'close' | 'evaluate' | 'waitFor' | 'click' | 'errors'>;

const OPTIONS = 'src/options/index.html';

const ID = '2601.04242';
const PAPER = {
  id: ID,
  title: 'Lock-free sync of research libraries',
  authors: ['Ada Lovelace'],
  abstract: 'We sync every abstract through a folder of the user’s own.',
  url: `https://arxiv.org/abs/${ID}`,
  source: 'arxiv',
};

interface Driver {
  open(): Promise<Tab>;
  close(): Promise<void>;
}

async function chromiumDriver(): Promise<Driver> {
  const b = await launchChromium({ extension: DIST.chromium });
  await b.context.route(/^http:\/\/127\.0\.0\.1:\d+\//, (route) => route.continue());
  return {
    async open() {
      const page = await b.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(b.extensionUrl(OPTIONS));
      return {
        url: () => page.url(),
        close: () => page.close(),
        evaluate: ((fn: never, arg: never) => page.evaluate(fn, arg)) as Tab['evaluate'],
        waitFor: async (fn: unknown, arg: unknown, timeout = 5000) => void (await page.waitForFunction(fn as never, arg, { timeout, polling: POLL_MS })),
        click: async (...path: string[]) => {
          await page.bringToFront();
          await page.locator(path.join(' ')).first().click();
        },
        errors,
      };
    },
    close: b.close,
  };
}

async function firefoxDriver(): Promise<Driver> {
  const s: Session = await openSession('firefox');
  return { open: () => s.open(s.popupUrl.replace('src/popup/index.html', OPTIONS)), close: () => s.close() };
}

/** Marks the input whose label starts with `name` (its accessible name), so a real click can reach it. */
function markInput(name: string): boolean {
  document.querySelectorAll('[data-e2e]').forEach((e) => e.removeAttribute('data-e2e'));
  const label = Array.from(document.querySelectorAll('#webdav label')).find((l) => l.firstChild?.textContent?.trim() === name);
  label?.querySelector('input')?.setAttribute('data-e2e', '');
  return !!label;
}

/** Fills a control as typing does for Preact (an input event), after a real click into it. */
async function fill(tab: Tab, name: string, value: string) {
  await tab.waitFor(markInput, name);
  await tab.click('[data-e2e]');
  await tab.evaluate((v) => {
    const input = document.querySelector<HTMLInputElement>('[data-e2e]')!;
    input.value = v;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

function markButton(name: string): boolean {
  document.querySelectorAll('[data-e2e]').forEach((e) => e.removeAttribute('data-e2e'));
  const b = Array.from(document.querySelectorAll<HTMLButtonElement>('#webdav button')).find((x) => x.textContent?.trim() === name && !x.disabled);
  b?.setAttribute('data-e2e', '');
  return !!b;
}

async function press(tab: Tab, name: string) {
  await tab.waitFor(markButton, name, 15_000);
  await tab.click('[data-e2e]');
}

/** When the last WebDAV round ended (0: none), from what the background keeps. */
const lastAt = (tab: Tab) =>
  tab.evaluate(
    async () =>
      ((await ((globalThis as any).browser ?? (globalThis as any).chrome).storage.local.get('papershelf.webdav.status'))['papershelf.webdav.status']?.at ??
        0) as number,
  );
function statusSays(text: string): boolean {
  return !!document.querySelector('#webdav [role=status]')?.textContent?.includes(text);
}
function alertSays(text: string): boolean {
  return !!document.querySelector('#webdav [role=alert]')?.textContent?.includes(text);
}
const message = (tab: Tab, name: string, body: unknown) =>
  tab.evaluate(([n, b]) => ((globalThis as any).browser ?? (globalThis as any).chrome).runtime.sendMessage({ papershelf: 1, name: n, body: b }), [
    name,
    body,
  ] as const) as Promise<{ ok: boolean; value: any }>;

async function connect(tab: Tab, url: string, password = PASSWORD, passphrase = '') {
  await fill(tab, 'Server URL', url);
  await fill(tab, 'User name', USER);
  await fill(tab, 'Password', password);
  await fill(tab, 'Passphrase (optional)', passphrase);
  await press(tab, 'Connect');
}

/** Runs "Sync now" and waits for the round's end. */
async function syncNow(tab: Tab) {
  const before = await lastAt(tab);
  await press(tab, 'Sync now');
  for (let i = 0; i < 200 && (await lastAt(tab)) <= before; i++) await new Promise((r) => setTimeout(r, 100));
  expect(await lastAt(tab)).toBeGreaterThan(before);
  await tab.waitFor(statusSays, 'Last synced', 15_000);
}

/** Connects and waits for the round Connect runs (the status line may already say "Last synced" of another folder). */
async function connectAndSync(tab: Tab, url: string) {
  const before = await lastAt(tab);
  await connect(tab, url);
  for (let i = 0; i < 300 && (await lastAt(tab)) <= before; i++) await new Promise((r) => setTimeout(r, 100));
  expect(await lastAt(tab)).toBeGreaterThan(before);
  await tab.waitFor(statusSays, 'Last synced', 15_000);
}

describe.skipIf(!webdavAvailable('apache') || BROWSERS.length < 2)('WebDAV sync between Chromium and Firefox through one Apache, and through rclone', () => {
  let server: Awaited<ReturnType<typeof startWebDav>>;
  /** A second server of another make: `rclone serve webdav`. */
  let rclone: Awaited<ReturnType<typeof startWebDav>> | undefined;
  let chromium: Driver;
  let firefox: Driver;
  let a: Tab;
  let b: Tab;
  let url: string;
  beforeAll(async () => {
    server = await startWebDav('apache');
    const root = new DavClient(server.url, { user: USER, password: PASSWORD });
    await root.mkcol('shared/');
    await root.mkcol('secret/');
    // An encrypted folder made by another device, whose passphrase this browser does not have.
    await connectFolder(new DavClient(`${server.url}secret/`, { user: USER, password: PASSWORD }), 'the right passphrase');
    url = `${server.url}shared/`;
    if (webdavAvailable('rclone')) {
      rclone = await startWebDav('rclone');
      await new DavClient(rclone.url, { user: USER, password: PASSWORD }).mkcol('shared/');
    }
    chromium = await chromiumDriver();
    firefox = await firefoxDriver();
    a = await chromium.open();
    b = await firefox.open();
  }, 120_000);
  afterAll(async () => {
    try {
      expect(a?.errors ?? [], 'errors on the Chromium options page').toEqual([]);
      expect(b?.errors ?? [], 'errors on the Firefox options page').toEqual([]);
    } finally {
      await chromium?.close().catch(() => {});
      await firefox?.close().catch(() => {});
      await server?.close();
      await rclone?.close();
    }
  });

  it('a paper saved and tagged in Chromium arrives in Firefox with its tags, note and abstract; its removal arrives back', async () => {
    const now = Date.now();
    const seeded = await message(a, 'library.import', {
      papers: [{ ...PAPER, savedAt: now, updatedAt: now, tags: ['reading-group'], status: 'reading', note: 'Discuss section 3 on Friday' }],
      tags: [{ key: 'reading-group', name: 'Reading group', hue: 120 }],
    });
    expect(seeded).toMatchObject({ ok: true, value: { added: 1 } });
    await connect(a, url);
    await a.waitFor(statusSays, 'Last synced', 20_000);

    await connect(b, url);
    await b.waitFor(statusSays, 'Last synced', 20_000).catch(async (e) => {
      throw new Error(`Firefox: ${await b.evaluate(() => document.querySelector('#webdav')?.textContent)}`, { cause: e });
    });
    const got = await message(b, 'papers.get', { ids: [ID] });
    expect(got.value).toHaveLength(1);
    expect(got.value[0]).toMatchObject({
      id: ID,
      title: PAPER.title,
      authors: PAPER.authors,
      tags: ['reading-group'],
      status: 'reading',
      note: 'Discuss section 3 on Friday',
    });
    // Abstracts live in their own store (papers.get leaves them out): read it as the export does.
    expect(await b.evaluate(abstractIn, [DB_NAME, ID] as const)).toBe(PAPER.abstract);
    const tags = await message(b, 'tags.list', {});
    expect(tags.value.map((c: { tag: { name: string; hue: number } }) => c.tag)).toEqual([{ key: 'reading-group', name: 'Reading group', hue: 120 }]);

    // Removed in Firefox: gone from Chromium after its next round (and in its trash).
    expect(await message(b, 'papers.remove', { ids: [ID] })).toMatchObject({ ok: true });
    await syncNow(b);
    await syncNow(a);
    expect((await message(a, 'papers.get', { ids: [ID] })).value).toEqual([]);
  });

  it('a wrong password says to check the app password, and changes nothing', async () => {
    const before = (await message(a, 'papers.list', {})).value.length;
    const files = filesUnder(join(server.data, 'shared'));
    const settings = await a.evaluate(
      async () =>
        (await ((globalThis as any).browser ?? (globalThis as any).chrome).storage.local.get('papershelf.webdav.settings'))['papershelf.webdav.settings'],
    );
    await connect(a, url, 'not-the-app-password');
    await a.waitFor(alertSays, 'Check the app password', 15_000);
    expect((await message(a, 'papers.list', {})).value.length).toBe(before);
    expect(filesUnder(join(server.data, 'shared'))).toEqual(files);
    expect(
      await a.evaluate(
        async () =>
          (await ((globalThis as any).browser ?? (globalThis as any).chrome).storage.local.get('papershelf.webdav.settings'))['papershelf.webdav.settings'],
      ),
    ).toEqual(settings);
  });

  it('a wrong passphrase says so, and writes nothing', async () => {
    const before = (await message(b, 'papers.list', {})).value.length;
    const files = filesUnder(join(server.data, 'secret'));
    await connect(b, `${server.url}secret/`, PASSWORD, 'a wrong passphrase');
    await b.waitFor(alertSays, 'Wrong passphrase', 30_000);
    expect((await message(b, 'papers.list', {})).value.length).toBe(before);
    expect(filesUnder(join(server.data, 'secret'))).toEqual(files);
  });

  it.skipIf(!webdavAvailable('rclone'))(
    'through rclone: a paper saved and tagged in Firefox arrives in Chromium with its tags, note and abstract',
    async () => {
      const id = '2601.05151';
      const now = Date.now();
      const paper = {
        ...PAPER,
        id,
        url: `https://arxiv.org/abs/${id}`,
        title: 'Folders of one’s own, served by rclone',
        abstract: 'Every abstract, through a second server.',
      };
      const seeded = await message(b, 'library.import', {
        papers: [{ ...paper, savedAt: now, updatedAt: now, tags: ['servers'], status: 'read', note: 'rclone keeps no ETags; nothing here needs them' }],
        tags: [{ key: 'servers', name: 'Servers', hue: 200 }],
      });
      expect(seeded).toMatchObject({ ok: true, value: { added: 1 } });
      const folder = `${rclone!.url}shared/`;
      await connectAndSync(b, folder);
      // On rclone's disk: this browser's data files, well named.
      expect(filesUnder(join(rclone!.data, 'shared')).filter((f: string) => f.startsWith('PaperShelf/v1/data/d-')).length).toBeGreaterThan(0);

      await connectAndSync(a, folder);
      const got = await message(a, 'papers.get', { ids: [id] });
      expect(got.value).toHaveLength(1);
      expect(got.value[0]).toMatchObject({
        id,
        title: paper.title,
        authors: paper.authors,
        tags: ['servers'],
        status: 'read',
        note: 'rclone keeps no ETags; nothing here needs them',
      });
      expect(await a.evaluate(abstractIn, [DB_NAME, id] as const)).toBe(paper.abstract);
      const tags = await message(a, 'tags.list', {});
      expect(tags.value.map((c: { tag: { key: string } }) => c.tag.key)).toContain('servers');
    },
  );
});
