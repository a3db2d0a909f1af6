/** Import, restore and undo into the shelf: one transaction, all or nothing, through planMerge. */
import { unwrap } from 'idb';
import { lastSucceeded, STRICT, type Shelf } from './db';
import type { Paper, Tag } from '../shared/model';
import { planMerge } from './merge';
import { indexMany, termsOf, type Terms } from './search';
import { readFull, writeTx, type WriteTx } from './write';
import { lastWrite } from './stamps';
import { tick } from './clock';
import { abstractsIn, joinAbstracts, writeAbstracts } from './abstracts';

export interface ImportSummary {
  added: number;
  updated: number;
  unchanged: number;
  /** Papers whose dates were more than a day in the future, set to now. */
  clamped: number;
  /** The papers written (added or updated), for the broadcast. */
  ids: string[];
}

/**
 * A paper whose search terms are still to be written: the record it replaced (whole, abstract
 * joined; null when new) and the record written. Terms are computed from these only when the
 * index is written, after the papers' transaction has committed: tokenising 10,000 abstracts
 * is most of an import's CPU time, and the user's papers need not wait on it.
 */
export type Owed = readonly [id: string, before: Paper | null, after: Paper];

/** The meta record naming papers whose search terms a follow-up transaction has still to write. */
export const REINDEX_KEY = 'reindex';

/**
 * Merges papers and tags into the shelf (`undo`: the papers a removal just took, put back as they were). The plan is made from what the
 * database holds inside the same transaction (so a save in another tab is not
 * overwritten), and every write is in that transaction: if one fails, none lands.
 */
export async function importLibrary(
  db: Shelf,
  papers: Paper[],
  tags: Tag[],
  now = Date.now(),
  opts: { undo?: boolean } = {},
): Promise<ImportSummary & { indexed: Promise<void> }> {
  const tx = writeTx(db);
  const pending: Owed[] = [];
  const summary = await importInto(tx, papers, tags, now, { ...opts, deferIndex: pending });
  await tx.done;
  // The user's papers are committed; the search index catches up in a transaction of its own
  // (the terms of every paper, then one read and one write per term: most of an import's CPU).
  // Should it not finish (a closed tab), the meta record left by importInto makes catchUpIndex
  // do it at the next start.
  const indexed = pending.length ? writeIndex(db, pending) : Promise.resolve();
  indexed.catch(() => {}); // a caller that does not wait is not an unhandled rejection; catchUpIndex retries
  return { ...summary, indexed };
}

/** Papers tokenised between two yields to the event loop while the index is computed. */
const TERMS_CHUNK = 500;

export async function writeIndex(db: Shelf, owed: readonly Owed[]): Promise<void> {
  // The transaction opens at once, before the import's caller hears of the import: a search
  // started after that (the popup, on the broadcast) is queued behind it and finds the papers.
  // The terms are computed inside it a chunk at a time, each chunk after a read of its own, so
  // the page paints and other work proceeds in between while the transaction stays alive.
  const tx = db.transaction(['words', 'meta'], 'readwrite', STRICT);
  const changes: (readonly [string, Terms | null, Terms])[] = [];
  for (let i = 0; i < owed.length; i += TERMS_CHUNK) {
    await tx.objectStore('meta').get(REINDEX_KEY);
    for (const [id, before, after] of owed.slice(i, i + TERMS_CHUNK))
      changes.push([id, before && termsOf(before, before.abstract), termsOf(after, after.abstract)]);
  }
  await indexMany(tx.objectStore('words'), changes);
  await tx.objectStore('meta').delete(REINDEX_KEY);
  await tx.done;
}

/**
 * Writes the search terms of papers an import committed but whose index
 * transaction did not finish (the page was closed): at the background's start.
 * Their old terms are unknown by then, so a term they lost may still find them
 * until their next write. Returns how many papers were indexed.
 */
export async function catchUpIndex(db: Shelf): Promise<number> {
  const rec = (await db.get('meta', REINDEX_KEY)) as { ids?: string[] } | undefined;
  const ids = rec?.ids ?? [];
  if (!ids.length) return 0;
  const papers = await readFull(db, ids);
  await writeIndex(
    db,
    papers.map((p) => [p.id, null, p] as const),
  );
  return papers.length;
}

/**
 * importLibrary inside a transaction of the caller's (restoreFromTrash adds its own
 * writes to the same one). On a failed request the transaction is aborted and the
 * first error thrown: nothing of it lands.
 */
export async function importInto(
  tx: WriteTx,
  papers: Paper[],
  tags: Tag[],
  wall: number,
  opts: { undo?: boolean; deferIndex?: Owed[] } = {},
): Promise<ImportSummary> {
  const paperStore = tx.objectStore('papers');
  const tagStore = tx.objectStore('tags');
  const graves = tx.objectStore('tombstones');
  const trash = tx.objectStore('trash');
  // Each request is also marked handled: after an abort they all reject, and only the first error matters.
  const handled = <T>(req: Promise<T>): Promise<T> => {
    req.catch(() => {}); // whoever awaits it still sees the rejection
    return req;
  };
  try {
    // Only the papers the import names that exist: their keys first (one cheap read), so an import
    // into an empty or small library does not wait on 10,000 reads that find nothing.
    const [held, existingTags, tombstones, trashed] = await Promise.all([
      handled(paperStore.getAllKeys()),
      handled(tagStore.getAll()),
      handled(graves.getAll()),
      handled(trash.getAllKeys()),
    ]);
    const heldIds = new Set(held);
    const found = await Promise.all(papers.map((p) => (heldIds.has(p.id) ? handled(paperStore.get(p.id)) : undefined)));
    const inTrash = new Set(trashed);
    const existing = found.filter((p): p is Paper => p !== undefined);
    const removedAt = new Map(tombstones.map((t) => [t.id, t.deletedAt]));
    // The write's logical time: later than every record and removal it replaces (clock.ts).
    let after = 0;
    for (const p of existing) after = Math.max(after, lastWrite(p));
    for (const p of papers) after = Math.max(after, removedAt.get(p.id) ?? 0);
    const now = await tick(tx, wall, after);
    // The merge sees whole papers: their abstracts joined back (stored apart since v4).
    const texts = await handled(
      abstractsIn(
        tx,
        existing.map((p) => p.id),
      ),
    );
    const whole = joinAbstracts(existing, texts);
    const before = new Map<string, Paper>(whole.map((p) => [p.id, p]));
    const plan = planMerge(whole, existingTags, { papers, tags, skipped: [] }, now, wall);
    // Queue every write, then wait once: awaiting each would be 10,000 round trips.
    // A put can also throw at once (a record without a key): then abort, or the
    // writes already queued would commit without the rest.
    const writes: Promise<unknown>[] = [];
    const queue = (req: Promise<unknown>) => writes.push(handled(req));
    // The papers go as plain requests, without idb's promise and listeners per request (a third
    // of the write's main-thread time at 20,000 requests): requests succeed in the order they
    // were made, so the last one's success says every one before it succeeded. Their abstracts
    // go in their pages, each page read and written once (abstracts.ts).
    const rawPapers = unwrap(paperStore);
    let last: IDBRequest | undefined;
    const abstractWrites: [string, string][] = [];
    const put = (p: Paper) => {
      const { abstract, ...stored } = p;
      last = rawPapers.put(stored);
      if (abstract) abstractWrites.push([p.id, abstract]);
    };
    for (const p of plan.add) {
      // Brought back from a file after its removal: saved again now, as on a card. With its old
      // date, sync would read the record as older than the removal and strip its title elsewhere.
      // An undo puts the paper back where it was (its own date), seconds after the removal.
      const gone = removedAt.get(p.id);
      if (!opts.undo && gone !== undefined && p.savedAt <= gone) p.savedAt = now;
      put(p);
      // Brought back on purpose: an old removal must not take it away again at the next sync,
      // and it is no longer "recently removed".
      if (gone !== undefined) queue(graves.delete(p.id));
      if (inTrash.has(p.id)) queue(trash.delete(p.id));
    }
    for (const p of plan.update) put(p);
    if (last) queue(lastSucceeded(unwrap(tx), last));
    if (abstractWrites.length) queue(writeAbstracts(tx, abstractWrites));
    // The search index follows: in this transaction (one read and one write per term touched), or,
    // for importLibrary, in one of its own after this one commits (its ids noted here, in case).
    const written = [...plan.add, ...plan.update];
    if (opts.deferIndex) {
      for (const p of written) opts.deferIndex.push([p.id, before.get(p.id) ?? null, p]);
      if (written.length) queue(tx.objectStore('meta').put({ key: REINDEX_KEY, t: 0, ids: written.map((p) => p.id) }));
    } else {
      const old = (id: string) => {
        const p = before.get(id);
        return p ? termsOf(p, p.abstract) : null;
      };
      queue(
        indexMany(
          tx.objectStore('words'),
          written.map((p) => [p.id, old(p.id), termsOf(p, p.abstract)] as const),
        ),
      );
    }
    const known = new Set(existingTags.map((t) => t.key));
    for (const t of plan.tags) if (!known.has(t.key)) queue(tagStore.put(t));
    await Promise.all(writes);
    return { added: plan.add.length, updated: plan.update.length, unchanged: plan.unchanged, clamped: plan.clamped, ids: written.map((p) => p.id) };
  } catch (e) {
    try {
      tx.abort();
    } catch {
      // Already aborted by the failed request.
    }
    await tx.done.catch(() => {});
    throw e;
  }
}
