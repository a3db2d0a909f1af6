/**
 * The trash: a removal is soft for TRASH_DAYS. The removed paper leaves every
 * list, but its whole record (tags, status, note, abstract) waits here, so
 * "Recently removed" in the popup and Undo on a card can bring it back as it
 * was. The tombstone that tells other browsers is written with the removal
 * (papers.ts removePapers) and outlives the trash entry as long as sync needs
 * it (sync-local.ts collects only tombstones written to the sync area).
 *
 * A paper removed on another browser arrives here too (sync-local.ts), and a
 * paper restored on another browser is rebuilt from this browser's entry, so
 * it comes back with its abstract and metadata, not as a bare id.
 */
import type { Paper } from '../shared/model';
import { DAY } from './clock';
import type { Shelf } from './db';
import { importInto } from './import-write';
import { writeTx, type WriteTx } from './write';

export const TRASH_DAYS = 30;
const TRASH_TTL = TRASH_DAYS * DAY;

export interface TrashEntry {
  id: string;
  /** Wall-clock time of the removal on this device: what the purge counts from. */
  removedAt: number;
  /** The removal's logical time (its tombstone's). */
  deletedAt: number;
  /** The whole record as it was, abstract included. */
  paper: Paper;
}

/** Puts a removed paper (whole, abstract joined) in the trash, inside the removal's transaction. */
export async function toTrash(tx: WriteTx, paper: Paper, removedAt: number, deletedAt: number): Promise<void> {
  await tx.objectStore('trash').put({ id: paper.id, removedAt, deletedAt, paper });
}

/** Removed papers still in the trash, the most recently removed first. */
export async function listTrash(db: Shelf): Promise<TrashEntry[]> {
  return (await db.getAllFromIndex('trash', 'removedAt')).reverse();
}

export const countTrash = (db: Shelf) => db.count('trash');

/**
 * Brings papers back from the trash with their tags, status, note and abstract:
 * the same merge as an undo (every field stamped with a time later than the
 * removal, the tombstone dropped), in one transaction. A paper saved again
 * meanwhile keeps what it has and gains what the removed record had.
 * Returns the ids restored.
 */
export async function restoreFromTrash(db: Shelf, ids: string[], now = Date.now()): Promise<string[]> {
  const tx = writeTx(db);
  const trash = tx.objectStore('trash');
  const entries = (await Promise.all(ids.map((id) => trash.get(id)))).filter((e): e is TrashEntry => !!e);
  if (!entries.length) {
    await tx.done;
    return [];
  }
  const summary = await importInto(
    tx,
    entries.map((e) => e.paper),
    [],
    now,
    { undo: true },
  );
  for (const e of entries) await trash.delete(e.id);
  await tx.done;
  return [...new Set([...summary.ids, ...entries.map((e) => e.id)])];
}

/** Deletes trash entries older than TRASH_DAYS (their tombstones stay for sync). Returns how many went. */
export async function purgeTrash(db: Shelf, now = Date.now()): Promise<number> {
  const tx = db.transaction(['trash'], 'readwrite');
  let n = 0;
  for (
    let c = await tx
      .objectStore('trash')
      .index('removedAt')
      .openCursor(IDBKeyRange.upperBound(now - TRASH_TTL, true));
    c;
    c = await c.continue()
  ) {
    await c.delete();
    n++;
  }
  await tx.done;
  return n;
}
