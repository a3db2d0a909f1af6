/**
 * Sync through the browser's own storage.sync: what another browser of the
 * same user writes there shows up here, and what is saved here is written there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encode, decode } from '../../src/library/sync-codec';
import { fromLocal } from '../../src/library/sync-state';
import { expectedFixtures } from '../harness/routes.mjs';
import { BROWSERS, openSession, type Session } from './session';
import { controlsReady, popupTitlesAre, pressedIs, saveButton } from './page';

const digest = (expectedFixtures() as Record<string, { url: string; count: number; cards: { id: string; title: string }[] }>)['hf/digest.html'];
const [a, b] = digest.cards;

describe.each(BROWSERS)('%s: sync across browsers', (name) => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(name);
  });
  afterAll(() => s?.close());

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
    await popup.waitFor(popupTitlesAre, [a.title]);
    // Another browser holds a and b; it tagged b after a was saved here.
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
});
