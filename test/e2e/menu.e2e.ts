/**
 * The context-menu item "Save to PaperShelf" on a link to a paper, anywhere on
 * the web: the paper is saved from the link, and its title, authors and
 * abstract are fetched at once (Hugging Face's paper API, else the arXiv
 * abstract page; both answered from the fixtures at their real URLs); with
 * neither, it is completed when the user opens the paper's own page (a card on
 * a listing is page text: it completes nothing). No browser lets a test open
 * a native context menu, so the test runs the item's action
 * (self.papershelfSaveLink) in the background. Each scenario starts from an
 * empty library (shelf.ts) and saves a paper of its own, so each runs alone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedFixtures, FIXTURES } from '../harness/routes.mjs';
import { BROWSERS, openSession, type Session, type Tab } from './session';
import { controlsReady, popupTitlesAre, pressedIs } from './page';
import { resetLibrary } from './shelf';

type Fixture = { url: string; count: number; cards: { id: string; title: string; authors?: string[] }[] };
const fixtures = expectedFixtures() as Record<string, Fixture>;
const digest = fixtures['hf/digest.html'];
/** Has a Hugging Face API fixture (test/fixtures/api/hf-papers/). */
const viaHf = digest.cards[4];
/** No API fixture (the API answers 404), an arXiv abstract page fixture: arxiv/abs.html. */
const viaArxiv = fixtures['arxiv/abs.html'].cards[0];
/** Neither: saved bare, completed on its own abstract page. */
const bare = digest.cards[5];

/** The stored record of a paper, read in one of our pages (same origin as the library). */
function storedPaper(id: string): Promise<{ title: string; authors: string[]; abstract?: string; url: string; source: string } | null> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open('papershelf');
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const db = req.result;
      const tx = db.transaction(
        ['papers', 'abstracts'].filter((s) => db.objectStoreNames.contains(s)),
        'readonly',
      );
      const get = tx.objectStore('papers').get(id);
      // Since v7 the abstracts are in pages ({id, texts: {paperId: text}}, src/library/abstracts.ts).
      const pages = db.objectStoreNames.contains('abstracts') ? tx.objectStore('abstracts').getAll() : null;
      tx.oncomplete = () => {
        db.close();
        const p = get.result;
        const page = (pages?.result ?? []).find((pg: { texts?: Record<string, string> }) => pg.texts && id in pg.texts);
        resolve(p ? { ...p, abstract: p.abstract ?? page?.texts[id] } : null);
      };
      tx.onerror = () => reject(tx.error);
    };
  });
}

describe.each(BROWSERS)('%s: save from a link anywhere', (name) => {
  let s: Session;
  let popup: Tab;
  const saveLink = async (info: Record<string, string>) => {
    if (s.evalBackground) return s.evalBackground((i) => (self as any).papershelfSaveLink(i), info);
    // Firefox: the event page is a page; the popup can reach it.
    return popup.evaluate(async (i) => ((await (globalThis as any).browser.runtime.getBackgroundPage()) as any).papershelfSaveLink(i), info);
  };

  beforeAll(async () => {
    s = await openSession(name);
    popup = await s.open(s.popupUrl);
  });
  afterAll(async () => {
    try {
      expect(popup?.errors).toEqual([]);
      expect(await s.backgroundErrors()).toEqual([]);
    } finally {
      await s?.close();
    }
  });

  it('a linked paper shows its real title at once, from the Hugging Face paper API, without a listing', async () => {
    await resetLibrary(popup);
    const info = { linkUrl: `https://arxiv.org/pdf/${viaHf.id}v1`, pageUrl: 'https://blog.example/reading-list', menuItemId: 'papershelf-save-link' };
    expect(await saveLink(info)).toBe(true);
    await popup.waitFor(popupTitlesAre, [viaHf.title], 10_000);
    const stored = await popup.evaluate(storedPaper, viaHf.id);
    expect(stored).toMatchObject({ title: viaHf.title, authors: viaHf.authors, url: 'https://blog.example/reading-list', source: 'arxiv' });
    const seed = JSON.parse(readFileSync(join(FIXTURES, 'api', 'hf-papers', `${viaHf.id}.json`), 'utf8'));
    expect(stored?.abstract).toBe(seed.summary.replace(/\s+/g, ' ').trim());
  });

  it('falls back to the arXiv abstract page when Hugging Face has no such paper', async () => {
    await resetLibrary(popup);
    const info = { linkUrl: `https://huggingface.co/papers/${viaArxiv.id}`, pageUrl: 'https://blog.example/reading-list', menuItemId: 'papershelf-save-link' };
    expect(await saveLink(info)).toBe(true);
    await popup.waitFor(popupTitlesAre, [viaArxiv.title], 10_000);
    expect(await popup.evaluate(storedPaper, viaArxiv.id)).toMatchObject({ title: viaArxiv.title, authors: viaArxiv.authors, source: 'hf' });
  });

  it("with neither answering, saves the bare record and completes it when the paper's own page is opened", async () => {
    await resetLibrary(popup);
    const info = { linkUrl: `https://arxiv.org/abs/${bare.id}`, pageUrl: 'https://blog.example/reading-list', menuItemId: 'papershelf-save-link' };
    expect(await saveLink(info)).toBe(true);
    await popup.waitFor(popupTitlesAre, [`arXiv:${bare.id}`]);
    // Its own abstract page, as arXiv serves it (the abstract page fixture, for this id and title).
    const own = `https://arxiv.org/abs/${bare.id}`;
    const html = readFileSync(join(FIXTURES, 'arxiv', 'abs.html'), 'utf8')
      .replaceAll(viaArxiv.id, bare.id)
      .replaceAll(viaArxiv.title, bare.title);
    s.pages.set(own, html);
    try {
      const page = await s.open(own);
      await page.waitFor(controlsReady, 1);
      await page.waitFor(pressedIs, [bare.id, 'true']);
      await popup.waitFor(popupTitlesAre, [bare.title]);
      expect(page.errors).toEqual([]);
    } finally {
      s.pages.delete(own);
    }
  });
});
