/**
 * The corpus: every paper card listed on a page we annotate, saved or not,
 * newest first within CORPUS_MAX records and CORPUS_BYTES (by when last
 * listed). What the ranking learns from besides the saved papers, and where
 * "seen" (the card was on screen) and "not relevant" (the user said so: a
 * negative for every tag's model) are kept. Written only here, in the
 * background, from what content scripts report.
 *
 * What a card says is page text, so from anyone: each record is cut to what a
 * listing shows (CARD_LIMITS), the whole corpus has a byte budget, and
 * eviction never takes a record the user marked "not relevant" (a page that
 * floods the corpus with fake cards cannot wash the user's marks out).
 */
import type { Shelf } from './db';
import { versionNumber } from '../shared/model';
import type { ListedCard } from '../shared/rank-wire';

export const CORPUS_MAX = 50_000;
/** The corpus's budget in UTF-16 code units of its text (about 2 bytes each on disk): ~40 MB. */
export const CORPUS_BYTES = 20_000_000;
/** What a listing shows of a paper: more is not a real card. */
export const CARD_LIMITS = { title: 300, authors: 50, author: 100, abstract: 4_000 } as const;
const BYTES_KEY = 'corpusBytes';

/** A card cut to CARD_LIMITS. */
export function clipCard<C extends ListedCard>(c: C): C {
  const out = { ...c, title: c.title.slice(0, CARD_LIMITS.title), authors: c.authors.slice(0, CARD_LIMITS.authors).map((a) => a.slice(0, CARD_LIMITS.author)) };
  if (c.abstract !== undefined) out.abstract = c.abstract.slice(0, CARD_LIMITS.abstract);
  return out;
}

/** What a record costs against CORPUS_BYTES: its text and a fixed overhead. */
export const entryBytes = (e: ListedCard) => 64 + e.id.length + e.title.length + (e.abstract?.length ?? 0) + e.authors.reduce((n, a) => n + a.length + 4, 0);

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

/** Records cards a page listed; returns the entries as stored (seen marks, versions). */
export async function recordListed(db: Shelf, listed: ListedCard[], now = Date.now()): Promise<Map<string, CorpusEntry>> {
  const cards = listed.map(clipCard);
  const tx = db.transaction(['corpus', 'meta'], 'readwrite');
  const store = tx.objectStore('corpus');
  const meta = tx.objectStore('meta');
  const old = await Promise.all(cards.map((c) => store.get(c.id)));
  let bytes = (await meta.get(BYTES_KEY))?.t ?? (await measure(store));
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
    if (
      o &&
      now - o.listedAt < 3_600_000 &&
      o.title === e.title &&
      o.abstract === e.abstract &&
      o.version === e.version &&
      o.authors.length === e.authors.length
    )
      return;
    bytes += entryBytes(e) - (o ? entryBytes(o) : 0);
    writes.push(store.put(e));
  });
  await Promise.all(writes);
  // The caps: the least recently listed go, except what the user marked "not relevant".
  let over = (await store.count()) - CORPUS_MAX;
  for (
    let c = over > 0 || bytes > CORPUS_BYTES ? await store.index('listedAt').openCursor() : null;
    c && (over > 0 || bytes > CORPUS_BYTES);
    c = await c.continue()
  ) {
    if (c.value.notRelevant) continue;
    bytes -= entryBytes(c.value);
    over--;
    await c.delete();
  }
  await meta.put({ key: BYTES_KEY, t: Math.max(0, bytes) });
  await tx.done;
  return out;
}

/** The corpus's size, counted once (a database from before the budget). */
async function measure(store: { openCursor(): Promise<{ value: CorpusEntry; continue(): Promise<unknown> } | null> }): Promise<number> {
  let n = 0;
  for (let c = await store.openCursor(); c; c = (await c.continue()) as typeof c) n += entryBytes(c.value);
  return n;
}

/** The corpus's size against CORPUS_BYTES, as kept. */
export async function corpusBytes(db: Shelf): Promise<number> {
  return (await db.get('meta', BYTES_KEY))?.t ?? 0;
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
  const e = (await tx.store.get(card.id)) ?? { ...clipCard(card), firstAt: now, listedAt: now };
  const { notRelevant: _, ...rest } = e;
  await tx.store.put(on ? { ...rest, notRelevant: now } : rest);
  await tx.done;
}

/** Up to `limit` papers listed since `since` (ms) that `keep` accepts, newest first; read with a cursor. */
export async function recentlyListed(db: Shelf, since: number, limit = Infinity, keep: (e: CorpusEntry) => boolean = () => true): Promise<CorpusEntry[]> {
  const out: CorpusEntry[] = [];
  const tx = db.transaction('corpus');
  for (let c = await tx.store.index('listedAt').openCursor(IDBKeyRange.lowerBound(since), 'prev'); c && out.length < limit; c = await c.continue()) {
    if (keep(c.value)) out.push(c.value);
  }
  await tx.done;
  return out;
}
