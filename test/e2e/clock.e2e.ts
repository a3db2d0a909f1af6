/**
 * Issue 17 with real clocks: a browser whose clock is a year ahead (Chromium
 * under Debian's libfaketime, FAKETIME=+365d) and one whose clock is right.
 * Their storage.sync is carried between them by the test, as Chrome Sync
 * would. The browser ahead saves a paper; the other removes it; the
 * removal wins on both, and the right browser's options page names the
 * device whose clock was ahead. Without logical time the save, stamped a year
 * later, would bring the paper back on both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedFixtures } from '../harness/routes.mjs';
import { BROWSERS, openSession, type Session, type Tab } from './session';
import { controlsReady, pressedIs, saveButton } from './page';

const digest = (expectedFixtures() as Record<string, { url: string; count: number; cards: { id: string; title: string }[] }>)['hf/digest.html'];
const paper = digest.cards[1];

/** Everything in this browser's storage.sync, read in one of our pages. */
function syncItems(): Promise<Record<string, unknown>> {
  const g = globalThis as unknown as { chrome: { storage: { sync: { get(k: null): Promise<Record<string, unknown>> } } } };
  return g.chrome.storage.sync.get(null);
}

/** Makes this browser's storage.sync hold exactly `items`, as the browser's own sync would after another browser wrote. */
async function replaceSync(items: Record<string, unknown>): Promise<void> {
  const sync = (
    globalThis as unknown as {
      chrome: { storage: { sync: { get(k: null): Promise<Record<string, unknown>>; remove(k: string[]): Promise<void>; set(i: object): Promise<void> } } };
    }
  ).chrome.storage.sync;
  const have = await sync.get(null);
  const gone = Object.keys(have).filter((k) => !(k in items));
  if (gone.length) await sync.remove(gone);
  await sync.set(items);
}

/** The ids the popup lists. */
const listed = () =>
  Array.from(document.querySelectorAll('ul[aria-label="Saved papers"] li a.title')).map((a) => (a.getAttribute('href') ?? '').split('/').pop());
const listIs = (want: string[]) =>
  JSON.stringify(
    Array.from(document.querySelectorAll('ul[aria-label="Saved papers"] li a.title')).map((a) => (a.getAttribute('href') ?? '').split('/').pop()),
  ) === JSON.stringify(want);

describe.runIf(BROWSERS.includes('chromium'))('chromium: a browser a year ahead and one on time, syncing', () => {
  let ahead: Session;
  let onTime: Session;
  beforeAll(async () => {
    ahead = await openSession('chromium', { faketime: '+365d' });
    onTime = await openSession('chromium');
  }, 120_000);
  afterAll(async () => {
    await ahead?.close();
    await onTime?.close();
  });

  it('a save made a year ahead is removed for good by the browser on time; its options page names the device ahead', async () => {
    // The clock is really ahead in that browser.
    const aheadPopup: Tab = await ahead.open(ahead.popupUrl);
    const year = await aheadPopup.evaluate(() => new Date().getFullYear());
    expect(year).toBe(new Date().getFullYear() + 1);

    // Saved and tagged a year ahead, on a card.
    const page = await ahead.open(digest.url);
    await page.waitFor(controlsReady, digest.count);
    await page.click(...saveButton(paper.id));
    await page.waitFor(pressedIs, [paper.id, 'true']);
    await aheadPopup.waitFor(listIs, [paper.id], 10_000);
    // Its round wrote the area (a manifest and a chunk).
    await aheadPopup.waitFor(
      () => (globalThis as any).chrome.storage.sync.get(null).then((i: object) => ((window as any).__n = Object.keys(i).length)) && (window as any).__n > 1,
      undefined,
      15_000,
    );

    // The browser on time receives it, and the user removes it there.
    const popup = await onTime.open(onTime.popupUrl);
    await popup.evaluate(replaceSync, await aheadPopup.evaluate(syncItems));
    await popup.waitFor(listIs, [paper.id], 15_000);
    await popup.click(`ul[aria-label="Saved papers"] li:has(a.title[href$="/${paper.id}"]) button[aria-label="Remove"]`);
    await popup.waitFor(listIs, [], 10_000);
    // Its round wrote the removal to its area; carried back to the browser ahead.
    await popup.waitFor(
      () =>
        (globalThis as any).chrome.storage.sync
          .get(null)
          .then((i: Record<string, unknown>) => ((window as any).__d = Object.keys(i).some((k) => k.startsWith('d:')))) && (window as any).__d,
      undefined,
      15_000,
    );
    await aheadPopup.evaluate(replaceSync, await popup.evaluate(syncItems));

    // The removal wins there too, and stays won after the next rounds both ways.
    await page.waitFor(pressedIs, [paper.id, 'false'], 15_000);
    await aheadPopup.waitFor(listIs, [], 15_000);
    await popup.evaluate(replaceSync, await aheadPopup.evaluate(syncItems));
    expect(await popup.evaluate(listed)).toEqual([]);

    // The options page of the browser on time says whose clock was ahead.
    const options = await onTime.open(popup.url().replace('src/popup/index.html', 'src/options/index.html#sync'));
    await options.waitFor(() => /365 days ahead|36[45] days ahead/.test(document.getElementById('sync-details')?.textContent ?? ''), undefined, 15_000);
    expect(page.errors).toEqual([]);
  }, 120_000);
});
