/**
 * The corpus: every paper card listed on a page we annotate, saved or not,
 * newest 50,000 (by when last listed). What the ranking learns from besides the
 * saved papers, and where "seen" (the card was on screen) and "not relevant"
 * (the user said so: a negative for every tag's model) are kept. Written only
 * here, in the background, from what content scripts report.
 */
import type { Shelf } from './db';
import { versionNumber } from '../shared/model';

export const CORPUS_MAX = 50_000;

export interface CorpusEntry {
  id: string;
  title: string;
  authors: string[];
  abstract?: string;
  /** Newest version a listing showed ("v3"). */
  version?: string;
  /** First and last time a listing showed it. */
  firstAt: number;
  listedAt: number;
  /** First time the card was on screen. */
  seenAt?: number;
  /** When the user marked it not relevant. */
  notRelevant?: number;
}

export interface ListedCard {
  id: string;
  title: string;
  authors: string[];
  abstract?: string;
  version?: string;
}


/** Records cards a page listed; returns the entries as stored (seen marks, versions). */
export async function recordListed(db: Shelf, cards: ListedCard[], now = Date.now()): Promise<Map<string, CorpusEntry>> {
  const tx = db.transaction('corpus', 'readwrite');
  const store = tx.store;
  const old = await Promise.all(cards.map((c) => store.get(c.id)));
  const out = new Map<string, CorpusEntry>();
  const writes: Promise<unknown>[] = [];
  cards.forEach((c, i) => {
    const o = old[i];
    const e: CorpusEntry = {
      ...o,
      id: c.id,
      // A compact card (no abstract, short author list) never erases what a full one told.
      title: c.title || o?.title || '',
      authors: c.authors.length ? c.authors : (o?.authors ?? []),
      ...(c.abstract || o?.abstract ? { abstract: c.abstract || o?.abstract } : {}),
      ...(versionNumber(c.version) >= versionNumber(o?.version) && c.version ? { version: c.version } : {}),
      firstAt: o?.firstAt ?? now,
      listedAt: now,
    };
    out.set(c.id, e);
    // Listed again within the hour and nothing new: no write (a page re-rendering must not churn the store).
    if (o && now - o.listedAt < 3_600_000 && o.title === e.title && o.abstract === e.abstract && o.version === e.version && o.authors.length === e.authors.length) return;
    writes.push(store.put(e));
  });
  await Promise.all(writes);
  // The cap: the least recently listed go.
  let over = (await store.count()) - CORPUS_MAX;
  for (let c = over > 0 ? await store.index('listedAt').openCursor() : null; c && over > 0; c = await c.continue(), over--) await c.delete();
  await tx.done;
  return out;
}

/** Marks cards seen (they were on screen); the first time only. */
export async function markSeen(db: Shelf, ids: string[], now = Date.now()): Promise<number> {
  const tx = db.transaction('corpus', 'readwrite');
  let n = 0;
  for (const e of await Promise.all(ids.map((id) => tx.store.get(id)))) {
    if (e && !e.seenAt) {
      n++;
      void tx.store.put({ ...e, seenAt: now });
    }
  }
  await tx.done;
  return n;
}

/** Marks a card not relevant (or takes it back). A paper never listed is recorded from what the card showed. */
export async function setNotRelevant(db: Shelf, card: ListedCard, on: boolean, now = Date.now()): Promise<void> {
  const tx = db.transaction('corpus', 'readwrite');
  const e = (await tx.store.get(card.id)) ?? { ...card, firstAt: now, listedAt: now };
  const { notRelevant: _, ...rest } = e;
  await tx.store.put(on ? { ...rest, notRelevant: now } : rest);
  await tx.done;
}

/** The papers listed since `since` (ms), newest first. */
export async function recentlyListed(db: Shelf, since: number): Promise<CorpusEntry[]> {
  return (await db.getAllFromIndex('corpus', 'listedAt', IDBKeyRange.lowerBound(since))).reverse();
}
