/**
 * Runs library/sync.ts against the browser's storage.sync and our database:
 * after a local change (debounced), when another browser's change arrives, and
 * at startup. One round at a time; a request during a round queues one more.
 *
 * A round that fails (storage.sync's quota or write-rate limits, a network
 * hiccup of the browser's sync) is tried again with growing delays, through an
 * alarm so that a worker stopped meanwhile still retries: 30 s, 1 min, 2 min …
 * up to an hour; a write-rate error waits at least the minute (or hour) its
 * limit counts. A success resets the delay. A partly written remote is safe:
 * stale chunks are removed before new ones are written, and a manifest that
 * names a chunk not there is read as "less", never as a removal (sync.ts decode).
 */
import type browser from 'webextension-polyfill';
import type { Shelf } from '../library/db';
import { SYNC_DEVICE, SYNC_DEVICE_KEY as DEVICE_KEY, SYNC_SETTINGS, SYNC_STATUS, SYNC_STATUS_KEY, type SyncStatus } from '../shared/sync-status';
import { syncOnce, type SyncArea } from '../library/sync';
import { isSyncKey } from '../library/sync-codec';
import { applySync, markTombstonesSynced, readForSync } from '../library/sync-local';
import { errorText } from '../shared/errors';
import { backoff, serialRounds } from './rounds';
import { readStored } from '../shared/stored';

const LOCAL_DEBOUNCE_MS = 3000;
export const REMOTE_DEBOUNCE_MS = 1000;
const RETRY_KEY = 'papershelf.sync.retry';
export const RETRY_ALARM = 'papershelf.sync.retry';

export interface SyncerDeps {
  db(): Promise<Shelf>;
  /** Broadcasts papers a round changed here. */
  changed(ids: string[]): Promise<void>;
  area: SyncArea;
  local: Pick<browser.Storage.StorageArea, 'get' | 'set'>;
  /** Wakes the worker after `delay` ms to retry (an alarm in the extension). */
  scheduleRetry(delay: number): void;
  now?(): number;
}

export interface Syncer {
  /** Schedules a round (after a local change, or when the sync area changed). */
  request(delay?: number): void;
  /** Runs a round now (waits for one in progress). */
  now(): Promise<void>;
}

export function createSyncer(deps: SyncerDeps): Syncer {
  const clock = deps.now ?? Date.now;
  const failures = backoff(deps.local, RETRY_KEY);

  const enabled = async () => (await readStored(deps.local, SYNC_SETTINGS))[0].enabled;

  const device = async () => {
    const [have] = await readStored(deps.local, SYNC_DEVICE);
    if (have !== undefined) return have;
    // A name the user recognises on another device's options page ("Firefox on Linux · k3j9"), kept once made.
    const id = `${deviceKind()} · ${Math.random().toString(36).slice(2, 6)}`;
    await deps.local.set({ [DEVICE_KEY]: id });
    return id;
  };

  const round = async () => {
    if (!(await enabled())) return;
    let status: SyncStatus;
    try {
      const d = await deps.db();
      const report = await syncOnce({
        area: deps.area,
        readLocal: () => readForSync(d),
        writeLocal: async (changes, merged) => {
          const touched = await applySync(d, changes, merged, clock());
          if (touched.length || changes.tags.length) await deps.changed(touched);
        },
        markSynced: (ids) => markTombstonesSynced(d, ids),
        now: clock,
        device: await device(),
      });
      const [before] = await readStored(deps.local, SYNC_STATUS);
      // A device seen ahead stays named until it writes again with its clock right.
      const ahead = report.ahead ?? (before?.ahead && report.writer !== before.ahead.device ? before.ahead : undefined);
      status = {
        at: report.at,
        included: report.included,
        excluded: report.excluded,
        notesLeftOut: report.notesLeftOut,
        notesTooLong: report.notesTooLong,
        tombstones: report.tombstones,
        tombstonesLeftOut: report.tombstonesLeftOut,
        bytes: report.bytes,
        ...(ahead ? { ahead } : {}),
        ...(report.error ? { error: report.error } : {}),
      };
      await failures.succeeded();
    } catch (e) {
      const error = errorText(e);
      const delay = await failures.failed(error);
      deps.scheduleRetry(delay);
      const at = clock();
      status = { at, included: 0, excluded: 0, error, retryAt: at + delay };
    }
    await deps.local.set({ [SYNC_STATUS_KEY]: status });
  };

  const rounds = serialRounds(round, 'sync round');
  return {
    request: (delay = LOCAL_DEBOUNCE_MS) => rounds.request(delay),
    now: rounds.now,
  };
}

/** The browser and system this runs on, from the user agent: part of the device's name in sync. */
function deviceKind(): string {
  const ua = typeof navigator === 'undefined' ? '' : navigator.userAgent;
  const browser = /Firefox\//.test(ua) ? 'Firefox' : /Edg\//.test(ua) ? 'Edge' : /Chrom(e|ium)\//.test(ua) ? 'Chrome' : 'Browser';
  const os = /Windows/.test(ua)
    ? 'Windows'
    : /Mac OS X|Macintosh/.test(ua)
      ? 'macOS'
      : /Android/.test(ua)
        ? 'Android'
        : /CrOS/.test(ua)
          ? 'ChromeOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : '';
  return os ? `${browser} on ${os}` : browser;
}

/** Keys of storage.sync that belong to our format (another extension version's or user's data is left alone). */
export const ourSyncChange = (changes: Record<string, unknown>) => Object.keys(changes).some(isSyncKey);
