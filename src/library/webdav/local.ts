/**
 * The library's side of a WebDAV round: the whole library read for the state
 * (abstracts, marks included), and the merged state written back. Papers new
 * to this device (a first download, a device far behind) are written whole,
 * metadata and abstract with them, in one transaction (createNew), and indexed
 * for search in one more, which the round does not wait for. Everything else goes through sync-local.ts applySync,
 * the very write of storage.sync's rounds (per-field times, removals to the
 * trash, restores from it); metadata and "not relevant" marks follow in their
 * own transactions, each checked against what the store holds by then, so an
 * edit made meanwhile is kept.
 */
import type { Paper, Tag } from '../../shared/model';
import type { Shelf } from '../db';
import { abstractIn, flatten } from '../abstracts';
import { putNewPapers, putPaper, writeTx } from '../write';
import { fieldTime } from '../stamps';
import { observe } from '../clock';
import { REINDEX_KEY, writeIndex } from '../import-write';
import { applySync } from '../sync-local';
import { applyPatch, changesFor, type PaperPatch } from '../sync-patch';
import { TOMBSTONE_TTL } from '../sync';
import { cmpStr, maxTime } from '../sync-state';
import { entryBytes, type CorpusEntry } from '../corpus';
import { META_FIELDS, isEmptyMeta, type DavState, type FullLocal, type MetaRecord } from './state';

export async function readLocalFull(db: Shelf): Promise<FullLocal> {
  const tx = db.transaction(['papers', 'abstracts', 'tags', 'tombstones', 'corpus']);
  const [papers, abstracts, tags, tombstones, marked] = await Promise.all([
    tx.objectStore('papers').getAll(),
    tx.objectStore('abstracts').getAll(),
    tx.objectStore('tags').getAll(),
    tx.objectStore('tombstones').getAll(),
    tx.objectStore('corpus').index('notRelevant').getAll(),
  ]);
  await tx.done;
  const text = flatten(abstracts);
  return {
    papers: papers.map((p) => (text.has(p.id) ? { ...p, abstract: text.get(p.id) } : p)),
    tags,
    tombstones,
    marks: new Map(marked.filter((e) => typeof e.notRelevant === 'number').map((e) => [e.id, e.notRelevant!])),
  };
}

const json = (x: unknown) => JSON.stringify(x);

/** The paper with the merged metadata where it wins over what the paper holds; null when nothing changes. */
export function withMeta(p: Paper, rec: MetaRecord): Paper | null {
  const localAt = Math.max(p.updatedAt, p.savedAt);
  const next: Paper = { ...p };
  let latest = 0;
  for (const f of META_FIELDS) {
    const mv = rec.v[f];
    const mat = rec.at[f];
    if (mv === undefined || mat === undefined) continue;
    const lv = (p as unknown as Record<string, unknown>)[f];
    if (json(lv) === json(mv)) continue;
    // The same rule as state.ts joinMeta, with the record's time for each of its fields.
    if (isEmptyMeta(p.id, f, lv) || mat > localAt || (mat === localAt && cmpStr(json(mv), json(lv)) > 0)) {
      (next as unknown as Record<string, unknown>)[f] = Array.isArray(mv) ? [...mv] : mv;
      latest = Math.max(latest, mat);
    }
  }
  if (!latest) return null;
  // A metadata write: the field times of tags, status and note stay (papers.ts keepFieldTimes).
  next.fieldsAt = { tags: fieldTime(p, 'tags'), status: fieldTime(p, 'status'), note: fieldTime(p, 'note') };
  next.updatedAt = Math.max(p.updatedAt, latest);
  return next;
}

export interface Applied {
  /** Papers created, changed or removed here. */
  touched: string[];
  /** Papers created whole from the merge (createNew), as written. */
  created: Paper[];
  upserts: number;
  deletes: number;
  tags: boolean;
  marks: number;
}

/**
 * Creates the papers of `patches` (changesFor's creates) that the store still holds neither as a
 * paper nor in the trash, in one transaction: each as applySync would make it (applyPatch), with
 * the merged metadata as the metadata pass below would put on it (withMeta), and the merge's
 * tags (changesFor's) when it creates any. Their search
 * index is owed (noted under REINDEX_KEY in the same transaction): applyLocal writes it when its
 * other writes are done (catchUpIndex finishes it if that does not).
 * Returns the papers created; the others (saved here meanwhile, in the trash) are left to applySync.
 */
async function createNew(db: Shelf, patches: PaperPatch[], tags: readonly Tag[], merged: DavState, now: number): Promise<Paper[]> {
  if (!patches.length) return [];
  const tx = writeTx(db);
  const meta = tx.objectStore('meta');
  const writes: Promise<unknown>[] = [];
  const created: Paper[] = [];
  try {
    await observe(tx, now, maxTime(merged.core));
    const [held, trashed, pending] = await Promise.all([tx.objectStore('papers').getAllKeys(), tx.objectStore('trash').getAllKeys(), meta.get(REINDEX_KEY)]);
    const skip = new Set<string>([...held, ...trashed]);
    for (const patch of patches) {
      if (skip.has(patch.id)) continue;
      const p = applyPatch(undefined, patch)!;
      const rec = merged.meta.get(patch.id);
      // The placeholder's metadata (sync's title hint cut to 80 characters, a URL made from the id)
      // is no data: the folder's fields replace it. Compared as values at the same time, the cut
      // title ("…" sorts late) won, and the device wrote it back to the folder.
      const base = { ...p } as Record<string, unknown>;
      if (rec) for (const f of META_FIELDS) if (rec.v[f] !== undefined) delete base[f];
      created.push((rec && withMeta(base as unknown as Paper, rec)) ?? p);
    }
    putNewPapers(tx, created);
    // The tags the merge brings, as applySync would put them: in this transaction, not in one of
    // their own that would queue behind every read of the papers started meanwhile.
    if (created.length) for (const t of tags) writes.push(tx.objectStore('tags').put(t));
    // Noted in the same transaction: the index of these papers is owed until writeIndex ends.
    if (created.length) writes.push(meta.put({ key: REINDEX_KEY, t: 0, ids: [...new Set([...(pending?.ids ?? []), ...created.map((p) => p.id)])] }));
    // A put that fails aborts the transaction, whose error is the put's: tx.done says it.
    for (const w of writes) w.catch(() => {});
    await tx.done;
  } catch (e) {
    for (const w of writes) w.catch(() => {}); // after an abort every queued request rejects: the first error is the one
    try {
      tx.abort();
    } catch {
      // already aborted by the failed request
    }
    await tx.done.catch(() => {});
    throw e;
  }
  return created;
}

/**
 * The search index of papers createNew wrote, in a transaction of its own, not waited for: the
 * papers are readable already, and at 10,000 papers the terms are seconds of work. A search made
 * once it is open queues behind it and finds these papers. Opened after the round's other writes,
 * which would otherwise queue behind it (it holds `meta`); and, with `indexLater`, after the
 * round's own remaining work, which its terms (computed on the same thread, a chunk after each
 * read) slowed down by seconds. If it does not finish, the REINDEX_KEY note written with the
 * papers makes catchUpIndex write it at the next start.
 */
function indexCreated(db: Shelf, created: readonly Paper[]): void {
  if (!created.length) return;
  writeIndex(
    db,
    created.map((p) => [p.id, null, p] as const),
  ).catch((e) => console.warn('PaperShelf: the search index of the papers a WebDAV round created is left to the next start', e));
}

/**
 * Writes `merged` (= merge(local's state, the folder's)) into the library. The search index of
 * the papers it created is opened when it returns, or, given `indexLater`, handed to it as a
 * function to call once the round is otherwise done (before the pages hear of the change, so that
 * a search they make then queues behind the index).
 */
export async function applyLocal(
  db: Shelf,
  merged: DavState,
  local: FullLocal,
  now: number,
  opts: { indexLater?: (start: () => void) => void } = {},
): Promise<Applied> {
  const changes = changesFor(local.papers, merged.core, local.tags);
  const createdPapers = await createNew(
    db,
    changes.upserts.filter((p) => p.create),
    changes.tags,
    merged,
    now,
  );
  try {
    return await applyRest(db, merged, local, now, changes, createdPapers);
  } finally {
    const start = () => indexCreated(db, createdPapers);
    if (opts.indexLater && createdPapers.length) opts.indexLater(start);
    else start();
  }
}

/** applyLocal's writes after createNew: changes through applySync, metadata, "not relevant" marks. */
async function applyRest(
  db: Shelf,
  merged: DavState,
  local: FullLocal,
  now: number,
  changes: ReturnType<typeof changesFor>,
  createdPapers: Paper[],
): Promise<Applied> {
  const created = new Set(createdPapers.map((p) => p.id));
  // Papers created, and with them the tags (createNew put them).
  const rest = created.size ? { ...changes, upserts: changes.upserts.filter((p) => !created.has(p.id)), tags: [] } : changes;
  const mine = new Map(local.tombstones.map((t) => [t.id, t.deletedAt]));
  // A removal learnt elsewhere is kept here too; old ones (collected here) are not written again and again.
  const held = new Map(local.papers.map((p) => [p.id, p]));
  const graves = [...merged.core.tombstones].some(([id, t]) => mine.get(id) !== t && t >= now - TOMBSTONE_TTL && !((held.get(id)?.updatedAt ?? 0) > t));
  const touched = new Set<string>(created);
  if (rest.upserts.length || rest.deletes.length || rest.tags.length || graves) {
    for (const id of await applySync(db, rest, merged.core, now)) touched.add(id);
  }

  // Metadata: only papers whose merged record says something this device's does not (those just created have it).
  const have = new Map(local.papers.map((p) => [p.id, p]));
  const want: [string, MetaRecord][] = [];
  for (const [id, rec] of merged.meta) {
    if (!merged.core.papers.has(id) || created.has(id)) continue;
    const p = have.get(id);
    if (!p || withMeta(p, rec)) want.push([id, rec]);
  }
  if (want.length) {
    const tx = writeTx(db);
    const store = tx.objectStore('papers');
    for (const [id, rec] of want) {
      const current = await store.get(id);
      if (!current) continue;
      const abstract = await abstractIn(tx, id);
      const whole = abstract ? { ...current, abstract } : current;
      const next = withMeta(whole, rec);
      if (next) {
        await putPaper(tx, current, next);
        touched.add(id);
      }
    }
    await tx.done;
  }

  // "Not relevant" marks.
  let marks = 0;
  const changed = [...merged.marks].filter(([id, m]) => (m.on ? local.marks.get(id) !== m.at : local.marks.has(id) && local.marks.get(id)! <= m.at));
  if (changed.length) {
    const tx = db.transaction(['corpus', 'meta'], 'readwrite');
    const corpus = tx.objectStore('corpus');
    let added = 0;
    for (const [id, m] of changed) {
      const e = await corpus.get(id);
      if (m.on) {
        if (e?.notRelevant === m.at) continue;
        const r = merged.meta.get(id)?.v;
        // A paper never listed here: recorded from what sync knows of it, listed "never" (not in the digest).
        const base: CorpusEntry = e ?? {
          id,
          title: typeof r?.title === 'string' ? r.title : '',
          authors: Array.isArray(r?.authors) ? (r!.authors as string[]) : [],
          firstAt: m.at,
          listedAt: 0,
        };
        if (!e) added += entryBytes(base);
        await corpus.put({ ...base, notRelevant: m.at });
        marks++;
      } else if (e?.notRelevant !== undefined && e.notRelevant <= m.at) {
        const { notRelevant: _, ...rest } = e;
        await corpus.put(rest);
        marks++;
      }
    }
    if (added) {
      const meta = tx.objectStore('meta');
      const bytes = (await meta.get('corpusBytes'))?.t;
      if (bytes !== undefined) await meta.put({ key: 'corpusBytes', t: bytes + added });
    }
    await tx.done;
  }
  return {
    touched: [...touched],
    created: createdPapers,
    upserts: changes.upserts.length,
    deletes: changes.deletes.length,
    tags: changes.tags.length > 0,
    marks,
  };
}
