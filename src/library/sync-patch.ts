/**
 * From a merged sync state back to the local store: which papers to create,
 * patch or remove here (changesFor), and how a patch meets the record the store
 * holds by the time it is written (applyPatch): a field changes only if the
 * patch's write is not older than the store's, so an edit made meanwhile stays.
 */
import { absUrl, tagHue, type Paper, type ReadingStatus, type Tag } from '../shared/model';
import { fieldTime, lastWrite, sameList } from './stamps';
import { lastChange, type SyncPaper, type SyncState } from './sync-state';

/** A change to one paper, each field with the time of the write that set it. */
export interface PaperPatch {
  id: string;
  /** The paper is new to this browser: the record to put (metadata is a placeholder, completed when seen). */
  create?: Paper;
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

/** The paper a browser creates for a paper first seen through sync. */
function placeholder(p: SyncPaper): Paper {
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

/**
 * Whether a field takes the merge's write (time `at`, value different or not) over the one held here (time `mine`).
 * A later write is taken even when its value is the one held here: the record must carry the time
 * of the newest write this browser has seen, since the next write made here is stamped later than
 * the record's times only (clock.ts `after`). Kept with its own older time, an equal value let a
 * removal made here be older than an edit seen before it (a note another browser wrote later,
 * a year-ahead clock's), and that edit brought the removed paper back everywhere (found by
 * test/unit/sync-property.test.ts). At the same time only a different value is taken (the merge's tie-break).
 */
const takes = (at: number, mine: number, differs: boolean) => at > mine || (differs && at === mine);

/** What the background writes locally so that this browser holds `merged` (merged = merge(fromLocal(local…), remote)). */
export function changesFor(local: readonly Paper[], merged: SyncState, localTags: readonly Tag[] = []): LocalChanges {
  const upserts: PaperPatch[] = [];
  const deletes: string[] = [];
  const have = new Set<string>();
  for (const p of local) {
    have.add(p.id);
    const m = merged.papers.get(p.id);
    if (!m) {
      const t = merged.tombstones.get(p.id);
      if (t !== undefined && lastWrite(p) <= t) deletes.push(p.id);
      continue;
    }
    const patch: PaperPatch = { id: p.id };
    if (takes(m.tagsAt, fieldTime(p, 'tags'), !sameList(p.tags, m.tags))) patch.tags = { value: [...m.tags], at: m.tagsAt };
    if (takes(m.statusAt, fieldTime(p, 'status'), p.status !== m.status)) patch.status = { value: m.status, at: m.statusAt };
    if (m.note !== undefined && takes(m.noteAt, fieldTime(p, 'note'), p.note !== m.note)) patch.note = { value: m.note, at: m.noteAt };
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
      else if (t && (t.name !== mine.name || t.hue !== mine.hue) && takes(t.at, mine.updatedAt ?? 0, true)) {
        // Keeps the rename's time, so this browser does not push the older name back. At the same
        // time (two browsers that created the tag with different cases, never renamed: both 0) the
        // merge's tie-break is taken too: kept, the two names stayed apart for ever (found by
        // test/unit/sync-property.test.ts).
        tags.push({ key: k, name: t.name, hue: t.hue, ...(t.at ? { updatedAt: t.at } : {}) });
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
export function applyPatch(current: Paper | undefined, patch: PaperPatch): Paper | null {
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
  const next: Paper = { ...current };
  let changed = false;
  // Times as in changesFor (`takes`): a later write is taken with an equal value too, for its time.
  if (src.tags && takes(src.tags.at, times.tags, !sameList(current.tags, src.tags.value))) {
    next.tags = [...src.tags.value];
    times.tags = src.tags.at;
    changed = true;
  }
  if (src.status && takes(src.status.at, times.status, current.status !== src.status.value)) {
    next.status = src.status.value;
    times.status = src.status.at;
    changed = true;
  }
  if (src.note && takes(src.note.at, times.note, current.note !== src.note.value)) {
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
