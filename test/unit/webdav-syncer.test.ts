/**
 * background/webdav-syncer.ts with its dependencies injected: the library on
 * fake-indexeddb, storage.local as a plain object, the retry alarm as a spy, and
 * fetch answered by a WebDAV folder in memory whose next answers can be made
 * faults (423, 5xx, 507, 401). The rounds themselves are engine.ts's (tested on
 * real servers in webdav-*.test.ts); here: when rounds run, what is retried and
 * how soon, what the status says, and that a failed round leaves the library alone.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

// webdav-syncer.ts imports the polyfill (for a type); outside an extension its module throws on load.
vi.mock('webextension-polyfill', () => ({ default: {} }));

import { openShelf, type Shelf } from '../../src/library/db';
import { savePaper } from '../../src/library/papers';
import { readFull } from '../../src/library/write';
import { Searcher } from '../../src/library/search';
import { memoryCache, type FileCache } from '../../src/library/webdav/cache';
import type { Fetch } from '../../src/library/webdav/client';
import { createWebDavSyncer, type WebDavSyncerDeps } from '../../src/background/webdav-syncer';
import { WEBDAV_SETTINGS_KEY, WEBDAV_STATUS_KEY, type WebDavSettings, type WebDavStatus } from '../../src/shared/webdav-status';

const USER = 'reader';
const PASSWORD = 'app-password';
const ORIGIN = 'http://dav.test';
const FOLDER = `${ORIGIN}/shelf/`;
const SEC = 1000;

/** A WebDAV server in memory (what DavClient asks of one), with faults on demand: the next `times` requests of `method` get `status`. */
function memoryDav() {
  const files = new Map<string, Uint8Array>();
  const dirs = new Set<string>(['/', '/shelf']);
  const faults: { method: string; status: number; times: number }[] = [];
  const calls: string[] = [];
  const auth = `Basic ${btoa(`${USER}:${PASSWORD}`)}`;
  const norm = (p: string) => decodeURIComponent(p).replace(/\/+$/, '') || '/';
  const parent = (p: string) => p.slice(0, p.lastIndexOf('/')) || '/';
  const entry = (p: string) =>
    `<D:response><D:href>${encodeURI(dirs.has(p) ? `${p}/` : p)}</D:href><D:propstat><D:prop>` +
    (dirs.has(p)
      ? '<D:resourcetype><D:collection/></D:resourcetype>'
      : `<D:resourcetype/><D:getcontentlength>${files.get(p)!.byteLength}</D:getcontentlength>`) +
    '</D:prop></D:propstat></D:response>';
  const fetch: Fetch = async (url, init) => {
    const method = init.method!;
    const path = norm(new URL(url).pathname);
    const headers = init.headers as Record<string, string>;
    calls.push(`${method} ${path}`);
    if (headers.Authorization !== auth) return new Response('no', { status: 401 });
    const f = faults.find((x) => x.method === method);
    if (f) {
      if (--f.times <= 0) faults.splice(faults.indexOf(f), 1);
      return new Response('fault', { status: f.status });
    }
    const body = init.body;
    switch (method) {
      case 'MKCOL':
        if (dirs.has(path)) return new Response(null, { status: 405 });
        if (!dirs.has(parent(path))) return new Response(null, { status: 409 });
        dirs.add(path);
        return new Response(null, { status: 201 });
      case 'PROPFIND': {
        if (!dirs.has(path) && !files.has(path)) return new Response(null, { status: 404 });
        const children = headers.Depth === '1' && dirs.has(path) ? [...dirs, ...files.keys()].filter((p) => p !== path && parent(p) === path) : [];
        return new Response(`<?xml version="1.0"?><D:multistatus xmlns:D="DAV:">${[path, ...children].map(entry).join('')}</D:multistatus>`, { status: 207 });
      }
      case 'GET':
        return files.has(path) ? new Response(files.get(path)!.slice(), { status: 200 }) : new Response(null, { status: 404 });
      case 'PUT':
        files.set(
          path,
          typeof body === 'string'
            ? new TextEncoder().encode(body)
            : body instanceof Blob
              ? new Uint8Array(await body.arrayBuffer())
              : new Uint8Array(body as Uint8Array),
        );
        return new Response(null, { status: 201 });
      case 'MOVE': {
        const to = norm(new URL(headers.Destination).pathname);
        if (!files.has(path)) return new Response(null, { status: 404 });
        if (files.has(to) && headers.Overwrite === 'F') return new Response(null, { status: 412 });
        files.set(to, files.get(path)!);
        files.delete(path);
        return new Response(null, { status: 201 });
      }
      case 'DELETE':
        return new Response(null, { status: files.delete(path) ? 204 : 404 });
      default:
        return new Response(null, { status: 405 });
    }
  };
  return {
    fetch,
    calls,
    /** Data files in the folder (not uploads on their way). */
    dataFiles: () => [...files.keys()].filter((p) => p.startsWith('/shelf/PaperShelf/v1/data/d-')),
    fail: (method: string, status: number, times = 1) => void faults.push({ method, status, times }),
  };
}

const ref = (id: string) => ({
  id,
  title: `Paper ${id}`,
  authors: ['A. Author'],
  abstract: `Abstract of ${id}`,
  url: `https://arxiv.org/abs/${id}`,
  source: 'arxiv' as const,
});
let dbN = 0;

/** A device: its library, its storage.local, its syncer on `dav`, a spy for the retry alarm, and a signal per status written. */
async function device(
  dav: ReturnType<typeof memoryDav>,
  opts: { password?: string; onChanged?: (db: Shelf, ids: string[]) => Promise<void>; cache?: FileCache } = {},
) {
  const db: Shelf = await openShelf(`webdav-syncer-${dbN++}`);
  const local: Record<string, unknown> = {};
  const written: WebDavStatus[] = [];
  const waiting: (() => void)[] = [];
  let t = Date.UTC(2026, 5, 1, 8);
  const scheduleRetry = vi.fn<(delay: number) => void>();
  const changed = vi.fn(async (ids: string[]) => opts.onChanged?.(db, ids));
  const deps: WebDavSyncerDeps = {
    db: async () => db,
    changed,
    local: {
      get: (async (key: string) => (key in local ? { [key]: structuredClone(local[key]) } : {})) as WebDavSyncerDeps['local']['get'],
      set: async (items: Record<string, unknown>) => {
        Object.assign(local, structuredClone(items));
        if (WEBDAV_STATUS_KEY in items) {
          written.push(items[WEBDAV_STATUS_KEY] as WebDavStatus);
          waiting.splice(0).forEach((w) => w());
        }
      },
    },
    scheduleRetry,
    cache: opts.cache ?? memoryCache(),
    fetch: dav.fetch,
    now: () => (t += SEC),
  };
  const syncer = createWebDavSyncer(deps);
  const status = () => local[WEBDAV_STATUS_KEY] as WebDavStatus | undefined;
  const connected = await syncer.connect({ url: FOLDER, user: USER, password: opts.password ?? PASSWORD, passphrase: '' });
  return {
    db,
    local,
    syncer,
    status,
    connected,
    written,
    scheduleRetry,
    changed,
    /** Resolves when the next status is written (a round ended). */
    nextStatus: () => new Promise<void>((r) => waiting.push(r)),
    papers: async () => (await readFull(db)).map((p) => p.id).sort(),
  };
}

/** Rounds the folder saw begin: each lists the data folder once. */
const rounds = (dav: ReturnType<typeof memoryDav>) => dav.calls.filter((c) => c === 'PROPFIND /shelf/PaperShelf/v1/data').length;

describe('the WebDAV syncer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('connects, runs a round and writes its status: what it sent, received, and how many papers', async () => {
    const dav = memoryDav();
    const a = await device(dav);
    await savePaper(a.db, ref('2601.00001'), Date.UTC(2026, 5, 1));
    const s = await a.syncer.now();
    expect(s).toEqual(a.status());
    expect(s!.ok).toMatchObject({ sentFiles: 1, papers: 1, devices: 0, pulled: 0 });
    expect(s!.ok!.requests).toBeGreaterThanOrEqual(4);
    expect(s!.error).toBeUndefined();
    expect(dav.dataFiles()).toHaveLength(1);
    const b = await device(dav);
    expect(b.connected!.ok).toMatchObject({ sentFiles: 0, receivedFiles: 1, papers: 1, devices: 1, pulled: 1 });
    expect(await b.papers()).toEqual(['2601.00001']);
    expect(b.changed).toHaveBeenCalledWith(['2601.00001']);
  });

  it('a first download: a search made when the pages hear of the papers finds them (the index is open by then)', async () => {
    const dav = memoryDav();
    const a = await device(dav);
    for (let i = 1; i <= 3; i++) await savePaper(a.db, { ...ref(`2601.0000${i}`), abstract: `On the quokkaite${i} lattice` }, Date.UTC(2026, 5, 1) + i);
    await a.syncer.now();
    const found: (string[] | null)[] = [];
    // The search the popup makes on the broadcast: at once, not waiting for the index the round left behind.
    const b = await device(dav, { onChanged: async (db) => void found.push(await new Searcher(async () => db).search('quokkaite2')) });
    expect(b.connected!.ok).toMatchObject({ pulled: 3 });
    await vi.waitFor(() => expect(found).toEqual([['2601.00002']]));
  });

  it('the marks a round ends with are stored only when they changed', async () => {
    const dav = memoryDav();
    const a = await device(dav);
    await savePaper(a.db, ref('2601.00001'), Date.UTC(2026, 5, 1));
    await a.syncer.now();
    const cache = memoryCache();
    const stored = vi.spyOn(cache, 'setLastMarks');
    const b = await device(dav, { cache });
    expect(b.connected!.ok).toMatchObject({ pulled: 1 });
    await b.syncer.now();
    expect(stored).not.toHaveBeenCalled();
    await cache.setLastMarks(new Map([['2601.00009', { on: true, at: 5 }]]));
    stored.mockClear();
    await b.syncer.now();
    // The mark gone from this library since: its unmark is stored.
    expect(stored.mock.calls.map(([m]) => [...m.keys()])).toEqual([['2601.00009']]);
  });

  it('requests within the debounce make one round, when the last one is due', async () => {
    const dav = memoryDav();
    const a = await device(dav);
    const before = rounds(dav);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    a.syncer.request(5 * SEC);
    vi.advanceTimersByTime(3 * SEC);
    a.syncer.request(5 * SEC);
    vi.advanceTimersByTime(4999);
    expect(rounds(dav)).toBe(before); // 8 s after the first request: the second one reset the wait
    const ended = a.nextStatus();
    vi.advanceTimersByTime(1);
    await ended;
    expect(rounds(dav)).toBe(before + 1);
    vi.advanceTimersByTime(60 * SEC);
    expect(rounds(dav)).toBe(before + 1);
  });

  it('a round asked for during a round joins it, and one more runs after it, however many were asked', async () => {
    const dav = memoryDav();
    const a = await device(dav);
    const before = a.written.length;
    const first = a.syncer.now();
    expect(a.syncer.now()).toBe(first);
    expect(a.syncer.now()).toBe(first);
    const queued = a.nextStatus().then(() => a.nextStatus());
    await first;
    expect(a.written.length).toBe(before + 1);
    await queued;
    expect(a.written.length).toBe(before + 2);
  });

  it('423 and 5xx are retried with growing delays (30 s, 1 min, 2 min); a success resets them', async () => {
    const dav = memoryDav();
    const a = await device(dav);
    dav.fail('PROPFIND', 423);
    let s = (await a.syncer.now())!;
    expect(s.error).toMatchObject({ kind: 'busy', status: 423 });
    expect(s.retryAt).toBe(s.at + 30 * SEC);
    dav.fail('PROPFIND', 503);
    s = (await a.syncer.now())!;
    expect(s.error).toMatchObject({ kind: 'busy', status: 503 });
    dav.fail('PROPFIND', 500);
    await a.syncer.now();
    expect(a.scheduleRetry.mock.calls.map((c) => c[0])).toEqual([30 * SEC, 60 * SEC, 120 * SEC]);
    s = (await a.syncer.now())!;
    expect(s.ok).toBeDefined();
    expect(s.error).toBeUndefined();
    expect(s.retryAt).toBeUndefined();
    dav.fail('PROPFIND', 502);
    await a.syncer.now();
    expect(a.scheduleRetry.mock.calls.map((c) => c[0])).toEqual([30 * SEC, 60 * SEC, 120 * SEC, 30 * SEC]);
  });

  it('a 401 says to check the password and is not retried', async () => {
    const dav = memoryDav();
    const a = await device(dav);
    // The password was changed on the server since Connect.
    a.local[WEBDAV_SETTINGS_KEY] = { ...(a.local[WEBDAV_SETTINGS_KEY] as WebDavSettings), password: 'revoked' };
    const s = (await a.syncer.now())!;
    expect(s.error).toMatchObject({ kind: 'auth', status: 401 });
    expect(s.retryAt).toBeUndefined();
    expect(a.scheduleRetry).not.toHaveBeenCalled();
    // Positive control: the same device with a 503 is retried.
    a.local[WEBDAV_SETTINGS_KEY] = { ...(a.local[WEBDAV_SETTINGS_KEY] as WebDavSettings), password: PASSWORD };
    dav.fail('PROPFIND', 503);
    await a.syncer.now();
    expect(a.scheduleRetry).toHaveBeenCalledTimes(1);
  });

  it('a wrong password at Connect keeps nothing and runs no round', async () => {
    const dav = memoryDav();
    const a = await device(dav, { password: 'wrong' });
    expect(a.connected!.error).toMatchObject({ kind: 'auth', status: 401 });
    expect(a.local[WEBDAV_SETTINGS_KEY]).toBeUndefined();
    expect(a.status()).toBeUndefined();
    expect(await a.syncer.now()).toBeNull();
  });

  it('a failed round changes no local data; the next one brings everything', async () => {
    const dav = memoryDav();
    const a = await device(dav);
    await savePaper(a.db, ref('2601.00001'), Date.UTC(2026, 5, 1));
    await a.syncer.now();
    const b = await device(dav);
    await savePaper(b.db, ref('2601.00002'), Date.UTC(2026, 5, 1));
    await savePaper(a.db, ref('2601.00003'), Date.UTC(2026, 5, 1, 1));
    await a.syncer.now();
    const libraryBefore = await readFull(b.db);
    // B reads A's files, merges, and its upload is refused (the server is full): nothing of A's lands here.
    dav.fail('PUT', 507);
    const s = (await b.syncer.now())!;
    expect(s.error).toMatchObject({ kind: 'full', status: 507 });
    expect(s.retryAt).toBe(s.at + 30 * SEC);
    expect(await readFull(b.db)).toEqual(libraryBefore);
    expect(b.changed).toHaveBeenCalledTimes(1); // Connect's round only
    // Room again: the retry brings A's papers and sends B's.
    expect((await b.syncer.now())!.ok).toMatchObject({ pulled: 1, papers: 3 });
    expect(await b.papers()).toEqual(['2601.00001', '2601.00002', '2601.00003']);
  });
});
