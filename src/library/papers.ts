/** Saved papers: the writes and reads behind the paper.* messages. */
import type { Shelf } from './db';
import { deletePapers, putPaper, writeTx } from './write';
import { abstractIn } from './abstracts';
import { mergeRef, updatedTo, versionNumber, type Paper, type PaperRef, type PaperStatus, type ReadingStatus } from '../shared/model';
import { ensureTag, tagNames } from './tags';
import { lastWrite, stamp } from './stamps';
import { importLibrary } from './import-write';
import { tick } from './clock';
import { toTrash } from './trash';

/**
 * A metadata-only write (a fuller title, an abstract) bumps updatedAt; the
 * field times must stay, or sync would take it for an edit of tags, status and note.
 */
const keepFieldTimes = (old: Paper) => ({
  fieldsAt: old.fieldsAt ?? { tags: old.updatedAt, status: old.updatedAt, note: old.updatedAt },
});

export function newPaper(ref: PaperRef, now: number): Paper {
  return { ...ref, savedAt: now, updatedAt: now, tags: [], status: 'to-read', note: '' };
}

/**
 * Saves a paper; saving again merges the new fields and keeps the first savedAt (idempotent by id).
 * A save after a removal is later than the removal (clock.ts), wherever the removal was made.
 */
export async function savePaper(db: Shelf, ref: PaperRef, wall = Date.now()): Promise<Paper> {
  const tx = writeTx(db);
  const old = await tx.objectStore('papers').get(ref.id);
  const grave = old ? undefined : await tx.objectStore('tombstones').get(ref.id);
  const now = await tick(tx, wall, old ? old.updatedAt : (grave?.deletedAt ?? 0));
  const paper: Paper = old ? { ...mergeRef(old, ref), ...keepFieldTimes(old), updatedAt: now } : newPaper(ref, now);
  await putPaper(tx, old, paper);
  // Saved again: no longer "recently removed" (an Undo would bring back its old tags too).
  if (!old) await tx.objectStore('trash').delete(ref.id);
  await tx.done;
  return paper;
}

/**
 * Completes a saved paper from a page that shows it with more (a paper saved
 * from a link has only an id). Never creates one: seeing is not saving.
 */
export async function completePaper(db: Shelf, ref: PaperRef, wall = Date.now()): Promise<boolean> {
  const tx = writeTx(db);
  const old = await tx.objectStore('papers').get(ref.id);
  if (!old || old.authors.length > 0) {
    await tx.done;
    return false;
  }
  const now = await tick(tx, wall, old.updatedAt);
  await putPaper(tx, old, { ...mergeRef(old, ref), ...keepFieldTimes(old), updatedAt: now });
  await tx.done;
  return true;
}

export async function unsavePaper(db: Shelf, id: string): Promise<boolean> {
  return (await removePapers(db, [id])).length > 0;
}

/**
 * Removes papers to the trash (trash.ts); returns the records removed (abstracts included).
 * The removal is later than every write of the papers it removes (clock.ts), so no copy
 * written before it, on any device, brings them back.
 */
export async function removePapers(db: Shelf, ids: string[], wall = Date.now()): Promise<Paper[]> {
  const tx = writeTx(db);
  const store = tx.objectStore('papers');
  const found = (await Promise.all(ids.map((id) => store.get(id)))).filter((p): p is Paper => !!p);
  if (!found.length) {
    await tx.done;
    return [];
  }
  const now = await tick(tx, wall, ...found.map(lastWrite));
  const texts = await Promise.all(found.map((p) => abstractIn(tx, p.id)));
  const out = found.map((p, i) => (texts[i] ? { ...p, abstract: texts[i] } : p));
  // Every write queued at once, then waited on: a removal of thousands is one pass over the index.
  const graves = tx.objectStore('tombstones');
  const writes: Promise<unknown>[] = [deletePapers(tx, out)];
  for (const whole of out) {
    // The tombstone goes with the removal, so sync can tell other browsers; not synced yet.
    writes.push(graves.put({ id: whole.id, deletedAt: now, learntAt: wall }), toTrash(tx, whole, wall, now));
  }
  await Promise.all(writes);
  await tx.done;
  return out;
}

/**
 * Puts removed papers back (undo): the same merge as an import, so the papers
 * come back stamped now and without their tombstones, and a paper saved again
 * meanwhile keeps what it has and gains what the removed record had.
 */
export async function restorePapers(db: Shelf, papers: Paper[], now = Date.now()): Promise<string[]> {
  const { ids, indexed } = await importLibrary(db, papers, [], now, { undo: true });
  await indexed;
  return ids;
}

/**
 * Applies `fn` to each paper that exists, in one transaction, at one logical time later
 * than every record it replaces; returns the updated records.
 */
export async function updatePapers(db: Shelf, ids: string[], fn: (p: Paper, now: number) => Paper | null, wall = Date.now()): Promise<Paper[]> {
  const tx = writeTx(db);
  const store = tx.objectStore('papers');
  const found = (await Promise.all(ids.map((id) => store.get(id)))).filter((p): p is Paper => !!p);
  if (!found.length) {
    await tx.done;
    return [];
  }
  const now = await tick(tx, wall, ...found.map(lastWrite));
  const out: Paper[] = [];
  for (const p of found) {
    const next = fn(p, now);
    if (!next) continue;
    next.updatedAt = now;
    await putPaper(tx, p, next);
    out.push(next);
  }
  await tx.done;
  return out;
}

export const setStatus = (db: Shelf, ids: string[], status: ReadingStatus, wall = Date.now()) =>
  updatePapers(db, ids, (p, now) => (p.status === status ? null : stamp({ ...p, status }, ['status'], now)), wall);

export const setNote = (db: Shelf, id: string, note: string, wall = Date.now()) =>
  updatePapers(db, [id], (p, now) => (p.note === note ? null : stamp({ ...p, note }, ['note'], now)), wall);

/**
 * Adds a tag to papers. A paper not saved yet is saved first when its ref is
 * given (tagging on a card saves the paper).
 */
export async function tagPapers(db: Shelf, ids: string[], name: string, ref?: PaperRef, wall = Date.now()): Promise<Paper[]> {
  const tx = writeTx(db);
  const tag = await ensureTag(tx.objectStore('tags'), name);
  const store = tx.objectStore('papers');
  const olds = await Promise.all(ids.map((id) => store.get(id)));
  // Tagging on a card saves an unsaved paper: later than its removal, if it had one.
  const saving = ref && ids.includes(ref.id) && !olds[ids.indexOf(ref.id)];
  const grave = saving ? await tx.objectStore('tombstones').get(ref.id) : undefined;
  const now = await tick(tx, wall, grave?.deletedAt ?? 0, ...olds.map((p) => (p ? lastWrite(p) : 0)));
  const out: Paper[] = [];
  for (const [i, id] of ids.entries()) {
    const old = olds[i];
    let p = old ?? (ref && ref.id === id ? newPaper(ref, now) : undefined);
    if (!p) continue;
    if (!p.tags.includes(tag.key)) p = stamp({ ...p, tags: [...p.tags, tag.key] }, ['tags'], now);
    await putPaper(tx, old, p);
    if (!old) await tx.objectStore('trash').delete(id);
    out.push(p);
  }
  await tx.done;
  return out;
}

export const untagPaper = (db: Shelf, id: string, key: string, wall = Date.now()) =>
  updatePapers(db, [id], (p, now) => (p.tags.includes(key) ? stamp({ ...p, tags: p.tags.filter((k) => k !== key) }, ['tags'], now) : null), wall);

/** Papers per getAll when the whole list is read. */
const LIST_SLICE = 1000;

/** Saved papers, newest first; `limit` reads only that many from the savedAt index. */
export async function listPapers(db: Shelf, limit?: number, offset = 0, turn?: () => Promise<void>): Promise<Paper[]> {
  if (limit === undefined && offset === 0) {
    // getAll beats a cursor walk by an order of magnitude at 10,000 papers. In slices, each its own
    // transaction: IndexedDB runs transactions on one store one after the other, so a search typed
    // meanwhile reads its hits between two slices instead of after 10,000 records. Not one snapshot:
    // a paper written between slices may be missing or older here; every write broadcasts its ids,
    // and a reader that must not miss one reads those again after (popup/App.tsx).
    const out: Paper[] = [];
    for (let after: string | undefined; ; ) {
      // The popup's searches go first (popup/search-first.ts): each slice waits for its turn.
      await turn?.();
      const slice = await db.getAll('papers', after === undefined ? null : IDBKeyRange.lowerBound(after, true), LIST_SLICE);
      for (const p of slice) out.push(p);
      if (slice.length < LIST_SLICE) break;
      after = slice[slice.length - 1].id;
    }
    // Newest first, as the savedAt index read backwards gives (ties: the greater id first).
    return out.sort((a, b) => b.savedAt - a.savedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  }
  const out: Paper[] = [];
  let cursor = await db.transaction('papers').store.index('savedAt').openCursor(null, 'prev');
  if (cursor && offset > 0) cursor = await cursor.advance(offset);
  while (cursor && (limit === undefined || out.length < limit)) {
    out.push(cursor.value);
    cursor = await cursor.continue();
  }
  return out;
}

export async function getPapers(db: Shelf, ids: string[]): Promise<Paper[]> {
  const tx = db.transaction('papers');
  const found = await Promise.all(ids.map((id) => tx.store.get(id)));
  await tx.done;
  return found.filter((p): p is Paper => !!p);
}

/**
 * The ids among `ids` that the papers store holds, read as keys: one getAllKeys per run of the
 * sorted ids that share their first four characters (an arXiv month; a listing's ids fall in one
 * or two), instead of a get per id. A 1,020-entry arXiv list against 10,000 papers, in a Chromium
 * extension page: 1,020 gets took 45 to 100 ms; 13 key reads and a get for each of the 102 saved,
 * 8 to 10 ms once warm (40 to 90 ms on the first reads after the import). The ranges
 * do not overlap, so however the ids spread, no key is read twice: at most the whole store's keys.
 */
async function heldAmong(store: { getAllKeys(range: IDBKeyRange): Promise<string[]> }, ids: string[]): Promise<Set<string>> {
  const runs: [string, string][] = [];
  for (const id of [...ids].sort()) {
    const last = runs.at(-1);
    if (last && last[1].slice(0, 4) === id.slice(0, 4)) last[1] = id;
    else runs.push([id, id]);
  }
  const keys = await Promise.all(runs.map(([lo, hi]) => store.getAllKeys(IDBKeyRange.bound(lo, hi))));
  return new Set(keys.flat());
}

/** What cards show: saved or not, and the tags' display names. */
export async function statusOf(db: Shelf, ids: string[]): Promise<Record<string, PaperStatus>> {
  const tx = db.transaction(['papers', 'tags']);
  const store = tx.objectStore('papers');
  const held = await heldAmong(store, ids);
  const papers = await Promise.all(ids.map((id) => (held.has(id) ? store.get(id) : undefined)));
  const names = await tagNames(
    tx.objectStore('tags'),
    papers.flatMap((p) => p?.tags ?? []),
  );
  await tx.done;
  const out: Record<string, PaperStatus> = {};
  ids.forEach((id, i) => {
    const p = papers[i];
    out[id] = p ? { saved: true, tags: p.tags.map((k) => names.get(k) ?? k), ...(p.authors.length ? {} : { incomplete: true }) } : { saved: false, tags: [] };
  });
  return out;
}

export const countPapers = (db: Shelf) => db.count('papers');

/** How many versions past the newest known a listing may announce: arXiv replacements come one or two at a time. */
export const VERSION_STEP = 2;

/**
 * arXiv replacements: a saved paper listed with a newer version than the one
 * saved gets `latestVersion` (a metadata write: no field is stamped, sync is
 * not concerned). A card is page text: a version more than VERSION_STEP past
 * what is known is believed only from the paper's own page (`ownPage`), so a
 * fake card cannot set "updated: v999" on a saved paper.
 * Returns, for the saved papers among `cards`, the newer version, and the ids written.
 */
export async function noteNewVersions(
  db: Shelf,
  cards: { id: string; version?: string }[],
  ownPage: string | null = null,
): Promise<{ updated: Map<string, string>; written: string[] }> {
  const updated = new Map<string, string>();
  const written: string[] = [];
  const withVersion = cards.filter((c) => c.version);
  if (!withVersion.length) return { updated, written };
  const tx = writeTx(db);
  const store = tx.objectStore('papers');
  for (const c of withVersion) {
    const p = await store.get(c.id);
    if (!p) continue;
    const known = Math.max(1, versionNumber(p.latestVersion), versionNumber(p.version)); // saved without a version: v1 at least
    const seen = versionNumber(c.version);
    if (seen > known && (seen - known <= VERSION_STEP || ownPage === c.id)) {
      await putPaper(tx, p, { ...p, latestVersion: c.version });
      written.push(c.id);
    }
    const latest = seen > known && (seen - known <= VERSION_STEP || ownPage === c.id) ? c.version : p.latestVersion;
    const now = updatedTo({ version: p.version, latestVersion: latest });
    if (now) updated.set(c.id, now);
  }
  await tx.done;
  return { updated, written };
}
