/**
 * Issue 3, as a user does it: tag on the card by keyboard, review in the popup
 * (filter, rename, status, notes, undo), and see every change on the open page.
 * Each scenario empties the library and seeds what it starts from (shelf.ts), so
 * each runs alone.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectedFixtures } from '../harness/routes.mjs';
import { BROWSERS, openSession, type Session, type Tab } from './session';
import { cardTagsAre, choose, controlsReady, focusedInCard, popupTitlesAre, pressedIs, saveButton } from './page';
import { resetLibrary, type Seed } from './shelf';

const digest = (expectedFixtures() as Record<string, { url: string; count: number; cards: { id: string; title: string }[] }>)['hf/digest.html'];
const [a, b, c] = digest.cards;

describe.each(BROWSERS)('%s: tags, status and notes', (name) => {
  let s: Session;
  /** An extension page the library is reset and seeded from. */
  let admin: Tab;
  const tabs: Tab[] = [];
  /** The tabs of the running scenario, closed after it. */
  let mine: Tab[] = [];
  const open = async (url: string) => {
    const t = await s.open(url);
    tabs.push(t);
    mine.push(t);
    return t;
  };
  /** The library holds `papers` only (the last one newest). */
  const given = (...papers: Seed[]) => resetLibrary(admin, papers);
  /** The digest, its controls ready. */
  const digestPage = async () => {
    const t = await open(digest.url);
    await t.waitFor(controlsReady, digest.count);
    return t;
  };

  beforeAll(async () => {
    s = await openSession(name);
    admin = await open(s.popupUrl);
    mine = [];
  });
  afterEach(async () => {
    for (const t of mine) await t.close().catch(() => {}); // closed already by the scenario
    mine = [];
  });
  afterAll(async () => {
    try {
      for (const t of tabs) expect(t.errors, `errors on ${t.url()}`).toEqual([]);
    } finally {
      await s?.close();
    }
  });

  it('tags an unsaved paper on its card by keyboard alone, which saves it', async () => {
    await given();
    const page = await digestPage();
    await page.waitFor(pressedIs, [a.id, 'false']);
    // Focus the save control, then Tab to "Add tag": no mouse from here on.
    await page.evaluate((id) => (document.querySelector(`[data-papershelf="${id}"]`)!.shadowRoot!.querySelector('button') as HTMLElement).focus(), a.id);
    await page.press('Tab');
    expect(await page.evaluate(focusedInCard, a.id)).toBe('button#Add tag');
    await page.press('Enter');
    expect(await page.evaluate(focusedInCard, a.id)).toBe('input#Tag name');
    await page.type('Diffusion');
    await page.press('Enter');
    await page.type('to-skim');
    await page.press('Enter');
    await page.waitFor(cardTagsAre, [a.id, ['Diffusion', 'to-skim']]);
    await page.press('Backspace'); // on an empty input: removes the last tag
    await page.waitFor(cardTagsAre, [a.id, ['Diffusion']]);
    await page.press('Escape');
    expect(await page.evaluate(focusedInCard, a.id)).toBe('button#Add tag');
    await page.waitFor(pressedIs, [a.id, 'true']);
    const popup = await open(s.popupUrl);
    await popup.waitFor(popupTitlesAre, [a.title]);
  });

  it('shows the tag in the popup and filters by it; the filter survives closing the popup', async () => {
    await given({ ...a, tags: ['Diffusion'] }, b);
    let popup = await open(s.popupUrl);
    await popup.waitFor(popupTitlesAre, [b.title, a.title]);
    // A user picks the tag once the list offers it.
    await popup.waitFor(() => !!document.querySelector('select[aria-label="Filter by tag"] option[value="diffusion"]'));
    await popup.evaluate(choose, ['select[aria-label="Filter by tag"]', 'diffusion']);
    await popup.waitFor(popupTitlesAre, [a.title]);
    await popup.close();
    popup = await open(s.popupUrl);
    await popup.waitFor(popupTitlesAre, [a.title]);
    await popup.click('button[aria-label="Remove filter Diffusion"]');
    await popup.waitFor(popupTitlesAre, [b.title, a.title]);
  });

  it('renames the tag in the popup and the chip changes on the open page', async () => {
    await given({ ...a, tags: ['Diffusion'] }, b);
    const page = await digestPage();
    await page.waitFor(cardTagsAre, [a.id, ['Diffusion']]);
    const popup = await open(s.popupUrl);
    await popup.waitFor(popupTitlesAre, [b.title, a.title]);
    await popup.click('#tab-tags');
    await popup.click('button[aria-label="Rename Diffusion"]');
    await popup.evaluate(() => {
      const input = document.querySelector<HTMLInputElement>('input[aria-label="New name for Diffusion"]')!;
      input.select();
    });
    await popup.type('Diffusion models');
    await popup.press('Enter');
    await popup.waitFor(() => document.querySelector('.tag-row .chip')?.textContent === 'Diffusion models');
    await page.waitFor(cardTagsAre, [a.id, ['Diffusion models']]);
    await popup.click('#tab-papers');
    await popup.waitFor(popupTitlesAre, [b.title, a.title]);
  });

  it('searches as you type', async () => {
    await given({ ...a, tags: ['Diffusion models'] }, b);
    const popup = await open(s.popupUrl);
    await popup.waitFor(popupTitlesAre, [b.title, a.title]);
    await popup.click('input[aria-label="Search saved papers"]');
    await popup.type('diffusion mod');
    await popup.waitFor(popupTitlesAre, [a.title]);
    await popup.evaluate(() => {
      const i = document.querySelector<HTMLInputElement>('input[aria-label="Search saved papers"]')!;
      i.value = '';
      i.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await popup.waitFor(popupTitlesAre, [b.title, a.title]);
  });

  it('sets the reading status from the row, by mouse and by keyboard', async () => {
    await given(a, b);
    const popup = await open(s.popupUrl);
    await popup.waitFor(popupTitlesAre, [b.title, a.title]);
    await popup.evaluate(choose, ['li:nth-child(2) select[aria-label="Reading status"]', 'reading']);
    await popup.waitFor(() => document.querySelector<HTMLSelectElement>('li:nth-child(2) select[aria-label="Reading status"]')?.value === 'reading');
    await popup.evaluate(() => (document.querySelector('li:nth-child(1)') as HTMLElement).focus());
    await popup.press('s');
    await popup.waitFor(() => document.querySelector<HTMLSelectElement>('li:nth-child(1) select[aria-label="Reading status"]')?.value === 'reading');
    await popup.evaluate(choose, ['select[aria-label="Filter by status"]', 'reading']);
    await popup.waitFor(popupTitlesAre, [b.title, a.title]);
    await popup.evaluate(choose, ['select[aria-label="Filter by status"]', '']);
  });

  it('keeps a note written just before the popup closed', async () => {
    await given(a, b);
    let popup = await open(s.popupUrl);
    await popup.waitFor(popupTitlesAre, [b.title, a.title]);
    await popup.click('li:nth-child(1) button[aria-expanded="false"]:not([aria-label])');
    await popup.waitFor(() => document.activeElement?.getAttribute('aria-label') === 'Note');
    await popup.type('Compare with the KV-cache paper');
    await popup.close(); // mid-edit, within the debounce
    popup = await open(s.popupUrl);
    await popup.waitFor((t) => document.querySelector('li:nth-child(1) .note')?.textContent === t, 'Compare with the KV-cache paper', 5000);
  });

  it('removes with undo, and the card follows', async () => {
    await given(a, { ...b, note: 'Compare with the KV-cache paper' });
    const page = await digestPage();
    await page.waitFor(pressedIs, [b.id, 'true']);
    const popup = await open(s.popupUrl);
    await popup.waitFor(popupTitlesAre, [b.title, a.title]);
    await popup.click('li:nth-child(1) button[aria-label="Remove"]');
    await popup.waitFor(popupTitlesAre, [a.title]);
    await page.waitFor(pressedIs, [b.id, 'false']);
    await popup.click('.toast button');
    await popup.waitFor(popupTitlesAre, [b.title, a.title]);
    await page.waitFor(pressedIs, [b.id, 'true']);
    await popup.waitFor(() => document.querySelector('li:nth-child(1) .note')?.textContent === 'Compare with the KV-cache paper');
  });

  it('tags, sets status and removes in bulk', async () => {
    await given(a, b);
    const page = await digestPage();
    await page.waitFor(pressedIs, [c.id, 'false']);
    const popup = await open(s.popupUrl);
    await popup.waitFor(popupTitlesAre, [b.title, a.title]);
    await page.click(...saveButton(c.id));
    await popup.waitFor(popupTitlesAre, [c.title, b.title, a.title]);
    await popup.click('li:nth-child(1) input[type="checkbox"]');
    await popup.click('li:nth-child(2) input[type="checkbox"]');
    await popup.click('input[aria-label="Tag selected papers"]');
    await popup.type('batch');
    await popup.press('Enter');
    await page.waitFor(cardTagsAre, [c.id, ['batch']]);
    await page.waitFor(cardTagsAre, [b.id, ['batch']]);
    await popup.click('.bulk button.danger');
    await popup.waitFor(popupTitlesAre, [a.title]);
    await page.waitFor(pressedIs, [c.id, 'false']);
  });
});
