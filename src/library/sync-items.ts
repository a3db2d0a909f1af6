/**
 * The storage.sync format: a sync state (sync-state.ts) as items within the
 * area's quotas. This file writes the items; sync-read.ts reads them (items
 * from the area come from any browser: it validates every entry and never
 * throws); sync-codec.ts chooses what goes in. Pure.
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
 * What goes in when not everything fits is sync-codec.ts's choice (encode).
 */
import { fnv1a } from '../shared/model';
import { utf8Length } from '../shared/sync-status';
import { cmpStr, STATUS_INDEX, type SyncPaper, type SyncTag } from './sync-state';

export const FORMAT_VERSION = 2;
export const READS = new Set([1, 2]);

/** chrome.storage.sync's quotas; Firefox's storage.sync has the same byte and item limits. */
export const QUOTA = { bytes: 102_400, perItem: 8_192, items: 512, writesPerMinute: 120, writesPerHour: 1_800 } as const;
/** What encode allows itself: 95% of each quota. */
export const LIMITS = {
  bytes: Math.floor(QUOTA.bytes * 0.95),
  perItem: Math.floor(QUOTA.perItem * 0.95),
  items: Math.floor(QUOTA.items * 0.95),
} as const;

/** A record must fit an item beside its key and the brackets. */
export const ITEM_ROOM = LIMITS.perItem - 128;
/** No paper's record is shorter: `["1",0,0,[],0,0]` and a one-character id. */
export const MIN_RECORD = 20;
export { utf8Length };
/** Largest note or title decode accepts: a record must fit one item anyway. */
export const NOTE_IN_SYNC_MAX = QUOTA.perItem;
export const TITLE_IN_SYNC_MAX = 200;
export const MAX_TIME = 8.64e15;

export const hasOwn = (o: object, k: string) => Object.hasOwn(o, k);

/** What one item costs against the quotas: key plus JSON of the value. */
export const itemBytes = (key: string, value: unknown) => utf8Length(key) + utf8Length(JSON.stringify(value));

export const STREAMS = { papers: 'p:', tags: 't:', removals: 'd:' } as const;
/** A chunk closes after an id whose hash has these bits 0: about 16 papers, 32 tags, 256 removals. */
const MASK = { 'p:': 15, 't:': 31, 'd:': 255 } as const;
export const KEY_RE = /^(?:m|[ptd]:(?:_|[0-9a-z]{1,7})(?:\.\d{1,3})?)$/;

/** Whether a storage.sync key belongs to this format (other settings may share the area). */
export const isSyncKey = (key: string) => KEY_RE.test(key);

const b36 = (t: number) => (t === 0 ? 0 : t.toString(36));

export function paperRecord(p: SyncPaper, withNote: boolean, withTitle: boolean): unknown[] {
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

export const tagRecord = (t: SyncTag): unknown[] => [t.key, t.name === t.key ? 0 : t.name, t.hue, b36(t.at)];

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

export interface Rec {
  id: string;
  json: string;
  bytes: number;
}

export const rec = (id: string, value: unknown): Rec => {
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

/** A paper chosen to sync, and whether its note and title go with it. */
export interface Chosen {
  p: SyncPaper;
  note: boolean;
  title: boolean;
}

export function build(picks: Iterable<Chosen>, tombstones: [string, number][], tags: Map<string, SyncTag>, now: number, device: string | undefined) {
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

export const within = (out: { bytes: number; count: number; biggest: number }) =>
  out.bytes <= LIMITS.bytes && out.count <= LIMITS.items && out.biggest <= LIMITS.perItem;
