/**
 * The local side of a sync round: reading the library for sync.ts and writing
 * back what the merge decided, in one transaction, through the same stamps as
 * every other writer (applyPatch keeps each field's time). Also collects
 * tombstones: a removal older than TOMBSTONE_TTL is no longer synced, so
 * keeping it here only costs room and time.
 */
import type { IDBPObjectStore, StoreNames } from 'idb';
import type { Shelf, ShelfDB } from './db';
import { deletePaper, putPaper, writeTx } from './write';
import { lastWrite } from './stamps';
import { applyPatch, TOMBSTONE_TTL, type LocalChanges, type LocalLibrary, type SyncState } from './sync';

export async function readForSync(db: Shelf): Promise<LocalLibrary> {
  const tx = db.transaction(['papers', 'tags', 'tombstones']);
  const [papers, tags, tombstones] = await Promise.all([tx.objectStore('papers').getAll(), tx.objectStore('tags').getAll(), tx.objectStore('tombstones').getAll()]);
  await tx.done;
  return { papers, tags, tombstones };
}

/**
 * Writes a round's changes. Each paper goes through applyPatch against what the
 * store holds now (an edit made since the round read the library is kept); a
 * removal from elsewhere applies only if nothing here was written after it.
 * Returns the ids of the papers created, changed or removed.
 */
export async function applySync(db: Shelf, changes: LocalChanges, merged: SyncState, now = Date.now()): Promise<string[]> {
  const tx = writeTx(db);
  const papers = tx.objectStore('papers');
  const touched: string[] = [];
  for (const patch of changes.upserts) {
    const current = await papers.get(patch.id);
    const next = applyPatch(current, patch);
    if (next) {
      await putPaper(tx, current, next);
      touched.push(patch.id);
    }
  }
  for (const id of changes.deletes) {
    const p = await papers.get(id);
    const deletedAt = merged.tombstones.get(id) ?? 0;
    if (p && lastWrite(p) <= deletedAt) {
      await deletePaper(tx, p);
      touched.push(id);
    }
  }
  for (const t of changes.tags) await tx.objectStore('tags').put(t);
  const graves = tx.objectStore('tombstones');
  const oldest = now - TOMBSTONE_TTL;
  for (const [id, deletedAt] of merged.tombstones) {
    // Not for a paper held here and written after the removal (restored, saved again): lastWrite says so.
    if (deletedAt >= oldest) {
      const p = await papers.get(id);
      if (!p || lastWrite(p) <= deletedAt) await graves.put({ id, deletedAt });
    }
  }
  await collect(graves, oldest);
  await tx.done;
  return touched;
}

type Graves = IDBPObjectStore<ShelfDB, StoreNames<ShelfDB>[], 'tombstones', 'readwrite'>;

/** Deletes tombstones older than `oldest`. */
async function collect(graves: Graves, oldest: number): Promise<number> {
  let n = 0;
  for (let c = await graves.openCursor(); c; c = await c.continue()) {
    if (c.value.deletedAt < oldest) {
      await c.delete();
      n++;
    }
  }
  return n;
}

/** Collects old tombstones on their own (at startup): returns how many went. */
export async function collectTombstones(db: Shelf, now = Date.now()): Promise<number> {
  const tx = db.transaction(['tombstones'], 'readwrite');
  const n = await collect(tx.objectStore('tombstones'), now - TOMBSTONE_TTL);
  await tx.done;
  return n;
}
