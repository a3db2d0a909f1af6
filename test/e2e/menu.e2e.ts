/**
 * The context-menu item "Save to PaperShelf" on a link to a paper, anywhere on
 * the web: the paper is saved from the link, then completed when it is seen on
 * a listing. No browser lets a test open a native context menu, so the test
 * runs the item's action (self.papershelfSaveLink) in the background.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedFixtures } from '../harness/routes.mjs';
import { BROWSERS, openSession, type Session } from './session';
import { controlsReady, popupTitlesAre, pressedIs } from './page';

const digest = (expectedFixtures() as Record<string, { url: string; count: number; cards: { id: string; title: string }[] }>)['hf/digest.html'];
const paper = digest.cards[4];

describe.each(BROWSERS)('%s: save from a link anywhere', (name) => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(name);
  });
  afterAll(() => s?.close());

  it('saves a linked paper, shows it saved on the digest, and completes its metadata there', async () => {
    const info = { linkUrl: `https://arxiv.org/pdf/${paper.id}v1`, pageUrl: 'https://blog.example/reading-list', menuItemId: 'papershelf-save-link' };
    const popup = await s.open(s.popupUrl);
    if (s.evalBackground) {
      expect(await s.evalBackground((i) => (self as any).papershelfSaveLink(i), info)).toBe(true);
    } else {
      // Firefox: the event page is a page; the popup can reach it.
      expect(await popup.evaluate(async (i) => ((await (globalThis as any).browser.runtime.getBackgroundPage()) as any).papershelfSaveLink(i), info)).toBe(true);
    }
    await popup.waitFor(popupTitlesAre, [`arXiv:${paper.id}`]);
    const page = await s.open(digest.url);
    await page.waitFor(controlsReady, digest.count);
    await page.waitFor(pressedIs, [paper.id, 'true']);
    // Seeing the card completes the bare record: the popup now shows the real title.
    await popup.waitFor(popupTitlesAre, [paper.title]);
    expect(page.errors).toEqual([]);
    expect(popup.errors).toEqual([]);
  });
});
