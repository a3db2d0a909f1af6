/** How long ago something happened, in the largest whole unit Intl.RelativeTimeFormat can say. */
export type AgoUnit = 'minute' | 'hour' | 'day';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * `[-n, unit]` for `Intl.RelativeTimeFormat#format` ("5 minutes ago", "yesterday"), or null
 * under a minute ("just now"). A time after `now` (another clock, a skew) counts as just now.
 */
export function ago(at: number, now: number): [number, AgoUnit] | null {
  const ms = now - at;
  if (ms < MINUTE) return null;
  if (ms < HOUR) return [-Math.floor(ms / MINUTE), 'minute'];
  if (ms < DAY) return [-Math.floor(ms / HOUR), 'hour'];
  return [-Math.floor(ms / DAY), 'day'];
}
