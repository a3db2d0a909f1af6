/**
 * Sync of the library through the browser's own sync area (`storage.sync`:
 * Chrome Sync, Firefox Sync), with no server: one round, pull, merge, write
 * locally, push the difference. Pure of browser APIs: the area and the local
 * store come in as interfaces (background/syncer.ts wires them).
 *
 * The pieces: sync-state.ts (what syncs and the merge), sync-codec.ts (what
 * goes in the area within its quotas; the format itself in sync-items.ts and
 * sync-read.ts), sync-patch.ts (the merged state back into
 * local writes), sync-local.ts (those writes, in IndexedDB).
 *
 * Removals: which tombstones the area carries is decided so that two browsers
 * never rewrite it in turn. A browser writes the removals the area already holds
 * (until they are TOMBSTONE_TTL old by its clock) and its own not yet written
 * (`synced` false): it never puts back a removal another browser let expire.
 * A local tombstone is collected only once it was written (sync-local.ts).
 */
import { t } from '../shared/i18n';
import type { Paper, Tag } from '../shared/model';
import { learnt, type Tombstone } from './db';
import { AHEAD_LIMIT, DAY } from './clock';
import { lastWrite } from './stamps';
import { decode, diffItems, encode, lastWriter, newerFormat } from './sync-codec';
import { changesFor, type LocalChanges } from './sync-patch';
import { emptyState, fromLocal, merge, type SyncState } from './sync-state';

/** Removals older than this (by the writer's clock) are no longer written to the area: a browser offline longer may bring a paper back. */
export const TOMBSTONE_TTL = 60 * DAY;

/** The part of storage.sync used here (browser.storage.sync fits it). */
export interface SyncArea {
  get(keys?: null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string[]): Promise<void>;
}

export interface LocalLibrary {
  papers: Paper[];
  tags: Tag[];
  tombstones: Tombstone[];
}

export interface SyncDeps {
  area: SyncArea;
  readLocal(): Promise<LocalLibrary>;
  /** Writes the changes in one transaction (each paper through applyPatch; deletes only if not edited since) and keeps merged.tombstones. */
  writeLocal(changes: LocalChanges, merged: SyncState): Promise<void>;
  /** Marks these local tombstones as written to the area (they may be collected once old). */
  markSynced(ids: string[]): Promise<void>;
  /** The wall clock. */
  now(): number;
  device?: string;
}

export interface SyncReport {
  at: number;
  /** Papers synced, and left out for room. */
  included: number;
  excluded: number;
  /** Notes left out (their papers sync without them), and of those the ones too long to ever sync here. */
  notesLeftOut: number;
  notesTooLong: number;
  /** Removals written to the area, and left out for room. */
  tombstones: number;
  tombstonesLeftOut: number;
  bytes: number;
  /** Items written and removed in the area (0 and 0: nothing to push). */
  written: number;
  removed: number;
  /** Papers created or changed, and removed, in this browser. */
  pulled: { upserts: number; deletes: number };
  /** The device that wrote the area last, when its clock was more than a day ahead of this one's. */
  ahead?: { device: string; ms: number };
  /** The device that wrote the area last (to clear an `ahead` once it is right again). */
  writer?: string;
  /** Set when the area holds a newer format: nothing was written. */
  error?: string;
}

/**
 * Whether the local tombstones differ from what the merge says they should be:
 * a removal learnt from elsewhere (kept, so an old copy on a browser that was
 * offline cannot bring the paper back here either), or an old one the area has had, to collect.
 * Only a removal applySync (sync-local.ts) would keep counts: not one of a paper held here and
 * written after it (restored, saved again, edited since), nor one older than TOMBSTONE_TTL (it
 * would be collected in the same transaction). Counting those called writeLocal in every round
 * for as long as the area held them, a write in a round that changes nothing (found by
 * test/unit/sync-property.test.ts).
 */
function tombstonesToWrite(local: LocalLibrary, merged: SyncState, now: number): boolean {
  if (local.tombstones.some((t) => t.synced && learnt(t) < now - TOMBSTONE_TTL)) return true;
  const mine = new Map(local.tombstones.map((t) => [t.id, t.deletedAt]));
  const held = new Map(local.papers.map((p) => [p.id, p]));
  for (const [id, t] of merged.tombstones) {
    if (mine.get(id) === t) continue;
    const p = held.get(id);
    if (!p || lastWrite(p) <= t) return true;
  }
  return false;
}

/**
 * The removals this round writes: those the area holds that this browser learnt of less than
 * TOMBSTONE_TTL ago by its own clock (a removal stamped by a clock a year ahead is not old), and
 * this browser's own not yet written.
 */
function removalsToWrite(merged: SyncState, remote: SyncState, local: LocalLibrary, now: number): Map<string, number> {
  const unsynced = new Set(local.tombstones.filter((t) => !t.synced).map((t) => t.id));
  const learntAt = new Map(local.tombstones.map((t) => [t.id, learnt(t)]));
  const oldest = now - TOMBSTONE_TTL;
  const out = new Map<string, number>();
  for (const [id, at] of merged.tombstones) if (unsynced.has(id) || (remote.tombstones.has(id) && (learntAt.get(id) ?? now) >= oldest)) out.set(id, at);
  return out;
}

/** Pull, merge, write locally, push the difference. The caller serialises calls and debounces them. */
export async function syncOnce(deps: SyncDeps): Promise<SyncReport> {
  const items = await deps.area.get(null);
  const now = deps.now();
  const writer = lastWriter(items);
  const ahead = writer?.device && writer.device !== deps.device && writer.at > now + AHEAD_LIMIT ? { device: writer.device, ms: writer.at - now } : undefined;
  const base = {
    at: now,
    ...(ahead ? { ahead } : {}),
    ...(writer?.device ? { writer: writer.device } : {}),
  };
  const newer = newerFormat(items);
  if (newer !== null) {
    const nothing = { included: 0, excluded: 0, notesLeftOut: 0, notesTooLong: 0, tombstones: 0, tombstonesLeftOut: 0, bytes: 0, written: 0, removed: 0 };
    return { ...base, ...nothing, pulled: { upserts: 0, deletes: 0 }, error: t('lib_syncNewerFormat', newer) };
  }
  const remote = decode(items) ?? emptyState();
  const local = await deps.readLocal();
  const merged = merge(fromLocal(local.papers, local.tags, local.tombstones), remote);
  const changes = changesFor(local.papers, merged, local.tags);
  if (changes.upserts.length || changes.deletes.length || changes.tags.length || tombstonesToWrite(local, merged, now)) await deps.writeLocal(changes, merged);
  const enc = encode({ ...merged, tombstones: removalsToWrite(merged, remote, local, now) }, now, { device: deps.device, area: remote });
  const diff = diffItems(items, enc.items);
  const written = Object.keys(diff.set).length;
  // Stale chunks go first: the quota counts them until they are gone, and new and old together
  // may not fit. A browser that reads in between sees less, and less is never a removal here.
  if (diff.remove.length) await deps.area.remove(diff.remove);
  if (written) await deps.area.set(diff.set);
  // Only now are these removals in the area: the local tombstones may be collected when old.
  const fresh = new Set(local.tombstones.filter((t) => !t.synced).map((t) => t.id));
  const synced = enc.tombstoneIds.filter((id) => fresh.has(id));
  if (synced.length) await deps.markSynced(synced);
  return {
    ...base,
    included: enc.included,
    excluded: enc.excluded,
    notesLeftOut: enc.notesLeftOut,
    notesTooLong: enc.notesTooLong,
    tombstones: enc.tombstoneIds.length,
    tombstonesLeftOut: enc.tombstonesLeftOut,
    bytes: enc.bytes,
    written,
    removed: diff.remove.length,
    pulled: { upserts: changes.upserts.length, deletes: changes.deletes.length },
  };
}
