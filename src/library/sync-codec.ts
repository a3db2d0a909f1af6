/**
 * The storage.sync format: a sync state (sync-state.ts) as items within the
 * area's quotas, and back. Pure; items from the area come from any browser, so
 * decode validates every entry and never throws.
 *
 * Version 2 (version 1 is still read, never written):
 * m          {v: 2, k: [chunk keys in order], at: base36 wall-clock ms of the write, d?: the writer's device name}
 *            (no counts: how many papers a browser leaves out depends on its own library, and a
 *            manifest that differed between browsers would be written back and forth for ever)
 * d:<h>      [[deletedAt base36, ids], …] removals, one time for many ids: `ids` is the sorted ids
 *            front-coded, separated by spaces, each as one base36 digit (characters shared with the
 *            id before) and the rest. A thousand papers removed at once cost ~6 bytes each.
 * p:<h>      [record, …] papers, in id order
 *            record = [id, savedAt, status, tags, tagsAt, statusAt, noteAt?, note?, title?]
 *              savedAt: base36 ms, or 0 when unknown
 *              status: 0 to-read, 1 reading, 2 read
 *              tags: tag keys, in the order added
 *              tagsAt: ms after savedAt; statusAt: after tagsAt; noteAt: after statusAt;
 *                each base36 ("-…" when before) or the number 0
 *              6 entries: the note is not synced (no room), no title
 *              7 entries: the note is '' (synced: an empty note clears one elsewhere)
 *              8 entries: the note; or 0 when not synced, noteAt then a string (the note's
 *                time, so that no older note takes its place) or the number 0 (no time)
 *              9 entries: the same, and the title hint
 *            (version 1 also held tombstones here, as [id, deletedAt base36])
 * t:<h>      [[key, name or 0 when name === key, hue, at base36 or 0], …] tags used by synced papers
 * <h>        base36 FNV-1a of the chunk's closing id, or "_" for the open last chunk
 *
 * Chunk boundaries are content-defined (after an id that hashes to 0 under the
 * stream's mask; see chunk), so an edit, save or removal rewrites its chunk and
 * the manifest, not the chunks after it.
 *
 * What goes in, when not everything fits: removals first (a removal that does
 * not arrive brings the paper back), then papers newest first, then notes, then
 * titles. What is left out is counted (Encoded) and shown to the user.
 */
import * as v from 'valibot';
import { PaperSchema, TagSchema } from '../shared/messages';
import { fnv1a, READING_STATUSES } from '../shared/model';
import { utf8Length } from '../shared/sync-status';
import { canonical, cmpStr, lastChange, STATUS_INDEX, type SyncPaper, type SyncState, type SyncTag } from './sync-state';

export const FORMAT_VERSION = 2;
const READS = new Set([1, 2]);

/** chrome.storage.sync's quotas; Firefox's storage.sync has the same byte and item limits. */
export const QUOTA = { bytes: 102_400, perItem: 8_192, items: 512, writesPerMinute: 120, writesPerHour: 1_800 } as const;
/** What encode allows itself: 95% of each quota. */
export const LIMITS = {
  bytes: Math.floor(QUOTA.bytes * 0.95),
  perItem: Math.floor(QUOTA.perItem * 0.95),
  items: Math.floor(QUOTA.items * 0.95),
} as const;

/** A record must fit an item beside its key and the brackets. */
const ITEM_ROOM = LIMITS.perItem - 128;
/** No paper's record is shorter: `["1",0,0,[],0,0]` and a one-character id. */
const MIN_RECORD = 20;
export { utf8Length };
/** Largest note or title decode accepts: a record must fit one item anyway. */
const NOTE_IN_SYNC_MAX = QUOTA.perItem;
const TITLE_IN_SYNC_MAX = 200;
const MAX_TIME = 8.64e15;

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** What one item costs against the quotas: key plus JSON of the value. */
export const itemBytes = (key: string, value: unknown) => utf8Length(key) + utf8Length(JSON.stringify(value));

const STREAMS = { papers: 'p:', tags: 't:', removals: 'd:' } as const;
/** A chunk closes after an id whose hash has these bits 0: about 16 papers, 32 tags, 256 removals. */
const MASK = { 'p:': 15, 't:': 31, 'd:': 255 } as const;
const KEY_RE = /^(?:m|[ptd]:(?:_|[0-9a-z]{1,7})(?:\.\d{1,3})?)$/;

/** Whether a storage.sync key belongs to this format (other settings may share the area). */
export const isSyncKey = (key: string) => KEY_RE.test(key);

const b36 = (t: number) => (t === 0 ? 0 : t.toString(36));

function paperRecord(p: SyncPaper, withNote: boolean, withTitle: boolean): unknown[] {
  // Each time relative to the one before: a paper edited once has 0, 0 for the last two.
  const r: unknown[] = [p.id, b36(p.savedAt), STATUS_INDEX[p.status], p.tags, b36(p.tagsAt - p.savedAt), b36(p.statusAt - p.tagsAt)];
  const note = p.note !== undefined && (p.note === '' || withNote);
  const title = withTitle && p.title !== undefined;
  // A note left out (no room here, or not known here) still carries its time, so that no browser
  // puts an older note of its own in its place: over the quota, a browser with a newer note it
  // could not fit wrote "no note", another put its older one in the room, the first took it out
  // again, for ever (test/unit/sync-property.test.ts, "over the quota"). As a string, even '0':
  // the number 0 there meant "no time" before.
  const noteTime = !note && p.noteAt !== 0;
  if (note) r.push(b36(p.noteAt - p.statusAt));
  else if (noteTime) r.push(String(b36(p.noteAt - p.statusAt)));
  else if (title) r.push(0);
  if (title) r.push(note ? p.note : 0, p.title);
  else if (note && p.note !== '') r.push(p.note);
  else if (noteTime) r.push(0);
  return r;
}

const tagRecord = (t: SyncTag): unknown[] => [t.key, t.name === t.key ? 0 : t.name, t.hue, b36(t.at)];

/** Sorted ids, front-coded: "0" + first id, then per id the shared length (one base36 digit) and the rest. */
export function packIds(sorted: readonly string[]): string {
  let prev = '';
  const out: string[] = [];
  for (const id of sorted) {
    const max = Math.min(35, prev.length, id.length);
    let n = 0;
    while (n < max && prev.charCodeAt(n) === id.charCodeAt(n)) n++;
    out.push(n.toString(36) + id.slice(n));
    prev = id;
  }
  return out.join(' ');
}

/** The ids of packIds; null when the text is not such a list. */
export function unpackIds(s: string): string[] | null {
  if (!s) return [];
  const out: string[] = [];
  let prev = '';
  for (const part of s.split(' ')) {
    const n = parseInt(part[0] ?? '', 36);
    if (!Number.isInteger(n) || n > prev.length) return null;
    prev = prev.slice(0, n) + part.slice(1);
    out.push(prev);
  }
  return out;
}

interface Rec {
  id: string;
  json: string;
  bytes: number;
}

const rec = (id: string, value: unknown): Rec => {
  const json = JSON.stringify(value);
  return { id, json, bytes: utf8Length(json) };
};

/** A run of records as an item's JSON: papers and tags joined; removals grouped by time and packed. */
type Render = (run: Rec[]) => string;
const renderJoined: Render = (run) => `[${run.map((r) => r.json).join(',')}]`;
/** Removals: Rec.json is the time in base36, Rec.id the id. */
const renderRemovals: Render = (run) => {
  const byTime = new Map<string, string[]>();
  for (const r of run) {
    const ids = byTime.get(r.json);
    if (ids) ids.push(r.id);
    else byTime.set(r.json, [r.id]);
  }
  const groups = [...byTime].sort((a, b) => parseInt(a[0], 36) - parseInt(b[0], 36));
  return JSON.stringify(groups.map(([t, ids]) => [t, packIds(ids)]));
};

/**
 * Content-defined chunks, so that boundaries move only where records change.
 * A chunk ends after a record whose id hash has the `mask` bits 0. A run too big
 * for an item is cut at the ids with 2 low bits 0, then 1 bit, then by size: the
 * cut depends on that run alone, so an edit elsewhere moves nothing. A chunk is
 * named by its closing record's hash; the open last one is "_".
 * Returns [key, JSON of the value]. `recs` are in id order.
 */
function chunk(prefix: string, recs: Rec[], mask: number, render: Render): [string, string][] {
  // Room for the value: the item less its longest key ("p:" + 7 + ".999").
  const room = LIMITS.perItem - (prefix.length + 11);
  const size = (run: Rec[]) => utf8Length(render(run));
  const cut = (run: Rec[], m: number) => {
    const parts: Rec[][] = [];
    let cur: Rec[] = [];
    for (const r of run) {
      cur.push(r);
      if ((fnv1a(r.id) & m) === 0) parts.push(cur), (cur = []);
    }
    if (cur.length) parts.push(cur);
    return parts;
  };
  const fit = (run: Rec[], masks: number[]): Rec[][] => {
    if (size(run) <= room) return [run];
    if (masks.length) return cut(run, masks[0]).flatMap((part) => fit(part, masks.slice(1)));
    // By size, with each record's own JSON as the bound (a removal alone costs less than its rec).
    const parts: Rec[][] = [[]];
    let n = 16;
    for (const r of run) {
      if (parts[parts.length - 1].length && n + r.bytes + r.id.length + 8 > room) parts.push([]), (n = 16);
      parts[parts.length - 1].push(r);
      n += r.bytes + r.id.length + 8;
    }
    return parts;
  };
  const pieces = cut(recs, mask).flatMap((run) => fit(run, [3, 1]));
  const out: [string, string][] = [];
  const used = new Set<string>();
  pieces.forEach((piece, i) => {
    const last = piece[piece.length - 1].id;
    const closed = i < pieces.length - 1 || (fnv1a(last) & mask) === 0;
    const name = closed ? fnv1a(last).toString(36) : '_';
    let key = prefix + name;
    for (let n = 2; used.has(key); n++) key = `${prefix}${name}.${n}`;
    used.add(key);
    out.push([key, render(piece)]);
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
  /** Of those, notes too long for storage.sync at all (longer than one item). */
  notesTooLong: number;
  /** Removals left out for room (the oldest). */
  tombstonesLeftOut: number;
  /** The ids of the removals written. */
  tombstoneIds: string[];
  /** Sum over items of key length + JSON length, in UTF-8 bytes (what the quota counts). */
  bytes: number;
}

/** A paper chosen to sync: whether its note and its title go with it, and what its record costs. */
interface Pick {
  p: SyncPaper;
  note: boolean;
  title: boolean;
  bytes: number;
}

/**
 * Which records go in, kept within `budget` bytes by estimate: record JSON plus a comma each, a
 * tag's record once for all the papers that use it. Chunk framing and the manifest are not in
 * it: encode keeps room for them and measures the items as built.
 */
class Selection {
  readonly picks = new Map<string, Pick>();
  used = 0;
  private readonly tagUse = new Map<string, number>();
  constructor(
    private readonly tags: Map<string, SyncTag>,
    public budget: number,
  ) {}

  /** What the record of `p` costs with this note and title; over ITEM_ROOM, it can never go in. */
  cost(p: SyncPaper, note: boolean, title: boolean): number {
    return rec(p.id, paperRecord(p, note, title)).bytes + 1;
  }
  /** Bytes the tags of `p` add that no chosen paper has paid for yet. */
  private newTagBytes(p: SyncPaper): number {
    let c = 0;
    for (const k of new Set(p.tags)) {
      const t = this.tags.get(k);
      if (t && !this.tagUse.get(k)) c += rec(k, tagRecord(t)).bytes + 1;
    }
    return c;
  }
  private countTags(p: SyncPaper, by: 1 | -1): void {
    for (const k of new Set(p.tags)) {
      const t = this.tags.get(k);
      if (!t) continue;
      const n = (this.tagUse.get(k) ?? 0) + by;
      if (n === 0) this.tagUse.delete(k), (this.used -= rec(k, tagRecord(t)).bytes + 1);
      else {
        if (n === 1 && by === 1) this.used += rec(k, tagRecord(t)).bytes + 1;
        this.tagUse.set(k, n);
      }
    }
  }
  /** What adding `p` (bare) would cost, or null when its record alone is larger than an item. */
  addCost(p: SyncPaper): number | null {
    const bare = this.cost(p, false, false);
    return bare > ITEM_ROOM ? null : bare + this.newTagBytes(p);
  }
  add(p: SyncPaper, note = false, title = false): void {
    const bytes = this.cost(p, note, title);
    this.countTags(p, 1);
    this.used += bytes;
    this.picks.set(p.id, { p, note, title, bytes });
  }
  drop(id: string): void {
    const k = this.picks.get(id);
    if (!k) return;
    this.used -= k.bytes;
    this.countTags(k.p, -1);
    this.picks.delete(id);
  }
  /** Sets a chosen paper's note or title; the bytes it adds (negative when taken off), or null when the record would not fit an item. */
  set(id: string, field: 'note' | 'title', on: boolean): number | null {
    const k = this.picks.get(id);
    if (!k || k[field] === on) return 0;
    const bytes = this.cost(k.p, field === 'note' ? on : k.note, field === 'title' ? on : k.title);
    if (bytes > ITEM_ROOM) return null;
    const delta = bytes - k.bytes;
    k[field] = on;
    k.bytes = bytes;
    this.used += delta;
    return delta;
  }
  fits(extra: number): boolean {
    return this.used + extra <= this.budget;
  }
}

/** A reversible change to a selection: encode undoes the last ones first when the built items exceed the quota. */
type Step = () => void;

/** The removals that go in, newest first, within `budget` bytes (packed as packIds does). */
function pickRemovals(tombs: [string, number][], budget: number): { tombstones: [string, number][]; used: number } {
  let used = 0;
  const tombstones: [string, number][] = [];
  const times = new Set<number>();
  let prev: [string, number] | undefined;
  for (const [id, t] of tombs) {
    // Packed (packIds), an id costs what it does not share with the id before it of the same time
    // (tombs come by time, then id: the order they are packed in), a digit and a space; each
    // distinct time starts a group. Counting the whole id (the bound used before) let only ~8,000
    // of 10,000 removals made at once in, though they take ~5 bytes each packed: the others were
    // never written (the same ones left out at every round) and stayed on every other browser
    // (found by test/unit/sync-property.test.ts). A chunk's first id is written whole, which this
    // does not count: the room kept for framing covers it.
    let shared = 0;
    if (prev && prev[1] === t) {
      const max = Math.min(35, prev[0].length, id.length);
      while (shared < max && prev[0].charCodeAt(shared) === id.charCodeAt(shared)) shared++;
    }
    const c = utf8Length(id.slice(shared)) + 2 + (times.has(t) ? 0 : 16);
    if (used + c > budget) break;
    used += c;
    times.add(t);
    tombstones.push([id, t]);
    prev = [id, t];
  }
  return { tombstones, used };
}

function build(picks: Iterable<Pick>, tombstones: [string, number][], tags: Map<string, SyncTag>, now: number, device: string | undefined) {
  const chosen = [...picks];
  const paperRecs = chosen.map((c) => rec(c.p.id, paperRecord(c.p, c.note, c.title))).sort((a, b) => cmpStr(a.id, b.id));
  const removalRecs = tombstones.map(([id, t]): Rec => ({ id, json: t.toString(36), bytes: utf8Length(id) + 2 })).sort((a, b) => cmpStr(a.id, b.id));
  const used = new Set(chosen.flatMap((c) => c.p.tags));
  const tagRecs = [...tags.values()]
    .filter((t) => used.has(t.key))
    .sort((a, b) => cmpStr(a.key, b.key))
    .map((t) => rec(t.key, tagRecord(t)));
  const chunks = [
    ...chunk(STREAMS.tags, tagRecs, MASK['t:'], renderJoined),
    ...chunk(STREAMS.removals, removalRecs, MASK['d:'], renderRemovals),
    ...chunk(STREAMS.papers, paperRecs, MASK['p:'], renderJoined),
  ];
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

const within = (out: { bytes: number; count: number; biggest: number }) => out.bytes <= LIMITS.bytes && out.count <= LIMITS.items && out.biggest <= LIMITS.perItem;

/**
 * The items that hold `state` in storage.sync, within LIMITS. What goes in when not everything
 * fits: every removal first (newest first if even they do not fit), then papers (bare), then
 * notes, then titles. Which removals are in the state is the caller's choice (sync.ts: those the
 * area holds and this browser's own not yet written). `now` is the writer's wall clock, for the
 * manifest.
 *
 * Over the quota, browsers disagree on what is left out: each holds papers the area does not,
 * with its own times. So the choice starts from what the area holds (`opts.area`), and changes it
 * only for a reason every browser agrees on, or the browsers would rewrite the area in turn for
 * ever (test/unit/sync-property.test.ts, "over the quota"):
 * 1. the area's papers, as merged, with the notes and titles the area has for them;
 * 2. a paper newer than the area's oldest (a save or an edit here) goes in, taking the room of
 *    the titles, notes and papers older than it, oldest first;
 * 3. then only into room left: other papers (newest first), their notes, titles;
 * 4. built; over the quota as built (more removals, an edit that made a record longer), the steps
 *    of 2 and 3 are undone, last first, then the oldest papers' titles, notes and papers leave. With none of 2 and 3 taken, the area as another browser wrote it comes out again,
 *    item for item, and the round writes nothing.
 */
export function encode(state: SyncState, now: number, opts: { device?: string; area?: SyncState } = {}): Encoded {
  const held = opts.area?.papers ?? new Map<string, SyncPaper>();
  const newestFirst = (a: SyncPaper, b: SyncPaper) => lastChange(b) - lastChange(a) || cmpStr(a.id, b.id);
  const tombs = [...state.tombstones].sort((a, b) => b[1] - a[1] || cmpStr(a[0], b[0]));
  // Records take the room less the manifest and chunk framing (measured as built below).
  const removals = pickRemovals(tombs, LIMITS.bytes - 2_000);
  const sel = new Selection(state.tags, LIMITS.bytes - 2_000 - removals.used);

  // 1. What the area holds, as merged here.
  const base = [...state.papers.values()].filter((p) => held.has(p.id)).sort(newestFirst);
  for (const p of base) {
    if (sel.addCost(p) === null) continue;
    const h = held.get(p.id);
    sel.add(p, h?.note !== undefined && !!p.note && sel.cost(p, true, false) <= ITEM_ROOM, h?.title !== undefined && p.title !== undefined);
    if (sel.picks.get(p.id)!.bytes > ITEM_ROOM) sel.set(p.id, 'title', false);
    if (sel.picks.get(p.id)!.bytes > ITEM_ROOM) sel.set(p.id, 'note', false);
  }
  /** The held papers in the order they give up room: titles, then notes, then papers, oldest first. */
  const giveUp = (older: (p: SyncPaper) => boolean): Step[] => {
    const olds = base.filter((p) => sel.picks.has(p.id) && older(p)).reverse();
    return [
      ...olds.map((p) => () => void sel.set(p.id, 'title', false)),
      ...olds.map((p) => () => void sel.set(p.id, 'note', false)),
      ...olds.map((p) => () => sel.drop(p.id)),
    ];
  };
  // The area as written fitted the quota, though estimates of it differ from browser to browser
  // by a few bytes (tag records and titles this browser has that the area does not): it keeps its
  // room. What an edit made longer is measured as built, in 4.
  sel.budget = Math.max(sel.budget, sel.used);

  // 2 and 3, each undoable.
  const undo: Step[] = [];
  const areaOldest = base.length ? Math.min(...[...held.values()].map(lastChange)) : Infinity;
  const others = [...state.papers.values()].filter((p) => !held.has(p.id)).sort(newestFirst);
  const snapshot = () => {
    const saved = [...sel.picks.values()].map((k) => ({ ...k }));
    return () => {
      for (const id of [...sel.picks.keys()]) sel.drop(id);
      for (const k of saved) sel.add(k.p, k.note, k.title);
    };
  };
  for (const p of others) {
    if (lastChange(p) <= areaOldest) break;
    const c = sel.addCost(p);
    if (c === null) continue;
    const restore = snapshot();
    const steps = giveUp((q) => newestFirst(p, q) < 0);
    while (!sel.fits(c) && steps.length) steps.shift()!();
    if (sel.fits(c)) {
      sel.add(p);
      undo.push(restore);
    } else restore();
  }
  for (const p of others) {
    if (sel.picks.has(p.id) || sel.used + MIN_RECORD > sel.budget) continue;
    const c = sel.addCost(p);
    if (c === null || !sel.fits(c)) continue;
    sel.add(p);
    undo.push(() => sel.drop(p.id));
  }
  const chosen = [...state.papers.values()].filter((p) => sel.picks.has(p.id)).sort(newestFirst);
  for (const field of ['note', 'title'] as const) {
    for (const p of chosen) {
      if (field === 'note' ? !p.note : p.title === undefined) continue;
      const k = sel.picks.get(p.id);
      if (!k || k[field]) continue;
      if (sel.set(p.id, field, true) === null) continue;
      if (sel.used > sel.budget) {
        sel.set(p.id, field, false);
        continue;
      }
      undo.push(() => void sel.set(p.id, field, false));
    }
  }

  // 4. As built: over the quota, undo the additions, last first; then the area's own, oldest first.
  let tombstones = removals.tombstones;
  let out = build(sel.picks.values(), tombstones, state.tags, now, opts.device);
  // The area's own give up room only once every addition is undone (they are listed then).
  const steps = (function* () {
    yield* undo.reverse();
    yield* giveUp(() => true);
  })();
  let more = true;
  while (!within(out)) {
    if (more) {
      // Enough steps to cover the excess by estimate, then measure again.
      let need = Math.max(out.bytes - LIMITS.bytes, (out.count - LIMITS.items) * 64, 1) + 64;
      while (need > 0) {
        const next = steps.next();
        if (next.done) {
          more = false;
          break;
        }
        const before = sel.used;
        next.value();
        need -= Math.max(1, before - sel.used);
      }
    } else if (tombstones.length) tombstones = tombstones.slice(0, Math.floor(tombstones.length * 0.9));
    else break;
    out = build(sel.picks.values(), tombstones, state.tags, now, opts.device);
  }

  const picks = [...sel.picks.values()];
  let notesLeftOut = 0;
  let notesTooLong = 0;
  for (const k of picks) {
    if (!k.p.note || k.note) continue;
    notesLeftOut++;
    if (sel.cost(k.p, true, false) > ITEM_ROOM) notesTooLong++;
  }
  return {
    items: out.items,
    included: picks.length,
    excluded: state.papers.size - picks.length,
    notesLeftOut,
    notesTooLong,
    tombstonesLeftOut: tombs.length - tombstones.length,
    tombstoneIds: tombstones.map(([id]) => id),
    bytes: out.bytes,
  };
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
  v: v.number(),
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
  } else if (e.length >= 8 && typeof na === 'string') {
    // A note not synced, and when it was written (paperRecord).
    const dNote = num(na);
    if (dNote === null || !isTime(statusAt + dNote)) return null;
    p.noteAt = statusAt + dNote;
  }
  if (e.length === 9 && title !== 0) {
    if (!v.is(TitleSchema, title)) return null;
    p.title = title;
  }
  return p;
}

/** A version 1 tombstone, inside a p: chunk. */
function readTombstone(e: unknown): [string, number] | null {
  if (!Array.isArray(e) || e.length !== 2) return null;
  const t = num(e[1]);
  return v.is(IdSchema, e[0]) && isTime(t) ? [e[0], t] : null;
}

/** A group of removals of a d: chunk: [time, packed ids]; the ids that are not valid ids are skipped. */
function readRemovals(e: unknown, out: [string, number][]): void {
  if (!Array.isArray(e) || e.length !== 2 || typeof e[1] !== 'string' || e[1].length > QUOTA.perItem) return;
  const t = num(e[0]);
  if (!isTime(t)) return;
  for (const id of unpackIds(e[1]) ?? []) if (v.is(IdSchema, id)) out.push([id, t]);
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

/** Who wrote the area last, and when by their clock (the manifest's `d` and `at`); null when unknown. */
export function lastWriter(items: unknown): { device?: string; at: number } | null {
  try {
    if (typeof items !== 'object' || items === null || !hasOwn(items, 'm')) return null;
    const m = (items as Record<string, unknown>).m as Record<string, unknown> | null;
    if (typeof m !== 'object' || m === null) return null;
    const at = num(m.at);
    if (!isTime(at)) return null;
    return typeof m.d === 'string' ? { device: m.d.slice(0, 64), at } : { at };
  } catch {
    return null;
  }
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
      if (!m.success || !READS.has(m.output.v)) return null;
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
        } else if (key.startsWith(STREAMS.removals)) {
          readRemovals(e, tombs);
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
