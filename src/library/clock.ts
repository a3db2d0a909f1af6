/**
 * Time is logical, not trusted: a hybrid logical clock, so that every write is
 * later than what it replaces whatever the device's clock says (a dead RTC
 * battery, a VM restored from a snapshot, a phone set by hand).
 *
 * - `next = max(wall, last + 1, after + 1)`: later than the wall clock, than every
 *   time this device issued before, and than `after`, the newest time of what the
 *   write replaces (the record's field times, its tombstone, a tag's rename). The
 *   last part is what makes a user's edit win over the value they were looking at,
 *   even when that value came from a device whose clock is a year ahead.
 * - The device's clock (`meta` record `clock`) also advances past times seen in
 *   sync, but never more than AHEAD_LIMIT past the wall clock: one far-future
 *   time (a backup dated 2099) must not drag every later write of this device
 *   into the future. Causality does not need it: `after` comes from the record.
 * - Times in files (backups, PaperMemory) more than AHEAD_LIMIT ahead are clamped
 *   to now (merge.ts), since a file is not a device that can be answered.
 */
import type { WriteTx } from './write';

export const DAY = 86_400_000;
/** How far ahead of the wall clock a time may be before it is called "from the future". */
export const AHEAD_LIMIT = DAY;
const CLOCK_KEY = 'clock';

/** The pure rule: the next logical time. */
export const nextTime = (wall: number, last: number, after = 0): number => Math.max(wall, last + 1, after + 1);

/** Issues the next logical time inside a write transaction and records it. `after`: times the write replaces. */
export async function tick(tx: WriteTx, wall: number, ...after: number[]): Promise<number> {
  const meta = tx.objectStore('meta');
  const last = (await meta.get(CLOCK_KEY))?.t ?? 0;
  const t = nextTime(wall, last, after.length ? Math.max(...after) : 0);
  await meta.put({ key: CLOCK_KEY, t });
  return t;
}

/** Advances the clock past a time seen elsewhere (a sync round), at most AHEAD_LIMIT past the wall clock. */
export async function observe(tx: WriteTx, wall: number, seen: number): Promise<void> {
  const meta = tx.objectStore('meta');
  const last = (await meta.get(CLOCK_KEY))?.t ?? 0;
  const t = Math.min(seen, wall + AHEAD_LIMIT);
  if (t > last) await meta.put({ key: CLOCK_KEY, t });
}

/** A time from a file: clamped to `now` when more than AHEAD_LIMIT ahead of it. */
export const clampFileTime = (t: number, now: number): number => (t > now + AHEAD_LIMIT ? now : t);
