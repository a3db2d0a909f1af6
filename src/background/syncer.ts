/**
 * Runs sync.ts against the browser's storage.sync and our database: after a
 * local change (debounced), when another browser's change arrives, and at
 * startup. One round at a time; a request during a round queues one more.
 * No alarms permission: the debounce is shorter than the worker's idle
 * timeout, and every start syncs again, so a stopped worker loses no change.
 */
import browser from 'webextension-polyfill';
import { STRICT, type Shelf } from '../shared/db';
import { SYNC_SETTINGS_KEY, SYNC_STATUS_KEY, type SyncSettings, type SyncStatus } from '../shared/sync-status';
import { applyPatch, fieldTime, isSyncKey, syncOnce, TOMBSTONE_TTL, type LocalChanges, type SyncState } from './sync';

const LOCAL_DEBOUNCE_MS = 3000;
const REMOTE_DEBOUNCE_MS = 1000;
const DEVICE_KEY = 'papershelf.sync.device';

export interface Syncer {
  /** Schedules a round (after a local change, or when the sync area changed). */
  request(delay?: number): void;
  /** Runs a round now (waits for one in progress). */
  now(): Promise<void>;
}

export function createSyncer(db: () => Promise<Shelf>, changed: (ids: string[]) => Promise<void>): Syncer {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | null = null;
  let again = false;

  const enabled = async () => ((await browser.storage.local.get(SYNC_SETTINGS_KEY))[SYNC_SETTINGS_KEY] as SyncSettings | undefined)?.enabled ?? true;

  const device = async () => {
    const have = (await browser.storage.local.get(DEVICE_KEY))[DEVICE_KEY];
    if (typeof have === 'string') return have;
    const id = Math.random().toString(36).slice(2, 10);
    await browser.storage.local.set({ [DEVICE_KEY]: id });
    return id;
  };

  const writeLocal = async (changes: LocalChanges, merged: SyncState) => {
    const d = await db();
    const tx = d.transaction(['papers', 'tags', 'tombstones'], 'readwrite', STRICT);
    const papers = tx.objectStore('papers');
    const touched: string[] = [];
    for (const patch of changes.upserts) {
      const next = applyPatch(await papers.get(patch.id), patch);
      if (next) {
        await papers.put(next);
        touched.push(patch.id);
      }
    }
    for (const id of changes.deletes) {
      const p = await papers.get(id);
      const deletedAt = merged.tombstones.get(id) ?? 0;
      // Edited here since the removal elsewhere: keep it (checked again inside this transaction).
      if (p && Math.max(fieldTime(p, 'tags'), fieldTime(p, 'status'), fieldTime(p, 'note'), p.savedAt) <= deletedAt) {
        await papers.delete(id);
        touched.push(id);
      }
    }
    for (const t of changes.tags) await tx.objectStore('tags').put(t);
    const graves = tx.objectStore('tombstones');
    const oldest = Date.now() - TOMBSTONE_TTL;
    for (const [id, deletedAt] of merged.tombstones) if (deletedAt >= oldest) await graves.put({ id, deletedAt });
    await tx.done;
    if (touched.length || changes.tags.length) await changed(touched);
  };

  const round = async () => {
    if (!(await enabled())) return;
    let status: SyncStatus;
    try {
      const d = await db();
      const report = await syncOnce({
        area: browser.storage.sync as unknown as Parameters<typeof syncOnce>[0]['area'],
        readLocal: async () => {
          const tx = d.transaction(['papers', 'tags', 'tombstones']);
          const [papers, tags, tombstones] = await Promise.all([tx.objectStore('papers').getAll(), tx.objectStore('tags').getAll(), tx.objectStore('tombstones').getAll()]);
          await tx.done;
          return { papers, tags, tombstones };
        },
        writeLocal,
        now: Date.now,
        device: await device(),
      });
      status = { at: report.at, included: report.included, excluded: report.excluded, bytes: report.bytes, ...(report.error ? { error: report.error } : {}) };
    } catch (e) {
      // Quota or rate errors from storage.sync: say so on the options page, try again on the next change.
      status = { at: Date.now(), included: 0, excluded: 0, error: e instanceof Error ? e.message : String(e) };
    }
    await browser.storage.local.set({ [SYNC_STATUS_KEY]: status });
  };

  const now = async (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = round().finally(() => {
      running = null;
      if (again) {
        again = false;
        void now();
      }
    });
    return running;
  };

  return {
    request(delay = LOCAL_DEBOUNCE_MS) {
      clearTimeout(timer);
      timer = setTimeout(() => void now().catch(console.error), delay);
    },
    now,
  };
}

/** Keys of storage.sync that belong to our format (another extension version's or user's data is left alone). */
export const ourSyncChange = (changes: Record<string, unknown>) => Object.keys(changes).some(isSyncKey);
export { REMOTE_DEBOUNCE_MS };
