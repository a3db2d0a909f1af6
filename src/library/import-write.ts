/** Import, restore and undo into the shelf: one transaction, all or nothing, through planMerge. */
import type { Shelf } from './db';
import type { Paper, Tag } from '../shared/model';
import { planMerge } from './merge';
import { indexMany, termsOf, type Terms } from './search';
import { writeTx } from './write';

export interface ImportSummary {
  added: number;
  updated: number;
  unchanged: number;
  /** The papers written (added or updated), for the broadcast. */
  ids: string[];
}

/**
 * Merges papers and tags into the shelf (`undo`: the papers a removal just took, put back as they were). The plan is made from what the
 * database holds inside the same transaction (so a save in another tab is not
 * overwritten), and every write is in that transaction: if one fails, none lands.
 */
export async function importLibrary(db: Shelf, papers: Paper[], tags: Tag[], now = Date.now(), opts: { undo?: boolean } = {}): Promise<ImportSummary> {
  const tx = writeTx(db);
  const paperStore = tx.objectStore('papers');
  const tagStore = tx.objectStore('tags');
  const graves = tx.objectStore('tombstones');
  const abstracts = tx.objectStore('abstracts');
  // Only the papers the import names: reading the whole library costs seconds at 10,000.
  const [found, existingTags, tombstones] = await Promise.all([Promise.all(papers.map((p) => paperStore.get(p.id))), tagStore.getAll(), graves.getAll()]);
  const existing = found.filter((p): p is Paper => p !== undefined);
  // The merge sees whole papers: their abstracts joined back (stored apart since v4).
  const texts = await Promise.all(existing.map((p) => abstracts.get(p.id)));
  const whole = existing.map((p, i) => (texts[i] ? { ...p, abstract: texts[i]!.text } : p));
  const before = new Map<string, Terms>(whole.map((p) => [p.id, termsOf(p, p.abstract)]));
  const plan = planMerge(whole, existingTags, { papers, tags, skipped: [] }, now);
  // Queue every write, then wait once: awaiting each would be 10,000 round trips.
  // A put can also throw at once (a record without a key): then abort, or the
  // writes already queued would commit without the rest.
  try {
    const writes: Promise<unknown>[] = [];
    // Each request is also marked handled: after an abort they all reject, and only the first error matters.
    const queue = (req: Promise<unknown>) => {
      req.catch(() => {}); // Promise.all below still sees the rejection
      writes.push(req);
    };
    const put = (p: Paper) => {
      const { abstract, ...stored } = p;
      queue(paperStore.put(stored as Paper));
      if (abstract) queue(abstracts.put({ id: p.id, text: abstract }));
    };
    const removedAt = new Map(tombstones.map((t) => [t.id, t.deletedAt]));
    for (const p of plan.add) {
      // Brought back from a file after its removal: saved again now, as on a card. With its old
      // date, sync would read the record as older than the removal and strip its title elsewhere.
      // An undo puts the paper back where it was (its own date), seconds after the removal.
      const gone = removedAt.get(p.id);
      if (!opts.undo && gone !== undefined && p.savedAt <= gone) p.savedAt = now;
      put(p);
      // Brought back on purpose: an old removal must not take it away again at the next sync.
      queue(graves.delete(p.id));
    }
    for (const p of plan.update) put(p);
    // The search index follows, in the same transaction: one read and one write per term touched.
    queue(indexMany(tx.objectStore('words'), [...plan.add, ...plan.update].map((p) => [p.id, before.get(p.id) ?? null, termsOf(p, p.abstract)] as const)));
    const known = new Set(existingTags.map((t) => t.key));
    for (const t of plan.tags) if (!known.has(t.key)) queue(tagStore.put(t));
    await Promise.all([...writes, tx.done]);
  } catch (e) {
    try {
      tx.abort();
    } catch {
      // Already aborted by the failed request.
    }
    await tx.done.catch(() => {});
    throw e;
  }
  return { added: plan.add.length, updated: plan.update.length, unchanged: plan.unchanged, ids: [...plan.add, ...plan.update].map((p) => p.id) };
}
