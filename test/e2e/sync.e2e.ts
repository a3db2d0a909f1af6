/**
 * Sync through the browser's own storage.sync: what another browser of the
 * same user writes there shows up here, and what is saved here is written there.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encode, decode } from '../../src/library/sync-codec';
import { fromLocal } from '../../src/library/sync-state';
import { expectedFixtures } from '../harness/routes.mjs';
import { BROWSERS, openSession, type Session } from './session';
import { controlsReady, popupTitlesAre, pressedIs, saveButton } from './page';

const digest = (expectedFixtures() as Record<string, { url: string; count: number; cards: { id: string; title: string }[] }>)['hf/digest.html'];
const [a, b, c] = digest.cards;

describe.each(BROWSERS)('%s: sync across browsers', (name) => {
  // A browser of its own for each test (a new profile: an empty library and an empty storage.sync),
  // so no test depends on what another saved.
  let s: Session;
  beforeEach(async () => {
    s = await openSession(name);
  });
  afterEach(() => s?.close());

  it('pushes a save to storage.sync', async () => {
    const page = await s.open(digest.url);
    await page.waitFor(controlsReady, digest.count);
    await page.click(...saveButton(a.id));
    await page.waitFor(pressedIs, [a.id, 'true']);
    const popup = await s.open(s.popupUrl);
    await popup.waitFor(
      () =>
        ((globalThis as any).browser?.storage?.sync ?? (globalThis as any).chrome.storage.sync)
          .get(null)
          .then((items: object) => ((window as any).__items = items)) && Object.keys((window as any).__items ?? {}).length > 1,
      undefined,
      15000,
    );
    const items = await popup.evaluate(() => (window as any).__items);
    const state = decode(items)!;
    expect([...state.papers.keys()]).toEqual([a.id]);
    expect(page.errors).toEqual([]);
  });

  it('shows a paper tagged in another browser, arriving through storage.sync, in the open popup', async () => {
    const popup = await s.open(s.popupUrl);
    await popup.waitFor(popupTitlesAre, []);
    // Another browser holds a and b; it tagged b after it saved a.
    const now = Date.now();
    const other = fromLocal(
      [
        {
          id: a.id,
          title: a.title,
          authors: [],
          url: digest.url,
          source: 'hf',
          savedAt: now - 60_000,
          updatedAt: now - 60_000,
          tags: [],
          status: 'to-read',
          note: '',
        },
        {
          id: b.id,
          title: b.title,
          authors: [],
          url: digest.url,
          source: 'hf',
          savedAt: now,
          updatedAt: now,
          tags: ['from-laptop'],
          status: 'reading',
          note: 'Read on the train',
        },
      ],
      [{ key: 'from-laptop', name: 'From laptop', hue: 200 }],
      [],
    );
    const { items } = encode(other, now, { device: 'laptop' });
    await popup.evaluate((it) => ((globalThis as any).browser?.storage?.sync ?? (globalThis as any).chrome.storage.sync).set(it), items);
    await popup.waitFor((t) => Array.from(document.querySelectorAll('li a.title')).some((x) => x.textContent === t), b.title.slice(0, 80).trim(), 15000);
    await popup.waitFor(() => Array.from(document.querySelectorAll('li .chip')).some((c) => c.textContent?.startsWith('From laptop')));
    await popup.waitFor(() =>
      Array.from(document.querySelectorAll<HTMLSelectElement>('li select[aria-label="Reading status"]')).some((x) => x.value === 'reading'),
    );
    expect(popup.errors).toEqual([]);
  });

  it('settles: once a save is pushed, the round its own write starts writes nothing', async () => {
    const popup = await s.open(s.popupUrl);
    // Every change to storage.sync, and every round's end (the status it keeps in storage.local), in order.
    await popup.evaluate((statusKey) => {
      const api = (globalThis as any).browser ?? (globalThis as any).chrome;
      (window as any).__events = [] as string[];
      api.storage.onChanged.addListener((changes: Record<string, unknown>, area: string) => {
        if (area === 'sync') (window as any).__events.push('write');
        if (area === 'local' && changes[statusKey]) (window as any).__events.push('round');
      });
    }, 'papershelf.sync.status');
    const page = await s.open(digest.url);
    await page.waitFor(controlsReady, digest.count);
    await page.click(...saveButton(c.id));
    await page.waitFor(pressedIs, [c.id, 'true']);
    // The save is written to the area (a write), and then a round ends with no write after the last one.
    // Before, Chromium's sorted keys made every round rewrite the manifest, whose change started the next
    // round, for ever: no round ever ended without a write, and this wait timed out.
    await popup.waitFor(
      () => {
        const e: string[] = (window as any).__events;
        const last = e.lastIndexOf('write');
        return (
          last >= 0 && e.indexOf('round', last) > last && e.lastIndexOf('round') === e.length - 1 && e.slice(last).filter((x) => x === 'round').length >= 2
        );
      },
      undefined,
      20_000,
    );
    const events: string[] = await popup.evaluate(() => (window as any).__events);
    expect(events.filter((x) => x === 'write').length).toBeGreaterThan(0);
    expect(page.errors).toEqual([]);
  });
});
