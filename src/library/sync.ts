/**
 * Sync of the library through the browser's own sync area (`storage.sync`:
 * Chrome Sync, Firefox Sync), with no server. This module is the pure engine:
 * it never touches a browser API; `syncOnce` takes the sync area and the local
 * store as an injected interface.
 *
 * The model (a state-based CRDT, so any order of merges converges):
 * - Per paper, one register per field, last write wins by the time of the write:
 *   tags (the whole list), status, note. Ties at the same millisecond are broken
 *   by the value, so merge(a, b) equals merge(b, a).
 * - `savedAt` is a register too, the later save wins (a paper saved again after a
 *   removal must carry its new date); the title is only a hint that rides on it.
 * - A removal leaves a tombstone {id, deletedAt}. A field written at or before
 *   deletedAt is dead: it reads as its default (no tags, "to-read", no note); a
 *   paper whose every time is at or before deletedAt is gone. So an old copy on a
 *   browser that was offline never brings a paper back, a paper saved again
 *   afterwards does, and an edit made elsewhere after the removal keeps the paper
 *   with that edit only. Resetting per field (not per record) is what keeps merge
 *   associative when records and tombstones meet in any order.
 * - What does not fit the quota is left out, never written as empty: a note left
 *   out reads as "unknown" on the other side and never erases a note there.
 *
 * The format (version 1, see `encode`): a manifest `m` and chunk items
 * `p:<h>` (papers and tombstones, in id order), `t:<h>` (tag names). Chunk
 * boundaries are content-defined (after an id that hashes to 0 mod 16; see
 * chunk) and a chunk is named by the hash of its closing id, so an edit, save or
 * removal rewrites its chunk and the manifest, not the chunks after it.
 */
import * as v from 'valibot';
import { PaperSchema, TagSchema } from '../shared/messages';
import { t } from '../shared/i18n';
import { absUrl, cleanText, READING_STATUSES, tagHue, type Paper, type ReadingStatus, type Tag } from '../shared/model';
import { fieldTime, lastWrite, type FieldsAt } from './stamps';

export { fieldTime, stamp, type FieldsAt } from './stamps';

export const FORMAT_VERSION = 1;

/** chrome.storage.sync's quotas; Firefox's storage.sync has the same byte and item limits. */
export const QUOTA = { bytes: 102_400, perItem: 8_192, items: 512, writesPerMinute: 120, writesPerHour: 1_800 } as const;
/** What encode allows itself: 95% of each quota. */
export const LIMITS = {
  bytes: Math.floor(QUOTA.bytes * 0.95),
  perItem: Math.floor(QUOTA.perItem * 0.95),
  items: Math.floor(QUOTA.items * 0.95),
} as const;

const DAY = 86_400_000;
/** Tombstones older than this are no longer synced (a browser offline longer may bring a paper back). */
export const TOMBSTONE_TTL = 60 * DAY;
/** Tombstones take at most this share of the bytes; the newest are kept. */
const TOMBSTONE_SHARE = 0.2;
/** Titles travel as a hint of at most this many characters, where room is left. */
export const TITLE_MAX = 80;
/** Largest note or title decode accepts: a record must fit one item anyway. */
const NOTE_IN_SYNC_MAX = QUOTA.perItem;
const TITLE_IN_SYNC_MAX = 200;
const MAX_TIME = 8.64e15;

// ---------------------------------------------------------------------------
// Types

/** A stored paper that may carry per-field times (the store may add them; see fieldTime). */
export type SyncedPaper = Paper & { fieldsAt?: FieldsAt };

export interface Tombstone {
  id: string;
  deletedAt: number;
}

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

// ---------------------------------------------------------------------------
// Small helpers

const cmpStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const STATUS_INDEX: Record<ReadingStatus, number> = { 'to-read': 0, reading: 1, read: 2 };
const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** The latest time anything of the record was written. */
export const lastChange = (p: SyncPaper) => Math.max(p.savedAt, p.tagsAt, p.statusAt, p.noteAt);

/** FNV-1a, 32 bits: chunk boundaries and names. */
function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Bytes of a string in UTF-8, as Chrome counts a value's JSON; never less than `.length`. */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff) i++, (n += 2); // a pair: 2 units, 4 bytes
    else n += 2;
  }
  return n;
}

/** What one item costs against the quotas: key plus JSON of the value. */
export const itemBytes = (key: string, value: unknown) => utf8Length(key) + utf8Length(JSON.stringify(value));

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
  if (p.note !== undefined) out.note = p.note;
  else out.noteAt = 0;
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

function cmpTitle(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return a.length - b.length || cmpStr(a, b);
}

function cmpNote(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return cmpStr(a, b);
}

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
function canonical(papers: Iterable<SyncPaper>, tombstones: Iterable<[string, number]>, tags: Iterable<SyncTag>): SyncState {
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

// ---------------------------------------------------------------------------
// Local ⇄ sync state

/** The state of this browser's library. Tags may carry an optional `updatedAt` (time of their last rename). */
export function fromLocal(papers: readonly SyncedPaper[], tags: readonly Tag[], tombstones: readonly Tombstone[]): SyncState {
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
  return canonical(
    [...a.papers.values(), ...b.papers.values()],
    [...a.tombstones, ...b.tombstones],
    [...a.tags.values(), ...b.tags.values()],
  );
}

// ---------------------------------------------------------------------------
// Encoding
//
// m          {v: 1, k: [chunk keys in order], at: base36 ms of the write, d?: the writer's device name}
//            (no counts: how many papers a browser leaves out depends on its own library, and a
//            manifest that differed between browsers would be written back and forth for ever)
// p:<h>      [entry, …] papers and tombstones, in id order (a removal replaces a paper by its tombstone in place)
//            tombstone = [id, deletedAt base36]
//            record = [id, savedAt, status, tags, tagsAt, statusAt, noteAt?, note?, title?]
//              savedAt: base36 ms, or 0 when unknown
//              status: 0 to-read, 1 reading, 2 read
//              tags: tag keys, in the order added
//              tagsAt: ms after savedAt; statusAt: after tagsAt; noteAt: after statusAt;
//                each base36 ("-…" when before) or the number 0
//              6 entries: the note is not synced (no room), no title
//              7 entries: the note is '' (synced: an empty note clears one elsewhere)
//              8 entries: the note
//              9 entries: the note, or 0 when not synced (noteAt 0 then), and the title hint
// t:<h>      [[key, name or 0 when name === key, hue, at base36 or 0], …] tags used by synced papers
// <h>        base36 FNV-1a of the chunk's closing record's id, or "_" for the open last chunk

const STREAMS = { papers: 'p:', tags: 't:' } as const;
/** A chunk closes after an id whose hash has these bits 0: about 16 papers, 32 tags. */
const MASK = { 'p:': 15, 't:': 31 } as const;
const KEY_RE = /^(?:m|[pt]:(?:_|[0-9a-z]{1,7})(?:\.\d{1,3})?)$/;

/** Whether a storage.sync key belongs to this format (other settings may share the area). */
export const isSyncKey = (key: string) => KEY_RE.test(key);

const b36 = (t: number) => (t === 0 ? 0 : t.toString(36));

function paperRecord(p: SyncPaper, withNote: boolean, withTitle: boolean): unknown[] {
  // Each time relative to the one before: a paper edited once has 0, 0 for the last two.
  const r: unknown[] = [p.id, b36(p.savedAt), STATUS_INDEX[p.status], p.tags, b36(p.tagsAt - p.savedAt), b36(p.statusAt - p.tagsAt)];
  const note = p.note !== undefined && (p.note === '' || withNote);
  const title = withTitle && p.title !== undefined;
  if (note) r.push(b36(p.noteAt - p.statusAt));
  else if (title) r.push(0);
  if (title) r.push(note ? p.note : 0, p.title);
  else if (note && p.note !== '') r.push(p.note);
  return r;
}

const tagRecord = (t: SyncTag): unknown[] => [t.key, t.name === t.key ? 0 : t.name, t.hue, b36(t.at)];

interface Rec {
  id: string;
  json: string;
  bytes: number;
}

const rec = (id: string, value: unknown[]): Rec => {
  const json = JSON.stringify(value);
  return { id, json, bytes: utf8Length(json) };
};

/**
 * Content-defined chunks, so that boundaries move only where records change.
 * A chunk ends after a record whose id hash has the `mask` bits 0. A run too big
 * for an item is cut at the ids with 2 low bits 0, then 1 bit, then by size: the
 * cut depends on that run alone, so an edit elsewhere moves nothing. A chunk is
 * named by its closing record's hash; the open last one is "_".
 * Returns [key, JSON of the value].
 */
function chunk(prefix: string, recs: Rec[], mask: number): [string, string][] {
  // Room for the value: the item less its longest key ("p:" + 7 + ".999").
  const room = LIMITS.perItem - (prefix.length + 11);
  const size = (run: Rec[]) => run.reduce((n, r) => n + r.bytes + 1, 1);
  const cut = (run: Rec[], m: number) => {
    const parts: Rec[][] = [];
    let cur: Rec[] = [];
    for (const r of run) {
      cur.push(r);
      if ((fnv(r.id) & m) === 0) parts.push(cur), (cur = []);
    }
    if (cur.length) parts.push(cur);
    return parts;
  };
  const fit = (run: Rec[], masks: number[]): Rec[][] => {
    if (size(run) <= room) return [run];
    if (masks.length) return cut(run, masks[0]).flatMap((part) => fit(part, masks.slice(1)));
    const parts: Rec[][] = [[]];
    let n = 1;
    for (const r of run) {
      if (parts[parts.length - 1].length && n + r.bytes + 1 > room) parts.push([]), (n = 1);
      parts[parts.length - 1].push(r);
      n += r.bytes + 1;
    }
    return parts;
  };
  const pieces = cut(recs, mask).flatMap((run) => fit(run, [3, 1]));
  const out: [string, string][] = [];
  const used = new Set<string>();
  pieces.forEach((piece, i) => {
    const last = piece[piece.length - 1].id;
    const closed = i < pieces.length - 1 || (fnv(last) & mask) === 0;
    const name = closed ? fnv(last).toString(36) : '_';
    let key = prefix + name;
    for (let n = 2; used.has(key); n++) key = `${prefix}${name}.${n}`;
    used.add(key);
    out.push([key, `[${piece.map((r) => r.json).join(',')}]`]);
  });
  return out;
}

export interface Encoded {
  /** Every item of the format, to compare with what the area holds (diffItems). */
  items: Record<string, unknown>;
  /** Papers synced. */
  included: number;
  /** Papers left out for room (oldest by last change), or because one alone exceeds an item. */
  excluded: number;
  /** Notes left out for room (their papers sync without them). */
  notesLeftOut: number;
  /** Tombstones left out for room (the oldest); expired ones are not counted. */
  tombstonesLeftOut: number;
  /** Sum over items of key length + JSON length, in UTF-8 bytes (what the quota counts). */
  bytes: number;
}

interface Plan {
  papers: { p: SyncPaper; note: boolean; title: boolean }[];
  tombstones: [string, number][];
  tags: SyncTag[];
  excluded: number;
  notesLeftOut: number;
  tombstonesLeftOut: number;
}

/** What goes in, in `budget` bytes of records: tombstones (capped), papers bare, then notes, then titles, newest first. */
function plan(order: SyncPaper[], tombs: [string, number][], tags: Map<string, SyncTag>, budget: number): Plan {
  let used = 0;
  const tombstones: [string, number][] = [];
  for (const [id, t] of tombs) {
    const c = rec(id, [id, b36(t)]).bytes + 1;
    if (used + c > budget * TOMBSTONE_SHARE) break;
    used += c;
    tombstones.push([id, t]);
  }
  // A record must fit an item beside its key, the brackets and a tombstone of its own id.
  const itemRoom = LIMITS.perItem - 128;
  const chosen: { p: SyncPaper; bare: number; note: boolean; title: boolean }[] = [];
  const tagKeys = new Set<string>();
  const tagOut: SyncTag[] = [];
  let excluded = 0;
  let full = false;
  for (const p of order) {
    if (full) {
      excluded++;
      continue;
    }
    const bare = rec(p.id, paperRecord(p, false, false)).bytes + 1;
    if (bare > itemRoom) {
      excluded++; // one paper larger than an item (a thousand long tags): it cannot sync
      continue;
    }
    let c = bare;
    const newTags: SyncTag[] = [];
    for (const k of p.tags) {
      const t = tags.get(k);
      if (t && !tagKeys.has(k) && !newTags.includes(t)) {
        newTags.push(t);
        c += rec(k, tagRecord(t)).bytes + 1;
      }
    }
    if (used + c > budget) {
      full = true; // newest first: nothing older goes in ahead of a newer paper
      excluded++;
      continue;
    }
    used += c;
    for (const t of newTags) tagKeys.add(t.key), tagOut.push(t);
    chosen.push({ p, bare, note: false, title: false });
  }
  let notesLeftOut = 0;
  for (const c of chosen) {
    if (!c.p.note) continue; // '' is in the bare record; undefined is unknown here too
    const withNote = rec(c.p.id, paperRecord(c.p, true, false)).bytes + 1;
    if (withNote <= itemRoom && used + withNote - c.bare <= budget) {
      used += withNote - c.bare;
      c.bare = withNote;
      c.note = true;
    } else notesLeftOut++;
  }
  for (const c of chosen) {
    if (c.p.title === undefined) continue;
    const withTitle = rec(c.p.id, paperRecord(c.p, c.note, true)).bytes + 1;
    if (withTitle <= itemRoom && used + withTitle - c.bare <= budget) {
      used += withTitle - c.bare;
      c.bare = withTitle;
      c.title = true;
    }
  }
  return { papers: chosen, tombstones, tags: tagOut, excluded, notesLeftOut, tombstonesLeftOut: tombs.length - tombstones.length };
}

function build(pl: Plan, now: number, device: string | undefined) {
  // One entry per id, its tombstone first when it has both (saved again after a removal).
  const byId = new Map<string, string[]>();
  for (const [id, t] of pl.tombstones) byId.set(id, [JSON.stringify([id, b36(t)])]);
  for (const c of pl.papers) {
    const json = JSON.stringify(paperRecord(c.p, c.note, c.title));
    const have = byId.get(c.p.id);
    if (have) have.push(json);
    else byId.set(c.p.id, [json]);
  }
  const paperRecs = [...byId.keys()].sort(cmpStr).map((id): Rec => {
    const json = byId.get(id)!.join(',');
    return { id, json, bytes: utf8Length(json) };
  });
  const tagRecs = [...pl.tags].sort((a, b) => cmpStr(a.key, b.key)).map((t) => rec(t.key, tagRecord(t)));
  const chunks = [...chunk(STREAMS.tags, tagRecs, MASK['t:']), ...chunk(STREAMS.papers, paperRecs, MASK['p:'])];
  const manifest: Record<string, unknown> = { v: FORMAT_VERSION, k: chunks.map(([k]) => k), at: now.toString(36) };
  if (device) manifest.d = device.slice(0, 64);
  const items: Record<string, unknown> = { m: manifest };
  let bytes = itemBytes('m', manifest);
  let biggest = bytes;
  for (const [k, json] of chunks) {
    items[k] = JSON.parse(json);
    const b = utf8Length(k) + utf8Length(json);
    bytes += b;
    biggest = Math.max(biggest, b);
  }
  return { items, bytes, biggest, count: chunks.length + 1 };
}

/**
 * The items that hold `state` in storage.sync, within LIMITS: the newest
 * papers first (by last change), notes after every paper that fits, titles last;
 * tombstones younger than TOMBSTONE_TTL, newest first, within a fifth of the room.
 */
export function encode(state: SyncState, now: number, opts: { device?: string } = {}): Encoded {
  const order = [...state.papers.values()].sort((a, b) => lastChange(b) - lastChange(a) || cmpStr(a.id, b.id));
  const tombs = [...state.tombstones].filter(([, t]) => t >= now - TOMBSTONE_TTL).sort((a, b) => b[1] - a[1] || cmpStr(a[0], b[0]));
  // Records take the room less the manifest and chunk framing; measured exactly after, and retried smaller if over.
  let budget = LIMITS.bytes - 2_000;
  for (;;) {
    const pl = plan(order, tombs, state.tags, Math.max(0, budget));
    const out = build(pl, now, opts.device);
    if ((out.bytes <= LIMITS.bytes && out.count <= LIMITS.items && out.biggest <= LIMITS.perItem) || budget <= 0) {
      return {
        items: out.items,
        included: pl.papers.length,
        excluded: pl.excluded,
        notesLeftOut: pl.notesLeftOut,
        tombstonesLeftOut: pl.tombstonesLeftOut,
        bytes: out.bytes,
      };
    }
    budget -= Math.max(256, out.bytes - LIMITS.bytes + 256, (out.count - LIMITS.items) * 512);
  }
}

// ---------------------------------------------------------------------------
// Decoding: items come from another browser, so from anyone: validated, never trusted.

const IdSchema = PaperSchema.entries.id;
const TagsSchema = PaperSchema.entries.tags;
const TagKeySchema = TagSchema.entries.key;
const TagNameSchema = TagSchema.entries.name;
const HueSchema = TagSchema.entries.hue;
const NoteSchema = v.pipe(v.string(), v.maxLength(NOTE_IN_SYNC_MAX));
const TitleSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(TITLE_IN_SYNC_MAX));
const B36 = /^-?[0-9a-z]{1,11}$/;

const ManifestSchema = v.looseObject({
  v: v.literal(FORMAT_VERSION),
  k: v.pipe(v.array(v.pipe(v.string(), v.regex(KEY_RE))), v.maxLength(QUOTA.items)),
});

/** A base36 string or an integer number; null if neither. */
function num(x: unknown): number | null {
  if (typeof x === 'number') return Number.isSafeInteger(x) ? x : null;
  if (typeof x === 'string' && B36.test(x)) return parseInt(x, 36);
  return null;
}

const isTime = (t: number | null): t is number => t !== null && Number.isSafeInteger(t) && t >= 0 && t <= MAX_TIME;

function readPaper(e: unknown): SyncPaper | null {
  if (!Array.isArray(e) || e.length < 6 || e.length > 9) return null;
  const [id, s, st, tags, ta, sa, na, note, title] = e as unknown[];
  if (!v.is(IdSchema, id)) return null;
  const savedAt = num(s);
  if (!isTime(savedAt)) return null;
  if (st !== 0 && st !== 1 && st !== 2) return null;
  if (!v.is(TagsSchema, tags)) return null;
  const dTags = num(ta);
  const dStatus = num(sa);
  if (dTags === null || dStatus === null) return null;
  const tagsAt = savedAt + dTags;
  const statusAt = tagsAt + dStatus;
  if (!isTime(tagsAt) || !isTime(statusAt)) return null;
  const p: SyncPaper = { id, savedAt, tags: [...new Set(tags)], tagsAt, status: READING_STATUSES[st], statusAt, noteAt: 0 };
  const text = e.length === 7 ? '' : note;
  if (e.length >= 7 && text !== 0) {
    if (!v.is(NoteSchema, text)) return null;
    const dNote = num(na);
    if (dNote === null || !isTime(statusAt + dNote)) return null;
    p.note = text;
    p.noteAt = statusAt + dNote;
  }
  if (e.length === 9 && title !== 0) {
    if (!v.is(TitleSchema, title)) return null;
    p.title = title;
  }
  return p;
}

function readTombstone(e: unknown): [string, number] | null {
  if (!Array.isArray(e) || e.length !== 2) return null;
  const t = num(e[1]);
  return v.is(IdSchema, e[0]) && isTime(t) ? [e[0], t] : null;
}

function readTag(e: unknown): SyncTag | null {
  if (!Array.isArray(e) || e.length !== 4) return null;
  const [key, name, hue, at] = e as unknown[];
  if (!v.is(TagKeySchema, key) || !v.is(HueSchema, hue)) return null;
  const n = name === 0 ? key : name;
  if (!v.is(TagNameSchema, n)) return null;
  const t = num(at);
  return isTime(t) ? { key, name: n, hue, at: t } : null;
}

/** The manifest's format version when it is newer than this code reads: such data must not be overwritten. */
export function newerFormat(items: unknown): number | null {
  if (typeof items !== 'object' || items === null || !hasOwn(items, 'm')) return null;
  const m = (items as Record<string, unknown>).m;
  if (typeof m !== 'object' || m === null) return null;
  const version = (m as Record<string, unknown>).v;
  return typeof version === 'number' && Number.isFinite(version) && version > FORMAT_VERSION ? version : null;
}

/**
 * The state the items hold; null when they hold none this code can read (no
 * manifest and no chunk, a manifest of another version, not an object).
 * Entries that don't validate are skipped. Never throws.
 */
export function decode(items: unknown): SyncState | null {
  try {
    if (typeof items !== 'object' || items === null || Array.isArray(items)) return null;
    const all = items as Record<string, unknown>;
    let keys: string[];
    if (hasOwn(all, 'm')) {
      const m = v.safeParse(ManifestSchema, all.m);
      if (!m.success) return null;
      keys = [...new Set(m.output.k)].filter((k) => k !== 'm');
    } else {
      // Chunks without a manifest (it has not arrived yet): read what is there.
      keys = Object.keys(all).filter((k) => k !== 'm' && isSyncKey(k)).slice(0, QUOTA.items);
      if (!keys.length) return null;
    }
    const papers: SyncPaper[] = [];
    const tombs: [string, number][] = [];
    const tags: SyncTag[] = [];
    for (const key of keys) {
      if (!hasOwn(all, key)) continue; // listed, not arrived yet
      const value = all[key];
      if (!Array.isArray(value) || value.length > QUOTA.perItem) continue;
      for (const e of value) {
        if (key.startsWith(STREAMS.papers)) {
          if (Array.isArray(e) && e.length === 2) {
            const t = readTombstone(e);
            if (t) tombs.push(t);
          } else {
            const p = readPaper(e);
            if (p) papers.push(p);
          }
        } else {
          const t = readTag(e);
          if (t) tags.push(t);
        }
      }
    }
    return canonical(papers, tombs, tags);
  } catch {
    return null; // a getter or proxy in hostile input: nothing usable
  }
}

/** The writes that turn `prev` (what the area holds) into `next`: changed items, and our keys to remove. */
export function diffItems(prev: Record<string, unknown>, next: Record<string, unknown>): { set: Record<string, unknown>; remove: string[] } {
  const set: Record<string, unknown> = {};
  for (const k of Object.keys(next)) {
    if (!hasOwn(prev, k) || JSON.stringify(prev[k]) !== JSON.stringify(next[k])) set[k] = next[k];
  }
  const remove = Object.keys(prev).filter((k) => isSyncKey(k) && !hasOwn(next, k));
  // A manifest that differs only in when and by whom it was written is not worth a write.
  const keys = Object.keys(set);
  if (keys.length === 1 && keys[0] === 'm' && !remove.length && hasOwn(prev, 'm')) {
    const stable = (m: unknown) => {
      if (typeof m !== 'object' || m === null) return JSON.stringify(m);
      const { at: _at, d: _d, ...rest } = m as Record<string, unknown>;
      return JSON.stringify(rest);
    };
    if (stable(prev.m) === stable(next.m)) delete set.m;
  }
  return { set, remove };
}

// ---------------------------------------------------------------------------
// Back to the local store

/** A change to one paper, each field with the time of the write that set it. */
export interface PaperPatch {
  id: string;
  /** The paper is new to this browser: the record to put (metadata is a placeholder, completed when seen). */
  create?: SyncedPaper;
  savedAt?: number;
  tags?: { value: string[]; at: number };
  status?: { value: ReadingStatus; at: number };
  note?: { value: string; at: number };
}

export interface LocalChanges {
  upserts: PaperPatch[];
  /** Papers removed elsewhere. */
  deletes: string[];
  /** Tag records to put: keys this browser lacks, or renamed later elsewhere. */
  tags: Tag[];
}

const sameTags = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((k, i) => k === b[i]);

/** The paper a browser creates for a paper first seen through sync. */
function placeholder(p: SyncPaper): SyncedPaper {
  const last = lastChange(p);
  // updatedAt no later than the field times, so fieldTime trusts them (see there).
  const updatedAt = Math.max(p.tagsAt, p.statusAt, p.noteAt);
  return {
    id: p.id,
    title: p.title ?? `arXiv:${p.id}`,
    authors: [],
    url: absUrl(p.id),
    source: 'arxiv',
    savedAt: p.savedAt || last,
    updatedAt,
    tags: [...p.tags],
    status: p.status,
    note: p.note ?? '',
    fieldsAt: { tags: p.tagsAt, status: p.statusAt, note: p.note === undefined ? 0 : p.noteAt },
  };
}

/** What the background writes locally so that this browser holds `merged` (merged = merge(fromLocal(local…), remote)). */
export function changesFor(local: readonly SyncedPaper[], merged: SyncState, localTags: readonly Tag[] = []): LocalChanges {
  const upserts: PaperPatch[] = [];
  const deletes: string[] = [];
  const have = new Set<string>();
  for (const p of local) {
    have.add(p.id);
    const m = merged.papers.get(p.id);
    if (!m) {
      const t = merged.tombstones.get(p.id);
      const localLast = Math.max(p.savedAt, fieldTime(p, 'tags'), fieldTime(p, 'status'), fieldTime(p, 'note'));
      if (t !== undefined && localLast <= t) deletes.push(p.id);
      continue;
    }
    const patch: PaperPatch = { id: p.id };
    if (!sameTags(p.tags, m.tags) && m.tagsAt >= fieldTime(p, 'tags')) patch.tags = { value: [...m.tags], at: m.tagsAt };
    if (p.status !== m.status && m.statusAt >= fieldTime(p, 'status')) patch.status = { value: m.status, at: m.statusAt };
    if (m.note !== undefined && p.note !== m.note && m.noteAt >= fieldTime(p, 'note')) patch.note = { value: m.note, at: m.noteAt };
    if (m.savedAt > p.savedAt) patch.savedAt = m.savedAt;
    if (patch.tags || patch.status || patch.note || patch.savedAt) upserts.push(patch);
  }
  for (const m of merged.papers.values()) if (!have.has(m.id)) upserts.push({ id: m.id, create: placeholder(m) });

  const localTag = new Map(localTags.map((t) => [t.key, t]));
  const tags: Tag[] = [];
  const seen = new Set<string>();
  for (const m of merged.papers.values()) {
    for (const k of m.tags) {
      if (seen.has(k)) continue;
      seen.add(k);
      const t = merged.tags.get(k);
      const mine = localTag.get(k);
      if (!mine) tags.push(t ? { key: k, name: t.name, hue: t.hue, ...(t.at ? { updatedAt: t.at } : {}) } : { key: k, name: k, hue: tagHue(k) });
      else if (t && (t.name !== mine.name || t.hue !== mine.hue) && t.at > (mine.updatedAt ?? 0)) {
        // Keeps the rename's time, so this browser does not push the older name back.
        tags.push({ key: k, name: t.name, hue: t.hue, updatedAt: t.at });
      }
    }
  }
  return { upserts, deletes, tags };
}

/**
 * Applies a patch to the paper the store holds now (inside the write
 * transaction): a field changes only if the patch's write is not older than the
 * store's, so an edit made since changesFor ran is kept. Returns the record to
 * put, or null when nothing changes (or a plain patch finds no paper).
 */
export function applyPatch(current: SyncedPaper | undefined, patch: PaperPatch): SyncedPaper | null {
  if (!current) return patch.create ? { ...patch.create, tags: [...patch.create.tags], fieldsAt: { ...patch.create.fieldsAt } } : null;
  const src: PaperPatch = patch.create
    ? {
        id: patch.id,
        savedAt: patch.create.savedAt,
        tags: { value: patch.create.tags, at: patch.create.fieldsAt?.tags ?? patch.create.updatedAt },
        status: { value: patch.create.status, at: patch.create.fieldsAt?.status ?? patch.create.updatedAt },
        ...(patch.create.fieldsAt?.note === 0 ? {} : { note: { value: patch.create.note, at: patch.create.fieldsAt?.note ?? patch.create.updatedAt } }),
      }
    : patch;
  const times = { tags: fieldTime(current, 'tags'), status: fieldTime(current, 'status'), note: fieldTime(current, 'note') };
  const next: SyncedPaper = { ...current };
  let changed = false;
  if (src.tags && src.tags.at >= times.tags && !sameTags(current.tags, src.tags.value)) {
    next.tags = [...src.tags.value];
    times.tags = src.tags.at;
    changed = true;
  }
  if (src.status && src.status.at >= times.status && current.status !== src.status.value) {
    next.status = src.status.value;
    times.status = src.status.at;
    changed = true;
  }
  if (src.note && src.note.at >= times.note && current.note !== src.note.value) {
    next.note = src.note.value;
    times.note = src.note.at;
    changed = true;
  }
  if (src.savedAt !== undefined && src.savedAt > current.savedAt) {
    next.savedAt = src.savedAt;
    changed = true;
  }
  if (!changed) return null;
  next.fieldsAt = times;
  next.updatedAt = Math.max(current.updatedAt, times.tags, times.status, times.note);
  return next;
}

// ---------------------------------------------------------------------------
// One sync round, through injected interfaces

/** The part of storage.sync used here (browser.storage.sync fits it). */
export interface SyncArea {
  get(keys?: null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string[]): Promise<void>;
}

export interface LocalLibrary {
  papers: SyncedPaper[];
  tags: Tag[];
  tombstones: Tombstone[];
}

export interface SyncDeps {
  area: SyncArea;
  readLocal(): Promise<LocalLibrary>;
  /** Writes the changes in one transaction (each paper through applyPatch; deletes only if not edited since) and keeps merged.tombstones. */
  writeLocal(changes: LocalChanges, merged: SyncState): Promise<void>;
  now(): number;
  device?: string;
}

export interface SyncReport {
  at: number;
  included: number;
  excluded: number;
  bytes: number;
  /** Items written and removed in the area (0 and 0: nothing to push). */
  written: number;
  removed: number;
  /** Papers created or changed, and removed, in this browser. */
  pulled: { upserts: number; deletes: number };
  /** Set when the area holds a newer format: nothing was written. */
  error?: string;
}

/**
 * Whether the local tombstones differ from what the merge says they should be:
 * a removal learnt from elsewhere (kept, so an old copy on a browser that was
 * offline cannot bring the paper back here either), or an expired one to collect.
 */
function tombstonesToWrite(local: LocalLibrary, merged: SyncState, now: number): boolean {
  const oldest = now - TOMBSTONE_TTL;
  if (local.tombstones.some((t) => t.deletedAt < oldest)) return true;
  const mine = new Map(local.tombstones.map((t) => [t.id, t.deletedAt]));
  const held = new Map(local.papers.map((p) => [p.id, p]));
  for (const [id, t] of merged.tombstones) {
    if (t < oldest || mine.get(id) === t) continue;
    const p = held.get(id);
    if (!p || lastWrite(p) <= t) return true;
  }
  return false;
}

/** Pull, merge, write locally, push the difference. The caller serialises calls and debounces them. */
export async function syncOnce(deps: SyncDeps): Promise<SyncReport> {
  const items = await deps.area.get(null);
  const now = deps.now();
  const newer = newerFormat(items);
  if (newer !== null) {
    return { at: now, included: 0, excluded: 0, bytes: 0, written: 0, removed: 0, pulled: { upserts: 0, deletes: 0 }, error: t('lib_syncNewerFormat', newer) };
  }
  const remote = decode(items) ?? emptyState();
  const local = await deps.readLocal();
  const merged = merge(fromLocal(local.papers, local.tags, local.tombstones), remote);
  const changes = changesFor(local.papers, merged, local.tags);
  if (changes.upserts.length || changes.deletes.length || changes.tags.length || tombstonesToWrite(local, merged, now)) await deps.writeLocal(changes, merged);
  const enc = encode(merged, now, { device: deps.device });
  const diff = diffItems(items, enc.items);
  const written = Object.keys(diff.set).length;
  // Stale chunks go first: the quota counts them until they are gone, and new and old together
  // may not fit. A browser that reads in between sees less, and less is never a removal here.
  if (diff.remove.length) await deps.area.remove(diff.remove);
  if (written) await deps.area.set(diff.set);
  return {
    at: now,
    included: enc.included,
    excluded: enc.excluded,
    bytes: enc.bytes,
    written,
    removed: diff.remove.length,
    pulled: { upserts: changes.upserts.length, deletes: changes.deletes.length },
  };
}
