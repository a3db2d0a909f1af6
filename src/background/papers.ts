/** Saved papers: the writes and reads behind the paper.* messages. */
import type { Shelf } from '../shared/db';
import { mergeRef, type Paper, type PaperRef, type PaperStatus } from '../shared/model';

// A save must survive a crash or a killed worker right after it was acknowledged.
const STRICT = { durability: 'strict' } as const;

/** Saves a paper; saving again merges the new fields and keeps the first savedAt (idempotent by id). */
export async function savePaper(db: Shelf, ref: PaperRef, now = Date.now()): Promise<Paper> {
  const tx = db.transaction('papers', 'readwrite', STRICT);
  const old = await tx.store.get(ref.id);
  const paper: Paper = old ? { ...mergeRef(old, ref), updatedAt: now } : { ...ref, savedAt: now, updatedAt: now };
  await Promise.all([tx.store.put(paper), tx.done]);
  return paper;
}

export async function unsavePaper(db: Shelf, id: string): Promise<boolean> {
  const tx = db.transaction('papers', 'readwrite', STRICT);
  const had = (await tx.store.getKey(id)) !== undefined;
  if (had) await tx.store.delete(id);
  await tx.done;
  return had;
}

/** Saved papers, newest first. */
export async function listPapers(db: Shelf): Promise<Paper[]> {
  // One getAll beats a cursor walk by an order of magnitude at 10,000 papers.
  return (await db.getAllFromIndex('papers', 'savedAt')).reverse();
}

export async function statusOf(db: Shelf, ids: string[]): Promise<Record<string, PaperStatus>> {
  const tx = db.transaction('papers');
  const keys = await Promise.all(ids.map((id) => tx.store.getKey(id)));
  await tx.done;
  const out: Record<string, PaperStatus> = {};
  ids.forEach((id, i) => (out[id] = { saved: keys[i] !== undefined }));
  return out;
}

export const countPapers = (db: Shelf) => db.count('papers');
