/**
 * What syncs, and the one merge of sync: a state-based CRDT, so any order of
 * merges converges. Pure; no browser API. The codec (sync-codec.ts) carries a
 * state through storage.sync, sync-patch.ts turns a merged state back into
 * local writes, sync.ts runs a round.
 *
 * - Per paper, one register per field, last write wins by the time of the write:
 *   tags (the whole list), status, note. Times are logical (clock.ts): a write is
 *   later than what it replaced, whatever the device's clock says. Ties at the
 *   same millisecond are broken by the value, so merge(a, b) equals merge(b, a).
 * - `savedAt` is a register too, the later save wins (a paper saved again after a
 *   removal must carry its new date); the title is only a hint that rides on it.
 * - A removal leaves a tombstone {id, deletedAt}. A field written at or before
 *   deletedAt is dead: it reads as its default (no tags, "to-read", no note); a
 *   paper whose every time is at or before deletedAt is gone. So an old copy on a
 *   browser that was offline never brings a paper back, a paper saved again
 *   afterwards does, and an edit made elsewhere after the removal keeps the paper
 *   with that edit only. Resetting per field (not per record) is what keeps merge
 *   associative when records and tombstones meet in any order.
 */
import { cleanText, type Paper, type ReadingStatus, type Tag } from '../shared/model';
import type { Tombstone } from './db';
import { fieldTime } from './stamps';

/** What syncs of a paper. */
export interface SyncPaper {
  id: string;
  /** 0: unknown (the paper lives only through an edit made after a removal). */
  savedAt: number;
  /** A hint for a paper new to a browser, at most TITLE_MAX characters. */
  title?: string;
  tags: string[];
  tagsAt: number;
  status: ReadingStatus;
  statusAt: number;
  /** undefined: not synced (left out for room); then noteAt is 0. */
  note?: string;
  noteAt: number;
}

export interface SyncTag {
  key: string;
  name: string;
  hue: number;
  /** Time of the last rename; 0 when the store does not record one. */
  at: number;
}

/** Papers and tombstones by id, tag records by key; maps are filled in key order. */
export interface SyncState {
  papers: Map<string, SyncPaper>;
  tombstones: Map<string, number>;
  tags: Map<string, SyncTag>;
}

export const emptyState = (): SyncState => ({ papers: new Map(), tombstones: new Map(), tags: new Map() });

/** Titles travel as a hint of at most this many characters, where room is left. */
export const TITLE_MAX = 80;

export const cmpStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
export const STATUS_INDEX: Record<ReadingStatus, number> = { 'to-read': 0, reading: 1, read: 2 };

/** The latest time anything of the record was written. */
export const lastChange = (p: SyncPaper) => Math.max(p.savedAt, p.tagsAt, p.statusAt, p.noteAt);

/** The latest time anywhere in a state: what a round has seen. */
export function maxTime(s: SyncState): number {
  let m = 0;
  for (const p of s.papers.values()) m = Math.max(m, lastChange(p));
  for (const t of s.tombstones.values()) m = Math.max(m, t);
  for (const t of s.tags.values()) m = Math.max(m, t.at);
  return m;
}

function titleHint(p: Paper): string | undefined {
  const t = cleanText(p.title);
  if (!t || t === `arXiv:${p.id}`) return undefined;
  if (t.length <= TITLE_MAX) return t;
  let cut = TITLE_MAX - 1;
  const c = t.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut--; // never split a surrogate pair
  return `${t.slice(0, cut).trimEnd()}…`;
}

function makePaper(p: SyncPaper): SyncPaper {
  // One shape (no undefined keys) so that equal states compare equal field by field.
  const out: SyncPaper = { id: p.id, savedAt: p.savedAt, tags: p.tags, tagsAt: p.tagsAt, status: p.status, statusAt: p.statusAt, noteAt: p.noteAt };
  if (p.title !== undefined) out.title = p.title;
  // A note not known here keeps its time: no older note may take its place (sync-items.ts paperRecord).
  if (p.note !== undefined) out.note = p.note;
  return out;
}

/**
 * The canonical form of a record under a tombstone: fields written at or before
 * deletedAt read as defaults written at deletedAt; null when nothing is newer.
 */
function normalizePaper(p: SyncPaper, deletedAt: number | undefined): SyncPaper | null {
  const q = makePaper(p);
  if (deletedAt === undefined) return q;
  if (lastChange(q) <= deletedAt) return null;
  if (q.savedAt <= deletedAt) {
    q.savedAt = 0;
    delete q.title;
  }
  if (q.tagsAt <= deletedAt) (q.tags = []), (q.tagsAt = deletedAt);
  if (q.statusAt <= deletedAt) (q.status = 'to-read'), (q.statusAt = deletedAt);
  if (q.noteAt <= deletedAt) (q.note = ''), (q.noteAt = deletedAt);
  return q;
}

/** Last write wins; at the same time the greater value, so the choice is the same on every side. */
const wins = (ta: number, tb: number, tie: () => number) => (ta !== tb ? ta > tb : tie() >= 0);

function cmpOptional(a: string | undefined, b: string | undefined, cmp: (a: string, b: string) => number): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return cmp(a, b);
}
const cmpTitle = (a: string | undefined, b: string | undefined) => cmpOptional(a, b, (x, y) => x.length - y.length || cmpStr(x, y));
const cmpNote = (a: string | undefined, b: string | undefined) => cmpOptional(a, b, cmpStr);

function joinPaper(a: SyncPaper, b: SyncPaper): SyncPaper {
  const saved = wins(a.savedAt, b.savedAt, () => cmpTitle(a.title, b.title)) ? a : b;
  const tags = wins(a.tagsAt, b.tagsAt, () => cmpStr(JSON.stringify(a.tags), JSON.stringify(b.tags))) ? a : b;
  const status = wins(a.statusAt, b.statusAt, () => STATUS_INDEX[a.status] - STATUS_INDEX[b.status]) ? a : b;
  const note = wins(a.noteAt, b.noteAt, () => cmpNote(a.note, b.note)) ? a : b;
  return makePaper({
    id: a.id,
    savedAt: saved.savedAt,
    title: saved.title,
    tags: tags.tags,
    tagsAt: tags.tagsAt,
    status: status.status,
    statusAt: status.statusAt,
    note: note.note,
    noteAt: note.noteAt,
  });
}

function joinTag(a: SyncTag, b: SyncTag): SyncTag {
  return wins(a.at, b.at, () => cmpStr(a.name, b.name) || a.hue - b.hue) ? a : b;
}

/** Builds a state in canonical form from loose parts: duplicates joined, tombstones applied, keys sorted. */
export function canonical(papers: Iterable<SyncPaper>, tombstones: Iterable<[string, number]>, tags: Iterable<SyncTag>): SyncState {
  const tomb = new Map<string, number>();
  for (const [id, t] of tombstones) tomb.set(id, Math.max(t, tomb.get(id) ?? -Infinity));
  const byId = new Map<string, SyncPaper>();
  for (const p of papers) {
    const have = byId.get(p.id);
    byId.set(p.id, have ? joinPaper(have, p) : p);
  }
  const tagMap = new Map<string, SyncTag>();
  for (const t of tags) {
    const have = tagMap.get(t.key);
    tagMap.set(t.key, have ? joinTag(have, t) : t);
  }
  const out = emptyState();
  for (const id of [...tomb.keys()].sort(cmpStr)) out.tombstones.set(id, tomb.get(id)!);
  for (const id of [...byId.keys()].sort(cmpStr)) {
    const p = normalizePaper(byId.get(id)!, tomb.get(id));
    if (p) out.papers.set(id, p);
  }
  for (const k of [...tagMap.keys()].sort(cmpStr)) out.tags.set(k, { ...tagMap.get(k)! });
  return out;
}

/** The state of this browser's library. Tags may carry an optional `updatedAt` (time of their last rename). */
export function fromLocal(papers: readonly Paper[], tags: readonly Tag[], tombstones: readonly Tombstone[]): SyncState {
  return canonical(
    papers.map((p) => {
      const title = titleHint(p);
      return {
        id: p.id,
        savedAt: p.savedAt,
        ...(title ? { title } : {}),
        tags: [...p.tags],
        tagsAt: fieldTime(p, 'tags'),
        status: p.status,
        statusAt: fieldTime(p, 'status'),
        // An empty note never written here (a paper created by sync whose note did not come
        // along) is unknown, not "cleared at time 0": so it says nothing, like the other side.
        ...(p.note === '' && fieldTime(p, 'note') === 0 ? { noteAt: 0 } : { note: p.note, noteAt: fieldTime(p, 'note') }),
      };
    }),
    tombstones.map((t) => [t.id, t.deletedAt] as [string, number]),
    tags.map((t) => ({ key: t.key, name: t.name, hue: t.hue, at: t.updatedAt ?? 0 })),
  );
}

/** Joins two states: commutative, associative, idempotent. Neither input is changed. */
export function merge(a: SyncState, b: SyncState): SyncState {
  return canonical([...a.papers.values(), ...b.papers.values()], [...a.tombstones, ...b.tombstones], [...a.tags.values(), ...b.tags.values()]);
}
