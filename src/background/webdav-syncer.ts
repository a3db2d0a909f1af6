/**
 * Runs WebDAV rounds (library/webdav/engine.ts) in the background: after local
 * changes (debounced), every PERIOD_MINUTES (an alarm), and on "Sync now" from
 * the options page. One round at a time; a request during a round queues one
 * more. A failed round changed nothing here (the engine writes the library
 * only after the folder took its files) and is retried with syncer.ts's
 * backoff through an alarm, so a stopped worker still retries.
 */
import type browser from 'webextension-polyfill';
import type { Shelf } from '../library/db';
import { DavClient, type Fetch } from '../library/webdav/client';
import { idbCache, type FileCache } from '../library/webdav/cache';
import { connectFolder, syncRound } from '../library/webdav/engine';
import { b64, importKey, unb64 } from '../library/webdav/crypto';
import { applyLocal, readLocalFull } from '../library/webdav/local';
import { errorKind, WEBDAV_SETTINGS, WEBDAV_SETTINGS_KEY, WEBDAV_STATUS_KEY, type WebDavSettings, type WebDavStatus } from '../shared/webdav-status';
import { errorText } from '../shared/errors';
import { backoff, serialRounds } from './rounds';
import { readStored } from '../shared/stored';

export const WEBDAV_RETRY_ALARM = 'papershelf.webdav.retry';
export const WEBDAV_PERIODIC_ALARM = 'papershelf.webdav.periodic';
export const PERIOD_MINUTES = 15;
const DEBOUNCE_MS = 5000;
const FAILURES_KEY = 'papershelf.webdav.failures';

export interface WebDavSyncerDeps {
  db(): Promise<Shelf>;
  changed(ids: string[]): Promise<void>;
  local: Pick<browser.Storage.StorageArea, 'get' | 'set'>;
  scheduleRetry(delay: number): void;
  cache?: FileCache;
  fetch?: Fetch;
  now?(): number;
}

export function createWebDavSyncer(deps: WebDavSyncerDeps) {
  const clock = deps.now ?? Date.now;
  const cache = deps.cache ?? idbCache();
  const failures = backoff(deps.local, FAILURES_KEY);

  const round = async (): Promise<WebDavStatus | null> => {
    const [s] = await readStored(deps.local, WEBDAV_SETTINGS);
    if (!s?.url) return null;
    let status: WebDavStatus;
    try {
      const d = await deps.db();
      const client = new DavClient(s.url, { user: s.user, password: s.password }, deps.fetch);
      let touched: string[] = [];
      // The search index of the papers the round created starts once the round is done, before the
      // pages hear of them: computed meanwhile, its terms held up the round's end by seconds.
      let index = () => {};
      const r = await syncRound({
        client,
        device: s.device,
        key: s.key ? await importKey(unb64(s.key)) : null,
        cache,
        readLocal: () => readLocalFull(d),
        applyLocal: async (merged, local) => {
          const a = await applyLocal(d, merged, local, clock(), { indexLater: (start) => void (index = start) });
          touched = a.touched;
          return a;
        },
        now: clock,
      }).finally(() => index());
      // The pages are told, and the badge counts again, while the status goes out: the round's
      // writes are committed, and the badge's count, the first IndexedDB request after a first
      // download's 17 MB, waited most of a second for IndexedDB.
      if (touched.length) void deps.changed(touched).catch((e) => console.error('PaperShelf: WebDAV round written; telling the pages failed', e));
      status = {
        at: clock(),
        ok: {
          sentFiles: r.wrote.files,
          sentBytes: r.sent,
          receivedFiles: r.read.files,
          receivedBytes: r.read.bytes,
          requests: r.requests,
          papers: r.papers,
          devices: r.devices,
          pulled: touched.length,
        },
      };
      await failures.succeeded();
    } catch (e) {
      const { kind, status: http } = errorKind(e);
      const message = errorText(e);
      const delay = await failures.failed(message);
      // A wrong password or passphrase will not heal by itself: no retry until the user connects again.
      const retry = kind !== 'auth' && kind !== 'passphrase' && kind !== 'encrypted';
      if (retry) deps.scheduleRetry(delay);
      const at = clock();
      status = { at, error: { kind, ...(http !== undefined ? { status: http } : {}), message }, ...(retry ? { retryAt: at + delay } : {}) };
    }
    await deps.local.set({ [WEBDAV_STATUS_KEY]: status });
    // The files read or written this round are stored in the cache once the round has answered
    // (a snapshot's state is seconds of copying); until then, and while the worker lives, memory has them.
    setTimeout(() => void cache.flush().catch((e) => console.warn('PaperShelf: the WebDAV cache could not be stored', e)), 0);
    return status;
  };

  const rounds = serialRounds(round, 'WebDAV round');
  const now = rounds.now;

  /**
   * Connects (the options page's Connect): the password and passphrase are checked against the
   * folder before anything is written or kept; on success the settings are kept and a round runs.
   * A failure is answered as a status (its kind says what to do) and changes nothing.
   */
  const connect = async (c: { url: string; user: string; password: string; passphrase: string }): Promise<WebDavStatus | null> => {
    const url = c.url.endsWith('/') ? c.url : `${c.url}/`;
    try {
      const raw = await connectFolder(new DavClient(url, { user: c.user, password: c.password }, deps.fetch), c.passphrase);
      const [before] = await readStored(deps.local, WEBDAV_SETTINGS);
      const device = before?.device ?? randomDevice();
      const next: WebDavSettings = { url, user: c.user, password: c.password, ...(raw ? { key: b64(raw) } : {}), device };
      // Another folder or another key: what was read of the old one says nothing of the new.
      if (before && (before.url !== next.url || before.key !== next.key)) await cache.clear();
      await deps.local.set({ [WEBDAV_SETTINGS_KEY]: next, [FAILURES_KEY]: 0 });
    } catch (e) {
      const { kind, status } = errorKind(e);
      return { at: clock(), error: { kind, ...(status !== undefined ? { status } : {}), message: errorText(e) } };
    }
    return now();
  };

  return {
    connect,
    request: (delay = DEBOUNCE_MS) => rounds.request(delay),
    now,
    /** A new connection (another folder, another key): what was read of the old one is forgotten. */
    forget: () => cache.clear(),
  };
}

/** A device's name in the folder: random, lower-case letters and digits (format.ts isDeviceId). */
const randomDevice = () => Array.from(crypto.getRandomValues(new Uint8Array(10)), (b) => (b % 36).toString(36)).join('');

export type WebDavSyncer = ReturnType<typeof createWebDavSyncer>;
