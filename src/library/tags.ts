/** Tags: one record per case-folded key, shared by every paper that carries it. */
import type { IDBPObjectStore, StoreNames } from 'idb';
import type { Shelf, ShelfDB } from './db';
import { putPaper, writeTx } from './write';
import { lastWrite, stamp } from './stamps';
import { tick } from './clock';
import { normaliseTag, tagHue, tagKey, type Tag, type TagCount } from '../shared/model';
import { t } from '../shared/i18n';

type TagStore<M extends IDBTransactionMode> = IDBPObjectStore<ShelfDB, StoreNames<ShelfDB>[], 'tags', M>;

export class TagError extends Error {}

/** The tag for a name, created on first use with the case as typed. */
export async function ensureTag(store: TagStore<'readwrite'>, name: string): Promise<Tag> {
  const display = normaliseTag(name);
  const key = tagKey(display);
  if (!key) throw new TagError(t('lib_tagNeedsLetter'));
  const have = await store.get(key);
  if (have) return have;
  const tag: Tag = { key, name: display, hue: tagHue(key) };
  await store.put(tag);
  return tag;
}

export async function tagNames(store: TagStore<IDBTransactionMode>, keys: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(keys)];
  const tags = await Promise.all(unique.map((k) => store.get(k)));
  return new Map(unique.map((k, i) => [k, tags[i]?.name ?? k]));
}

/**
 * Every tag with how many papers carry it, most used first. Given a `turn` (the popup: its searches
 * go first, popup/search-first.ts), the counts (one request per tag, each a walk of the index) go a
 * few at a time, each batch after its turn, in a transaction of its own; without one, all at once.
 */
export async function listTags(db: Shelf, turn?: () => Promise<void>): Promise<TagCount[]> {
  const batch = turn ? TAG_COUNT_BATCH : Number.POSITIVE_INFINITY;
  await turn?.();
  const tags = await db.getAll('tags');
  const counts: number[] = [];
  for (let i = 0; i < tags.length; i += batch) {
    await turn?.();
    const index = db.transaction('papers').store.index('tags');
    counts.push(...(await Promise.all(tags.slice(i, i + batch).map((t) => index.count(t.key)))));
  }
  return tags.map((tag, i) => ({ tag, count: counts[i] })).sort((a, b) => b.count - a.count || a.tag.name.localeCompare(b.tag.name));
}

/** Tag counts asked at once between two turns (listTags). */
const TAG_COUNT_BATCH = 4;

/** Moves every paper from tag `from` to tag `into` and deletes `from`. Returns the ids changed. */
export async function mergeTags(db: Shelf, from: string, into: string, wall = Date.now()): Promise<string[]> {
  if (from === into) return [];
  const tx = writeTx(db);
  const tags = tx.objectStore('tags');
  if (!(await tags.get(into))) throw new TagError(t('lib_tagNotFound', into));
  const papers = tx.objectStore('papers');
  const changed: string[] = [];
  const affected = await papers.index('tags').getAll(from);
  const now = await tick(tx, wall, ...affected.map(lastWrite));
  for (const p of affected) {
    const next = p.tags.includes(into) ? p.tags.filter((k) => k !== from) : p.tags.map((k) => (k === from ? into : k));
    await putPaper(tx, p, stamp({ ...p, tags: next }, ['tags'], now));
    changed.push(p.id);
  }
  await tags.delete(from);
  await tx.done;
  return changed;
}

/**
 * Renames a tag. Only the case or spacing changes: the display name changes.
 * The name of another existing tag: the two merge. Returns the ids changed.
 */
export async function renameTag(db: Shelf, key: string, name: string, wall = Date.now()): Promise<string[]> {
  const display = normaliseTag(name);
  const newKey = tagKey(display);
  if (!newKey) throw new TagError(t('lib_tagNeedsLetter'));
  const tx = writeTx(db);
  const tags = tx.objectStore('tags');
  const old = await tags.get(key);
  if (!old) throw new TagError(t('lib_tagNotFound', key));
  const papers = tx.objectStore('papers');
  const affected = await papers.index('tags').getAll(key);
  const now = await tick(tx, wall, old.updatedAt ?? 0, ...affected.map(lastWrite));
  if (newKey === key) {
    // Case or spacing only: no paper changes, so the tag carries the time of the rename for sync.
    await tags.put({ ...old, name: display, updatedAt: now });
  } else {
    if (!(await tags.get(newKey))) await tags.put({ key: newKey, name: display, hue: old.hue, updatedAt: now });
    for (const p of affected) {
      const next = p.tags.includes(newKey) ? p.tags.filter((k) => k !== key) : p.tags.map((k) => (k === key ? newKey : k));
      await putPaper(tx, p, stamp({ ...p, tags: next }, ['tags'], now));
    }
    await tags.delete(key);
  }
  await tx.done;
  return affected.map((p) => p.id);
}

/** Deletes a tag; its papers keep their other tags. Returns the ids changed. */
export async function deleteTag(db: Shelf, key: string, wall = Date.now()): Promise<string[]> {
  const tx = writeTx(db);
  const papers = tx.objectStore('papers');
  const affected = await papers.index('tags').getAll(key);
  const now = await tick(tx, wall, ...affected.map(lastWrite));
  for (const p of affected) await putPaper(tx, p, stamp({ ...p, tags: p.tags.filter((k) => k !== key) }, ['tags'], now));
  await tx.objectStore('tags').delete(key);
  await tx.done;
  return affected.map((p) => p.id);
}
