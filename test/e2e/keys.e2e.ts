/**
 * The popup by keyboard alone, in both browsers: one check per documented key
 * and per focus rule. The first scenario saves its papers by real clicks on the
 * digest; the others seed theirs (shelf.ts) and open a popup of their own, so
 * each runs alone. Once a popup is open, it gets keys only.
 */
import { describe, expect, it } from 'vitest';
import { expectedFixtures } from '../harness/routes.mjs';
import { BROWSERS, scenarioTabs, useSession, type Tab } from './session';
import { controlsReady, pressedIs, saveButton } from './page';
import { resetLibrary } from './shelf';

const digest = (expectedFixtures() as Record<string, { url: string; count: number; cards: { id: string; title: string }[] }>)['hf/digest.html'];
const papers = digest.cards.slice(0, 4);

/** What has focus in the popup: "search", "row <i>", or "tag <aria-label>". */
function focusIs(want: string): boolean {
  const el = document.activeElement as HTMLElement | null;
  if (!el) return false;
  const row = el.closest('li[data-index]');
  const got = el.matches('input.search')
    ? 'search'
    : el.tagName === 'LI' && row
      ? `row ${row.getAttribute('data-index')}`
      : `${el.tagName.toLowerCase()} ${el.getAttribute('aria-label') ?? el.textContent?.trim() ?? ''}${row ? ` in row ${row.getAttribute('data-index')}` : ''}`;
  (window as unknown as { __focus: string }).__focus = got;
  return got === want;
}

const titles = () => Array.from(document.querySelectorAll('ul[aria-label="Saved papers"] li a.title')).map((a) => a.textContent);
function cursorRow(): number {
  return Number(document.querySelector('.row.focused')?.closest('li')?.getAttribute('data-index') ?? -1);
}

/** The popup lists `n` saved papers. */
const rowsAre = (n: number) => document.querySelectorAll('ul[aria-label="Saved papers"] li').length === n;

describe.each(BROWSERS)('%s: the popup by keyboard', (name) => {
  const ctx = useSession(name);
  /** An extension page the library is reset and seeded from. */
  let admin: Tab | undefined;
  /** Opens a tab of the running scenario, closed after it. */
  const open = scenarioTabs(ctx);
  let popup: Tab;
  const focus = (want: string) => popup.waitFor(focusIs, want, 5000);
  /**
   * The library holds `papers` only, the popup lists them in that order, each to read, and a
   * popup of the scenario's own is open on them, nothing focused.
   */
  const given = async () => {
    admin ??= await ctx.open(ctx.s.popupUrl);
    await resetLibrary(admin, [...papers].reverse());
    popup = await open(ctx.s.popupUrl);
    await popup.waitFor(rowsAre, papers.length);
    expect(await popup.evaluate(titles)).toEqual(papers.map((p) => p.title));
  };
  /** The cursor on row 1, by keys. */
  const toRow1 = async () => {
    await popup.press('j');
    await focus('row 0');
    await popup.press('j');
    await focus('row 1');
  };

  it('opens with a visible cursor on the first row and nothing focused that a key could destroy', async () => {
    admin ??= await ctx.open(ctx.s.popupUrl);
    await resetLibrary(admin);
    const page = await open(digest.url);
    await page.waitFor(controlsReady, digest.count);
    // Oldest first, so the popup (newest first) lists them in reverse.
    for (const p of [...papers].reverse()) {
      await page.click(...saveButton(p.id));
      await page.waitFor(pressedIs, [p.id, 'true']);
    }
    popup = await open(ctx.s.popupUrl);
    await popup.waitFor(rowsAre, papers.length);
    expect(await popup.evaluate(titles)).toEqual(papers.map((p) => p.title));
    expect(await popup.evaluate(cursorRow)).toBe(0);
    // Delete with nothing focused removes nothing.
    await popup.press('Delete');
    await popup.press('Backspace');
    // Positive control instead of a sleep: a key on a focused row that goes to the background as a
    // removal does (s, the status), pressed after them, is answered and shown; a removal would have been too.
    await popup.press('j');
    await focus('row 0');
    await popup.press('s');
    await popup.waitFor(() => document.querySelector<HTMLSelectElement>('li[data-index="0"] select[aria-label="Reading status"]')?.value === 'reading');
    expect(await popup.evaluate(titles)).toHaveLength(papers.length);
    expect(await popup.evaluate(() => document.querySelector('.toast'))).toBeNull();
  });

  it('/ focuses the search box; ↓ goes into the results, on the first row; ↑ from the first row returns', async () => {
    await given();
    await popup.press('/');
    await focus('search');
    await popup.press('ArrowDown');
    await focus('row 0');
    await popup.press('ArrowUp');
    await focus('search');
  });

  it('j and k, ↓ and ↑ move the cursor one row at a time; the first move from outside lands on the cursor row', async () => {
    await given();
    // From the search box, as a user who typed there first: Escape leaves it.
    await popup.press('/');
    await focus('search');
    await popup.press('Escape');
    await popup.press('j');
    await focus('row 0');
    await popup.press('j');
    await focus('row 1');
    await popup.press('ArrowDown');
    await focus('row 2');
    await popup.press('k');
    await focus('row 1');
    await popup.press('ArrowUp');
    await focus('row 0');
    expect(await popup.evaluate(cursorRow)).toBe(0);
  });

  it('s cycles the status of the focused row', async () => {
    await given();
    await toRow1();
    const status = () => document.querySelector<HTMLSelectElement>('li[data-index="1"] select[aria-label="Reading status"]')?.value;
    expect(await popup.evaluate(status)).toBe('to-read');
    await popup.press('s');
    await popup.waitFor(() => document.querySelector<HTMLSelectElement>('li[data-index="1"] select[aria-label="Reading status"]')?.value === 'reading');
    await focus('row 1');
  });

  it('t opens the tag input; Enter adds; Escape closes it and gives focus back to its opener', async () => {
    await given();
    await toRow1();
    await popup.press('t');
    await focus('input Tag name in row 1');
    await popup.type('keyboard');
    await popup.press('Enter');
    await popup.waitFor(() => !!document.querySelector('li[data-index="1"] button[aria-label="Remove tag keyboard"]'));
    await popup.press('Escape');
    await focus('button Add tag in row 1');
  });

  it("Enter on a row opens the paper; Enter on a button is the button's", async () => {
    await given();
    await toRow1();
    // Focus on a control inside row 1, by keys: the tag input opened and closed gives it to "Add tag".
    await popup.press('t');
    await focus('input Tag name in row 1');
    await popup.press('Escape');
    await focus('button Add tag in row 1');
    // From a control inside row 1, k and j move by rows: back onto row 1 itself.
    await popup.press('k');
    await focus('row 0');
    await popup.press('j');
    await focus('row 1');
    const opened = await popup.evaluate(() => {
      const w = window as unknown as { __opened: string[]; open: typeof window.open };
      w.__opened = [];
      w.open = ((url: string) => (w.__opened.push(url), null)) as typeof window.open;
      return true;
    });
    expect(opened).toBe(true);
    await popup.press('Enter');
    await popup.waitFor(() => (window as unknown as { __opened: string[] }).__opened.length === 1);
    expect(await popup.evaluate(() => (window as unknown as { __opened: string[] }).__opened[0])).toContain(papers[1].id);
  });

  it('Delete removes the focused row and focus goes to the next row; Backspace (the Mac delete key) does too', async () => {
    await given();
    await toRow1();
    const before = await popup.evaluate(titles);
    await popup.press('Delete');
    await popup.waitFor(rowsAre, before.length - 1);
    await focus('row 1');
    expect(await popup.evaluate(titles)).toEqual(before.filter((_, i) => i !== 1));
    const next = (await popup.evaluate(titles))[1];
    await popup.press('Backspace');
    await popup.waitFor(rowsAre, before.length - 2);
    expect(await popup.evaluate(titles)).not.toContain(next);
    await focus('row 1');
  });

  it('tabs move with the arrow keys, as tabs do', async () => {
    await given();
    await popup.evaluate(() => document.getElementById('tab-papers')?.focus());
    await popup.press('ArrowRight');
    await popup.waitFor(() => document.activeElement?.id === 'tab-digest' && document.getElementById('tab-digest')?.getAttribute('aria-selected') === 'true');
    await popup.press('ArrowRight');
    await popup.waitFor(() => document.activeElement?.id === 'tab-tags');
    await popup.press('ArrowRight');
    await popup.waitFor(() => document.activeElement?.id === 'tab-trash' && document.getElementById('tab-trash')?.getAttribute('aria-selected') === 'true');
    await popup.press('ArrowRight');
    await popup.waitFor(() => document.activeElement?.id === 'tab-papers');
    await popup.press('ArrowLeft');
    await popup.waitFor(() => document.activeElement?.id === 'tab-trash');
    await popup.press('ArrowLeft');
    await popup.waitFor(() => document.activeElement?.id === 'tab-tags');
  });
});
