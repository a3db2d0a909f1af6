/**
 * The one merge of a user's deliberate bulk write into the shelf: import of a
 * file, restore of a backup, undo of a removal all go through planMerge (and
 * import-write.ts runs it inside one transaction). Pure, and light enough for
 * the background and the pages alike.
 *
 * A bulk write is the user's write *now*: every synced field it changes is
 * stamped with the current time, and the papers it brings back lose their
 * tombstones (import-write.ts). Keeping the file's old times instead would let
 * the next sync round take the change back (a restored paper removed again by
 * its old tombstone; tags an import added reverted by an older remote copy).
 * Sync's own merge is per field, last write wins (sync.ts joinPaper and
 * applyPatch): the stamps written here are what make the two agree.
 */
import { cleanText, tagHue, type Paper, type Tag } from '../shared/model';
import { changedFields, stamp, STAMPED_FIELDS } from './stamps';
import { clampFileTime } from './clock';

export interface Skipped {
  /** What the user would recognise: citation key or PaperMemory id, and the title. */
  entry: string;
  reason: string;
}

/** What planMerge needs of an import. */
export interface Incoming {
  papers: Paper[];
  tags: Tag[];
  skipped: Skipped[];
}

export interface MergePlan {
  /** New papers, to put as they are. */
  add: Paper[];
  /** Existing papers with what the import adds, to put in their place. */
  update: Paper[];
  /** Incoming papers that change nothing. */
  unchanged: number;
  skipped: Skipped[];
  /** Every tag after the import: existing ones unchanged, new ones added. */
  tags: Tag[];
  /** Incoming papers dated more than a day after `wall` (a clock or a file from the future): their dates were set to `wall`. */
  clamped: number;
}

const REF_FIELDS = ['version', 'authors', 'abstract', 'published', 'upvotes', 'organization', 'thumbnail'] as const;

const isEmpty = (x: unknown) => x === undefined || x === '' || (Array.isArray(x) && x.length === 0);

/**
 * Merges `b` into `a`, keeping everything `a` has: union of tags (a's order
 * first), earliest savedAt, a's metadata with b's filling gaps, and status and
 * note from whichever record was edited later. An empty note never erases one,
 * and notes that differ only in white space count as the same.
 */
export function combine(a: Paper, b: Paper): Paper {
  const out: Paper = { ...a };
  for (const k of REF_FIELDS) if (isEmpty(a[k]) && !isEmpty(b[k])) (out as unknown as Record<string, unknown>)[k] = b[k];
  const extra = b.tags.filter((k) => !a.tags.includes(k));
  if (extra.length) out.tags = [...a.tags, ...extra];
  out.savedAt = Math.min(a.savedAt, b.savedAt);
  if (b.updatedAt > a.updatedAt) {
    out.status = b.status;
    if (b.note.trim() && cleanText(b.note) !== cleanText(a.note)) out.note = b.note;
  } else if (!a.note.trim() && b.note.trim()) {
    out.note = b.note;
  }
  out.updatedAt = Math.max(a.updatedAt, b.updatedAt);
  return out;
}

function samePaper(a: Paper, b: Paper): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof Paper>;
  for (const k of keys) {
    if (k === 'updatedAt' || k === 'fieldsAt') continue;
    const x = a[k];
    const y = b[k];
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length || x.some((e, i) => e !== y[i])) return false;
    } else if (x !== y) return false;
  }
  return true;
}

/**
 * Plans an import: which papers to add, which to update, and the tags after it.
 * Nothing existing is dropped. Tags match by key; an existing tag keeps its name
 * and colour. `now` becomes the updatedAt of the papers the import changes.
 */
export function planMerge(existing: Paper[], existingTags: Tag[], incoming: Incoming, now = Date.now(), wall = now): MergePlan {
  const have = new Map(existing.map((p) => [p.id, p]));
  const merged = new Map<string, Paper>();
  let clamped = 0;
  for (const file of incoming.papers) {
    // A date far in the future would sort the paper first for ever and outlive every removal.
    const savedAt = clampFileTime(file.savedAt, wall);
    const updatedAt = clampFileTime(file.updatedAt, wall);
    const p = savedAt === file.savedAt && updatedAt === file.updatedAt ? file : { ...file, savedAt, updatedAt };
    if (p !== file) clamped++;
    const prev = merged.get(p.id);
    merged.set(p.id, prev ? combine(prev, p) : p);
  }
  const add: Paper[] = [];
  const update: Paper[] = [];
  let unchanged = 0;
  for (const p of merged.values()) {
    const old = have.get(p.id);
    if (!old) {
      // New here (or back after a removal): every field is the user's write of now. The file's times
      // go on a copy of its own (no third copy for them: 10,000 of these are a preview's, issue 20).
      const { fieldsAt: _, ...rest } = p;
      rest.updatedAt = Math.max(p.updatedAt, p.savedAt);
      add.push(stamp(rest, STAMPED_FIELDS, now));
      continue;
    }
    const next = combine(old, p);
    if (samePaper(next, old)) unchanged++;
    // Only what changed is stamped: a field the import leaves as it was keeps its time.
    else update.push({ ...stamp(next, changedFields(old, next), now), updatedAt: Math.max(now, old.updatedAt, Math.min(p.updatedAt, now)) });
  }
  const tags = new Map(existingTags.map((t) => [t.key, t]));
  for (const t of incoming.tags) if (!tags.has(t.key)) tags.set(t.key, t);
  for (const p of [...add, ...update]) for (const k of p.tags) if (!tags.has(k)) tags.set(k, { key: k, name: k, hue: tagHue(k) });
  return { add, update, unchanged, skipped: incoming.skipped, tags: [...tags.values()], clamped };
}
