/**
 * The local side of a sync round: reading the library for sync.ts and writing
 * back what the merge decided, in one transaction, through the same stamps as
 * every other writer (applyPatch keeps each field's time). A paper removed
 * elsewhere goes to this browser's trash, and one restored elsewhere comes back
 * from it whole. Also collects tombstones: one older than TOMBSTONE_TTL and
 * written to the sync area is no longer needed here.
 */
import type { IDBPObjectStore, StoreNames } from 'idb';
import type { Paper } from '../shared/model';
import { learnt, type Shelf, type ShelfDB } from './db';
import { deletePaper, putPaper, writeTx } from './write';
import { abstractIn } from './abstracts';
import { lastWrite } from './stamps';
import { observe } from './clock';
import { toTrash } from './trash';
import { applyPatch, type LocalChanges, type PaperPatch } from './sync-patch';
import { maxTime, type SyncState } from './sync-state';
import { TOMBSTONE_TTL, type LocalLibrary } from './sync';

export async function readForSync(db: Shelf): Promise<LocalLibrary> {
  const tx = db.transaction(['papers', 'tags', 'tombstones']);
  const [papers, tags, tombstones] = await Promise.all([
    tx.objectStore('papers').getAll(),
    tx.objectStore('tags').getAll(),
    tx.objectStore('tombstones').getAll(),
  ]);
  await tx.done;
  return { papers, tags, tombstones };
}

/** A paper first seen through sync that this browser has in its trash: its own record (metadata, abstract) with sync's fields. */
function fromTrash(kept: Paper, patch: PaperPatch): PaperPatch {
  const c = patch.create!;
  const note = c.fieldsAt?.note === 0 ? { note: kept.note } : { note: c.note };
  return { id: patch.id, create: { ...kept, savedAt: c.savedAt, updatedAt: c.updatedAt, tags: c.tags, status: c.status, ...note, fieldsAt: c.fieldsAt } };
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
  const trash = tx.objectStore('trash');
  const touched: string[] = [];
  // Later writes here are later than anything this round saw (within a day of the wall clock; clock.ts).
  await observe(tx, now, maxTime(merged));
  for (const patch of changes.upserts) {
    const current = await papers.get(patch.id);
    const kept = !current && patch.create ? await trash.get(patch.id) : undefined;
    const next = applyPatch(current, kept ? fromTrash(kept.paper, patch) : patch);
    if (next) {
      await putPaper(tx, current, next);
      if (kept) await trash.delete(patch.id);
      touched.push(patch.id);
    }
  }
  for (const id of changes.deletes) {
    const p = await papers.get(id);
    const deletedAt = merged.tombstones.get(id) ?? 0;
    if (p && lastWrite(p) <= deletedAt) {
      const abstract = await abstractIn(tx, id);
      await toTrash(tx, abstract ? { ...p, abstract } : p, now, deletedAt);
      await deletePaper(tx, p);
      touched.push(id);
    }
  }
  for (const t of changes.tags) await tx.objectStore('tags').put(t);
  const graves = tx.objectStore('tombstones');
  for (const [id, deletedAt] of merged.tombstones) {
    const mine = await graves.get(id);
    if (mine && mine.deletedAt === deletedAt) continue; // ours, written or not: its flag stays
    // Not for a paper held here and written after the removal (restored, saved again): lastWrite says so.
    // A removal that differs from ours came from the area: it is there already.
    const p = await papers.get(id);
    if (!p || lastWrite(p) <= deletedAt) await graves.put({ id, deletedAt, synced: true, learntAt: mine ? learnt(mine) : now });
  }
  await collect(graves, now - TOMBSTONE_TTL);
  await tx.done;
  return touched;
}

/** Marks local tombstones as written to the sync area. */
export async function markTombstonesSynced(db: Shelf, ids: string[]): Promise<void> {
  const tx = db.transaction(['tombstones'], 'readwrite');
  for (const id of ids) {
    const t = await tx.objectStore('tombstones').get(id);
    if (t && !t.synced) await tx.objectStore('tombstones').put({ ...t, synced: true });
  }
  await tx.done;
}

type Graves = IDBPObjectStore<ShelfDB, StoreNames<ShelfDB>[], 'tombstones', 'readwrite'>;

/** Deletes tombstones older than `oldest` that the sync area has had: one never written there must still travel. */
async function collect(graves: Graves, oldest: number): Promise<number> {
  let n = 0;
  for (let c = await graves.openCursor(); c; c = await c.continue()) {
    if (learnt(c.value) < oldest && c.value.synced) {
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
