/** The popup's pure wording: when a paper was removed (Recently removed), what sync left out (footer). */
import { describe, expect, it } from 'vitest';
import { ago } from '../../src/popup/ago';
import { leftOutList } from '../../src/popup/sync-line';

const MIN = 60_000;
const NOW = 1_760_000_000_000;

describe('ago', () => {
  it('says "just now" (null) under a minute, and for a time after now', () => {
    expect(ago(NOW, NOW)).toBeNull();
    expect(ago(NOW - 59_999, NOW)).toBeNull();
    expect(ago(NOW + 5 * MIN, NOW)).toBeNull();
  });
  it('takes the largest whole unit, counted back', () => {
    expect(ago(NOW - MIN, NOW)).toEqual([-1, 'minute']);
    expect(ago(NOW - 59 * MIN - 59_000, NOW)).toEqual([-59, 'minute']);
    expect(ago(NOW - 60 * MIN, NOW)).toEqual([-1, 'hour']);
    expect(ago(NOW - 23.9 * 60 * MIN, NOW)).toEqual([-23, 'hour']);
    expect(ago(NOW - 24 * 60 * MIN, NOW)).toEqual([-1, 'day']);
    expect(ago(NOW - 29.5 * 24 * 60 * MIN, NOW)).toEqual([-29, 'day']);
  });
  it('gives what Intl.RelativeTimeFormat reads as the user would say it', () => {
    const f = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
    expect(f.format(...ago(NOW - 5 * MIN, NOW)!)).toBe('5 minutes ago');
    expect(f.format(...ago(NOW - 25 * 60 * MIN, NOW)!)).toBe('yesterday');
  });
});

describe('leftOutList', () => {
  it('lists the counts that are not zero, in the singular or plural, numbers formatted', () => {
    expect(leftOutList({ at: 0, included: 10, excluded: 1234, notesLeftOut: 1, tombstonesLeftOut: 2 })).toBe('1,234 papers, 1 note, 2 removals');
    expect(leftOutList({ at: 0, included: 10, excluded: 0, notesLeftOut: 3 })).toBe('3 notes');
    expect(leftOutList({ at: 0, included: 10, excluded: 1, tombstonesLeftOut: 1 })).toBe('1 paper, 1 removal');
    expect(leftOutList({ at: 0, included: 10, excluded: 0 })).toBe('');
  });
});
