/**
 * The one way a paper record is written or deleted. Every writer of the
 * library (papers.ts, tags.ts, import-write.ts, sync-local.ts) goes through
 * these two functions inside its own transaction, so the abstract always lands
 * in its own store and the search index always follows the record.
 */
import { unwrap, type IDBPTransaction, type StoreNames } from 'idb';
import type { Paper } from '../shared/model';
import { STRICT, WRITE_STORES, type Shelf, type ShelfDB } from './db';
import { indexMany, indexWrite, termsOf } from './search';
import { abstractIn, abstractsOf, allAbstracts, joinAbstracts, writeAbstracts } from './abstracts';

export type WriteTx = IDBPTransaction<ShelfDB, StoreNames<ShelfDB>[], 'readwrite'>;

/** A write transaction over every store a paper write touches. */
export const writeTx = (db: Shelf): WriteTx => db.transaction([...WRITE_STORES], 'readwrite', STRICT);

/**
 * Puts `after` in place of `before` (what the store held, read in this
 * transaction; undefined for a new paper). `after.abstract`, when set,
 * replaces the stored abstract; when absent, the stored one stays.
 */
export async function putPaper(tx: WriteTx, before: Paper | undefined, after: Paper): Promise<void> {
  const { abstract, ...stored } = after;
  const oldAbstract = before ? await abstractIn(tx, after.id) : undefined;
  const writes: Promise<unknown>[] = [tx.objectStore('papers').put(stored as Paper)];
  if (abstract !== undefined && abstract !== oldAbstract) writes.push(writeAbstracts(tx, [[after.id, abstract || null]]));
  const newAbstract = abstract !== undefined ? abstract : oldAbstract;
  writes.push(indexWrite(tx.objectStore('words'), after.id, before ? termsOf(before, oldAbstract) : null, termsOf(stored, newAbstract)));
  await Promise.all(writes);
}

/**
 * Puts papers the store does not hold (the caller checked, in this transaction), without their
 * search terms: those are returned, for one index write after the transaction commits
 * (import-write.ts writeIndex, noted for catchUpIndex in case it does not finish). Indexed one
 * by one, each paper would read and rewrite the postings of every term it has, which grow with
 * every paper: a first download of 10,000 papers took minutes that way.
 * The puts are queued on the store itself, without a promise each (10,000 of them, with
 * their listeners, were half a second of a first download's CPU), and the abstracts go in
 * their pages (abstracts.ts): a put that fails aborts the transaction, so the caller learns
 * of it from `tx.done`, which it awaits.
 */
export function putNewPapers(tx: WriteTx, papers: readonly Paper[]): void {
  const store = unwrap(tx.objectStore('papers'));
  const texts: [string, string][] = [];
  for (const p of papers) {
    const { abstract, ...stored } = p;
    store.put(stored);
    if (abstract) texts.push([p.id, abstract]);
  }
  if (texts.length) writeAbstracts(tx, texts).catch(() => {}); // its failure aborts tx: the caller's tx.done says it
}

/** Deletes a paper, its abstract and its terms. */
export async function deletePaper(tx: WriteTx, before: Paper): Promise<void> {
  const oldAbstract = await abstractIn(tx, before.id);
  await Promise.all([
    tx.objectStore('papers').delete(before.id),
    writeAbstracts(tx, [[before.id, null]]),
    indexWrite(tx.objectStore('words'), before.id, termsOf(before, oldAbstract), null),
  ]);
}

/**
 * Deletes many papers, their abstracts and their terms, queued at once (a bulk removal): the
 * index drops them in one pass, each term read and written once, where deletePaper per paper
 * rewrote a common term's postings once per paper (4,000 removals: minutes on fake-indexeddb).
 * `before` are the records as held, abstracts joined.
 */
export async function deletePapers(tx: WriteTx, before: readonly Paper[]): Promise<void> {
  const papers = tx.objectStore('papers');
  const writes: Promise<unknown>[] = [
    writeAbstracts(
      tx,
      before.map((p) => [p.id, null] as const),
    ),
    indexMany(
      tx.objectStore('words'),
      before.map((p) => [p.id, termsOf(p, p.abstract), null] as const),
    ),
  ];
  for (const p of before) writes.push(papers.delete(p.id));
  await Promise.all(writes);
}

/** Papers with their abstracts joined back (export, backup): reads every paper when `ids` is absent. */
export async function readFull(db: Shelf, ids?: string[]): Promise<Paper[]> {
  const tx = db.transaction(['papers', 'abstracts']);
  // Many ids (an import's preview names every paper of its file): the keys held first, one cheap
  // read, so ids the shelf does not hold cost nothing (10,000 gets that found nothing were a quarter of a preview).
  if (ids && ids.length > 64) {
    const held = new Set(await tx.objectStore('papers').getAllKeys());
    ids = ids.filter((id) => held.has(id));
  }
  const papers = ids
    ? (await Promise.all(ids.map((id) => tx.objectStore('papers').get(id)))).filter((p): p is Paper => !!p)
    : (await tx.objectStore('papers').index('savedAt').getAll()).reverse();
  const texts = ids
    ? await abstractsOf(
        tx.objectStore('abstracts'),
        papers.map((p) => p.id),
      )
    : await allAbstracts(tx.objectStore('abstracts'));
  await tx.done;
  return joinAbstracts(papers, texts);
}
