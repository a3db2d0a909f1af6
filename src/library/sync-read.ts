/**
 * Reading the storage.sync format (sync-items.ts): items come from another
 * browser, so from anyone; every entry is validated, and nothing here throws.
 */
import * as v from 'valibot';
import { PaperSchema, TagSchema } from '../shared/messages';
import { READING_STATUSES } from '../shared/model';
import { canonical, type SyncPaper, type SyncState, type SyncTag } from './sync-state';
import { FORMAT_VERSION, hasOwn, isSyncKey, KEY_RE, MAX_TIME, NOTE_IN_SYNC_MAX, QUOTA, READS, STREAMS, TITLE_IN_SYNC_MAX, unpackIds } from './sync-items';

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
      keys = Object.keys(all)
        .filter((k) => k !== 'm' && isSyncKey(k))
        .slice(0, QUOTA.items);
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
    if (!hasOwn(prev, k) || sortedJson(prev[k]) !== sortedJson(next[k])) set[k] = next[k];
  }
  const remove = Object.keys(prev).filter((k) => isSyncKey(k) && !hasOwn(next, k));
  // A manifest that differs only in when and by whom it was written is not worth a write.
  const keys = Object.keys(set);
  if (keys.length === 1 && keys[0] === 'm' && !remove.length && hasOwn(prev, 'm')) {
    const stable = (m: unknown) => {
      if (typeof m !== 'object' || m === null) return JSON.stringify(m);
      const { at: _at, d: _d, ...rest } = m as Record<string, unknown>;
      return sortedJson(rest);
    };
    if (stable(prev.m) === stable(next.m)) delete set.m;
  }
  return { set, remove };
}

/**
 * JSON with every object's keys in sorted order. Chromium keeps storage values as its own
 * dictionaries and gives objects back with their keys sorted (the manifest {v, k, at, d} comes
 * back {at, d, k, v}): compared as written, the manifest differed from the area's in every round,
 * so every round wrote it, and its own write started the next round a second later, for ever
 * (found by tracing the service worker under `npm run bench`, December 2026).
 */
function sortedJson(x: unknown): string {
  return JSON.stringify(x, (_k, val: unknown) => {
    if (typeof val !== 'object' || val === null || Array.isArray(val)) return val;
    const o = val as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, o[k]]),
    );
  });
}
