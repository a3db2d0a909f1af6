/**
 * What syncs through a WebDAV folder: the whole library, not the hint that fits
 * storage.sync. A state-based CRDT like sync-state.ts, and built on it:
 *
 * - `core`: sync-state.ts's SyncState, merged by its own `merge` (per-field
 *   times for tags, status and note, savedAt, tombstones, tags with colours).
 *   One merge of the library, whichever transport carries it.
 * - `meta`: a paper's metadata (title, authors, abstract, dates, version, …).
 *   Each field is a register of its own: the non-empty value with the latest
 *   time wins, ties by the value's JSON. So a later record wins, an empty
 *   field never erases one ("fill gaps"), and the join stays commutative,
 *   associative and idempotent (one time per record would not be: a field
 *   filled from an older record would then carry the newer time).
 * - `marks`: "not relevant" marks (corpus.ts), last write wins by time, an
 *   unmark is a mark with `on: false`.
 *
 * Not the ranking's models: they are rebuilt from what syncs. Pure; no browser API.
 */
import type { Paper } from '../../shared/model';
import { canonical, cmpStr, emptyState, fromLocal, maxTime, merge as mergeCore, type SyncPaper, type SyncState, type SyncTag } from '../sync-state';
import type { Tombstone } from '../db';

/** The metadata fields that sync, in this order in files. */
export const META_FIELDS = [
  'title',
  'authors',
  'abstract',
  'published',
  'version',
  'latestVersion',
  'upvotes',
  'organization',
  'thumbnail',
  'url',
  'source',
] as const;
export type MetaField = (typeof META_FIELDS)[number];

/** A paper's metadata: each field with the time of the write that set it. */
export interface MetaRecord {
  v: Partial<Record<MetaField, unknown>>;
  at: Partial<Record<MetaField, number>>;
}

export interface Mark {
  on: boolean;
  at: number;
}

export interface DavState {
  core: SyncState;
  meta: Map<string, MetaRecord>;
  marks: Map<string, Mark>;
}

export const emptyDav = (): DavState => ({ core: emptyState(), meta: new Map(), marks: new Map() });

/** Whether a metadata value says nothing (and so never wins over one that does). */
export function isEmptyMeta(id: string, f: MetaField, x: unknown): boolean {
  if (x === undefined || x === null || x === '') return true;
  if (Array.isArray(x)) return x.length === 0;
  return f === 'title' && x === `arXiv:${id}`;
}

const json = (x: unknown) => JSON.stringify(x);

/** The metadata of a local paper (its time: updatedAt, the last write of the record). */
export function metaOf(p: Paper): MetaRecord {
  const v: MetaRecord['v'] = {};
  const at: MetaRecord['at'] = {};
  const t = Math.max(p.updatedAt, p.savedAt);
  for (const f of META_FIELDS) {
    const x = (p as unknown as Record<string, unknown>)[f];
    if (!isEmptyMeta(p.id, f, x)) {
      v[f] = Array.isArray(x) ? [...x] : x;
      at[f] = t;
    }
  }
  return { v, at };
}

/** Joins two metadata records of one paper, field by field. */
export function joinMeta(a: MetaRecord, b: MetaRecord): MetaRecord {
  const out: MetaRecord = { v: {}, at: {} };
  for (const f of META_FIELDS) {
    const ta = a.at[f];
    const tb = b.at[f];
    let pick: MetaRecord | undefined;
    if (ta === undefined) pick = tb === undefined ? undefined : b;
    else if (tb === undefined) pick = a;
    // At the same time the greater value as JSON; the same value (an abstract, often) needs no JSON to say so.
    else pick = ta !== tb ? (ta > tb ? a : b) : a.v[f] === b.v[f] || cmpStr(json(a.v[f]), json(b.v[f])) >= 0 ? a : b;
    if (pick) {
      out.v[f] = pick.v[f];
      out.at[f] = pick.at[f]!;
    }
  }
  return out;
}

const joinMark = (a: Mark, b: Mark): Mark => (a.at !== b.at ? (a.at > b.at ? a : b) : a.on ? a : b);

function sortedMap<V>(m: Map<string, V>): Map<string, V> {
  return new Map([...m.keys()].sort(cmpStr).map((k) => [k, m.get(k)!]));
}

/** Joins two states: commutative, associative, idempotent. Neither input is changed. */
export function mergeDav(a: DavState, b: DavState): DavState {
  const meta = new Map(a.meta);
  for (const [id, r] of b.meta) {
    const have = meta.get(id);
    meta.set(id, have ? joinMeta(have, r) : r);
  }
  const marks = new Map(a.marks);
  for (const [id, m] of b.marks) {
    const have = marks.get(id);
    marks.set(id, have ? joinMark(have, m) : m);
  }
  return { core: mergeCore(a.core, b.core), meta: sortedMap(meta), marks: sortedMap(marks) };
}

/** Joins many states (the files of a folder). */
export function mergeAll(states: Iterable<DavState>): DavState {
  // One canonical() over everything: merging file by file would re-sort 10,000 papers per file.
  const papers: SyncPaper[] = [];
  const tombs: [string, number][] = [];
  const tags: SyncTag[] = [];
  let out: DavState = emptyDav();
  for (const s of states) {
    papers.push(...s.core.papers.values());
    tombs.push(...s.core.tombstones);
    tags.push(...s.core.tags.values());
    out = mergeDav({ ...out, core: emptyState() }, { ...s, core: emptyState() });
  }
  return { ...out, core: canonical(papers, tombs, tags) };
}

/** What a device holds: its library, abstracts joined, and its "not relevant" marks. */
export interface FullLocal {
  papers: Paper[];
  tags: import('../../shared/model').Tag[];
  tombstones: Tombstone[];
  /** Corpus entries marked not relevant: id → when. */
  marks: Map<string, number>;
}

/**
 * The state of this device. `lastMarks`: the marks the last round ended with;
 * a mark there that is no longer here was taken back by the user, which the
 * corpus does not record (it drops the field): it becomes an unmark later than the mark.
 */
export function fromLocalFull(local: FullLocal, lastMarks: Map<string, Mark>, wall: number): DavState {
  const core = fromLocal(local.papers, local.tags, local.tombstones);
  const meta = new Map<string, MetaRecord>();
  for (const p of local.papers) meta.set(p.id, metaOf(p));
  const marks = new Map<string, Mark>();
  // Corpus marks carry the wall clock of the device that made them: a mark made here after an
  // unmark seen in sync (from a device whose clock is ahead) is made later than that unmark.
  for (const [id, at] of local.marks) {
    const last = lastMarks.get(id);
    marks.set(id, { on: true, at: !last || (last.on && last.at === at) ? at : Math.max(at, last.at + (last.on ? 0 : 1)) });
  }
  for (const [id, m] of lastMarks) {
    if (!marks.has(id)) marks.set(id, m.on ? { on: false, at: Math.max(wall, m.at + 1) } : m);
  }
  return { core, meta: sortedMap(meta), marks: sortedMap(marks) };
}

// ------------------------------------------------------------------ delta

const samePaper = (a: SyncPaper, b: SyncPaper) => json(a) === json(b);

/** Two metadata values (numbers, strings, lists of strings) alike, as their JSON would be. */
function sameValue(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return json(x) === json(y);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/**
 * Two metadata records alike: the same fields, each with the same value and time. Field by field,
 * not as JSON: a record's JSON holds its abstract, and a first download compared 10,000 of them
 * twice per round (two JSON copies of the whole library each time, seconds of the worker's time).
 */
function sameMeta(a: MetaRecord, b: MetaRecord): boolean {
  if (a === b) return true;
  for (const f of META_FIELDS) if (a.at[f] !== b.at[f] || !sameValue(a.v[f], b.v[f])) return false;
  return true;
}

/**
 * The part of `full` that `base` does not have (full ⊒ base: full = merge(x, base)):
 * what a device writes so that the folder holds `full`. merge(base, delta) = full.
 */
export function delta(full: DavState, base: DavState): DavState {
  const papers = new Map<string, SyncPaper>();
  for (const [id, p] of full.core.papers) {
    const b = base.core.papers.get(id);
    if (!b || !samePaper(p, b)) papers.set(id, p);
  }
  const tombstones = new Map<string, number>();
  for (const [id, t] of full.core.tombstones) if (base.core.tombstones.get(id) !== t) tombstones.set(id, t);
  const tags = new Map<string, SyncTag>();
  for (const [k, t] of full.core.tags) {
    const b = base.core.tags.get(k);
    if (!b || json(b) !== json(t)) tags.set(k, t);
  }
  const meta = new Map<string, MetaRecord>();
  for (const [id, r] of full.meta) {
    const b = base.meta.get(id);
    if (!b || !sameMeta(r, b)) meta.set(id, r);
  }
  const marks = new Map<string, Mark>();
  for (const [id, m] of full.marks) {
    const b = base.marks.get(id);
    if (!b || b.on !== m.on || b.at !== m.at) marks.set(id, m);
  }
  return { core: { papers, tombstones, tags }, meta, marks };
}

export const isEmptyDav = (s: DavState) => !s.core.papers.size && !s.core.tombstones.size && !s.core.tags.size && !s.meta.size && !s.marks.size;

/** The latest time anywhere in a state. */
export function maxDavTime(s: DavState): number {
  let m = maxTime(s.core);
  for (const r of s.meta.values()) for (const f of META_FIELDS) if (r.at[f] !== undefined) m = Math.max(m, r.at[f]!);
  for (const k of s.marks.values()) m = Math.max(m, k.at);
  return m;
}

/** Two states hold the same library (compared in canonical form). */
export const sameDav = (a: DavState, b: DavState) => isEmptyDav(delta(a, b)) && isEmptyDav(delta(b, a));
