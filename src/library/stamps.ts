/**
 * Per-field write times: the rule every writer of the library follows, kept
 * here so that no writer can forget it. Sync merges tags, status and note
 * field by field, last write wins (library/sync.ts); a write that does not
 * stamp its field with its time would be undone by the next sync round.
 */
import type { Paper } from '../shared/model';

/** Times of the last write of each synced field; a paper without it uses updatedAt for all three. */
export interface FieldsAt {
  tags?: number;
  status?: number;
  note?: number;
}

export type StampedField = keyof FieldsAt;
export const STAMPED_FIELDS: readonly StampedField[] = ['tags', 'status', 'note'];

/**
 * The time of the last write of a field: `fieldsAt[field]`, else updatedAt.
 * Once a paper carries fieldsAt, every write of tags, status or note must stamp
 * it (see `stamp`); a write of metadata only (completing a title) must not.
 */
export function fieldTime(p: Paper, field: StampedField): number {
  return p.fieldsAt?.[field] ?? p.updatedAt;
}

/** The latest time any synced part of the record was written (savedAt included). */
export const lastWrite = (p: Paper) => Math.max(p.savedAt, fieldTime(p, 'tags'), fieldTime(p, 'status'), fieldTime(p, 'note'));

/** A paper after a local write of `fields` at `now`: what the store should put. */
export function stamp<P extends Paper>(p: P, fields: readonly StampedField[], now: number): P {
  const fieldsAt = { tags: fieldTime(p, 'tags'), status: fieldTime(p, 'status'), note: fieldTime(p, 'note') };
  for (const f of fields) fieldsAt[f] = now;
  return { ...p, fieldsAt, updatedAt: Math.max(p.updatedAt, now) };
}

export const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The synced fields whose values differ between two records of a paper. */
export function changedFields(before: Paper, after: Paper): StampedField[] {
  const out: StampedField[] = [];
  if (!sameList(before.tags, after.tags)) out.push('tags');
  if (before.status !== after.status) out.push('status');
  if (before.note !== after.note) out.push('note');
  return out;
}
