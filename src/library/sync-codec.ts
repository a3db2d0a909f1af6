/**
 * What goes in storage.sync, within its quotas: encode chooses (see its
 * comment); sync-items.ts writes the items, sync-read.ts reads them back.
 *
 * What goes in, when not everything fits: removals first (a removal that does
 * not arrive brings the paper back), then papers newest first, then notes, then
 * titles. What is left out is counted (Encoded) and shown to the user.
 */
import { utf8Length } from '../shared/sync-status';
import { cmpStr, lastChange, type SyncPaper, type SyncState, type SyncTag } from './sync-state';
import { build, ITEM_ROOM, LIMITS, MIN_RECORD, paperRecord, rec, tagRecord, within, type Chosen } from './sync-items';

export { FORMAT_VERSION, isSyncKey, itemBytes, LIMITS, packIds, QUOTA, unpackIds, utf8Length } from './sync-items';
export { decode, diffItems, lastWriter, newerFormat } from './sync-read';

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
interface Pick extends Chosen {
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
 * 4. built; over the quota as built (more removals, an edit that made a record longer, a newer
 *    paper opening chunks), the steps of 3 are undone, last first, then the oldest papers' titles,
 *    notes and papers leave, then 2's papers, oldest first. With none of 2 and 3 taken, the area as another browser wrote it comes out again,
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

  // 2 and 3, each undoable: 3's steps (free room) before the area's own, 2's (newer papers) after.
  const undo: Step[] = [];
  const fresh: string[] = [];
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
    if (!sel.fits(c)) {
      const restore = snapshot();
      const steps = giveUp((q) => newestFirst(p, q) < 0);
      for (let i = 0; !sel.fits(c) && i < steps.length; i++) steps[i]();
      if (!sel.fits(c)) {
        restore();
        continue;
      }
    }
    sel.add(p);
    fresh.push(p.id);
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
  // The area's own give up room only once every addition into free room is undone (they are
  // listed then); a newer paper keeps its place ahead of them, or an area that is full as built
  // would never take a new save (the chunks it opens cost more than the estimate).
  const steps = (function* () {
    yield* undo.reverse();
    yield* giveUp(() => true);
    for (const id of fresh.reverse()) yield () => sel.drop(id);
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
