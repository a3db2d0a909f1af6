/**
 * A long listing stays light: every card is found and its saved state asked
 * at once, but a card's host and its controls enter the page only when the
 * card nears the viewport (or takes focus). What a user does must work all
 * the same: scroll and find every card's controls, with nothing they see
 * moving; see a paper saved in another tab on a card they had not reached
 * yet; and reach the controls of any card by keyboard. Runs in every browser
 * of BROWSERS (default: both).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../harness/routes.mjs';
import { arxivListPage } from '../bench/data.mjs';
import { BROWSERS, useSession, type Tab } from './session';
import { controlsReady, focusedInCard, hostUpgraded, pressedIs, readControls, saveButton } from './page';

const N = 300;
const URL = `https://arxiv.org/list/cs.LG/new?skip=0&show=${N}`;
const { html, ids } = arxivListPage({
  fixtureHtml: readFileSync(join(FIXTURES, 'arxiv/list-new.html'), 'utf8'),
  seeds: JSON.parse(readFileSync(join(FIXTURES, 'seed-papers.json'), 'utf8')),
  n: N,
}) as { html: string; ids: string[] };

/** Where the hosts are: how many are in the page (all built), how far from the viewport the farthest of them is, the nearest card without one. */
function layoutOfHosts() {
  const hosts = Array.from(document.querySelectorAll('[data-papershelf]'));
  const hosted = new Set(hosts.map((h) => h.getAttribute('data-papershelf')));
  const distance = (h: Element) => {
    const r = h.getBoundingClientRect();
    return r.bottom < 0 ? -r.bottom : r.top > innerHeight ? r.top - innerHeight : 0;
  };
  const bare = Array.from(document.querySelectorAll('[data-papershelf-card]')).filter((c) => !hosted.has(c.getAttribute('data-papershelf-card')));
  return {
    hosts: hosts.length,
    upgraded: hosts.filter((h) => h.shadowRoot).length,
    farthestHost: Math.max(0, ...hosts.map(distance)),
    nearestBare: Math.min(Infinity, ...bare.map(distance)),
    reserved: hosts.every((h) => (h as HTMLElement).offsetHeight >= 22),
    inMathjax: hosts.filter((h) => h.closest('.mathjax, a')).length,
  };
}

/** Scrolls to the end of the page one screen at a time, a frame or two per screen, as a reader skimming the list. */
async function skimToEnd(): Promise<void> {
  const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight) {
    scrollTo(0, y);
    await frame();
  }
  await frame();
}

/** Focuses an element without scrolling to it, so nothing near it has been built: the next Tab goes on from there. */
function focusQuietly(selector: string): boolean {
  const el = document.querySelector<HTMLElement>(selector);
  el?.focus({ preventScroll: true });
  return document.activeElement === el;
}

describe.each(BROWSERS)('%s: controls on a long listing are built as the user reaches them', (name) => {
  const ctx = useSession(name);

  const open = async (): Promise<Tab> => {
    ctx.s.pages.set(URL, html);
    const t = await ctx.open(URL);
    await t.waitFor(controlsReady, N, 15_000);
    return t;
  };

  it('finds every card and its saved state at once, puts hosts and controls only near the viewport', async () => {
    const t = await open();
    await t.waitFor(() => document.querySelector('[data-papershelf]')?.shadowRoot != null);
    const l = await t.evaluate(layoutOfHosts);
    expect(l.hosts).toBeGreaterThan(0);
    expect(l.hosts).toBeLessThan(N / 4);
    // A host enters the page with its controls built.
    expect(l.upgraded).toBe(l.hosts);
    // Within the observer's margin (600 px) of the viewport, and nothing far off.
    expect(l.farthestHost).toBeLessThanOrEqual(700);
    expect(l.nearestBare).toBeGreaterThan(500);
    expect(l.reserved).toBe(true);
    expect(l.inMathjax).toBe(0);
    // Ranked (a fresh profile: every card is new; no tag has a model, so no relevance), nothing to
    // sort by: no Sort button was built into the page.
    await t.waitFor(() => Array.from(document.querySelectorAll('[data-papershelf]')).every((h) => h.hasAttribute('data-new')));
    expect(await t.evaluate(() => document.querySelectorAll('[data-papershelf-toolbar]').length)).toBe(0);
    const controls = await t.evaluate(readControls);
    expect(controls.map((c) => c.id)).toEqual(ids);
    expect(controls.every((c) => c.pressed === 'false')).toBe(true);
    await t.close();
  });

  it("a host going in moves nothing: it floats beside its entry's identifier line", async () => {
    const t = await open();
    // A card far from view, without its host: focus entering it (no scroll) puts its host in.
    const id = ids[Math.floor(N * 0.4)];
    expect(await t.evaluate(hostUpgraded, `[data-papershelf="${id}"]`)).toBe(false);
    const where = (id: string) => {
      const dt = document.querySelector(`[data-papershelf-card="${id}"]`)!;
      const y = (el: Element) => el.getBoundingClientRect().top + scrollY;
      const next = dt.nextElementSibling!.nextElementSibling!;
      const last = document.querySelector('dl:last-of-type > dd:last-of-type')!;
      return { dt: dt.getBoundingClientRect().height, dd: y(dt.nextElementSibling!), next: y(next), end: last.getBoundingClientRect().bottom + scrollY };
    };
    const before = await t.evaluate(where, id);
    expect(await t.evaluate(focusQuietly, `[id="oth-${id}"]`)).toBe(true);
    await t.waitFor(hostUpgraded, `[data-papershelf="${id}"]`);
    expect(await t.evaluate(where, id)).toEqual(before);
    // In the dt, after its links, on the identifier line (its buttons reach 3px above and below it).
    const host = await t.evaluate((id) => {
      const h = document.querySelector(`[data-papershelf="${id}"]`)!;
      const dt = h.parentElement!;
      const [r, line] = [h.getBoundingClientRect(), dt.getBoundingClientRect()];
      return { parent: dt.tagName, last: dt.lastElementChild === h, above: line.top - r.top, below: r.bottom - line.bottom, right: line.right - r.right };
    }, id);
    expect(host.parent).toBe('DT');
    expect(host.last).toBe(true);
    expect(host.above).toBeLessThanOrEqual(4);
    expect(host.below).toBeLessThanOrEqual(4);
    expect(Math.abs(host.right)).toBeLessThan(1);
    await t.close();
  });

  it('builds the rest as the page scrolls, without moving what the reader sees', async () => {
    const t = await open();
    // A card far down, without its host: the page jumps to just below it, so its host goes in above the
    // viewport. What is on screen must stay where it is (the browsers' scroll anchoring keeps it there).
    const id = ids[Math.floor(N * 0.6)];
    expect(await t.evaluate(hostUpgraded, `[data-papershelf="${id}"]`)).toBe(false);
    const before = await t.evaluate((id) => {
      // The card's dt (where its host goes) 300 px above the viewport, within the observer's margin.
      const card = document.querySelector(`[data-papershelf-card="${id}"]`)!;
      scrollTo(0, card.getBoundingClientRect().bottom + scrollY + 300);
      const seen = document.elementFromPoint(innerWidth / 2, innerHeight / 2)!;
      (window as unknown as { seen: Element }).seen = seen;
      return { hosted: document.querySelector(`[data-papershelf="${id}"]`) !== null, top: seen.getBoundingClientRect().top };
    }, id);
    expect(before.hosted).toBe(false);
    await t.waitFor(hostUpgraded, `[data-papershelf="${id}"]`);
    const after = await t.evaluate(() => (window as unknown as { seen: Element }).seen.getBoundingClientRect().top);
    expect(Math.abs(after - before.top)).toBeLessThan(1); // sub-pixel rounding of scrollY aside

    await t.evaluate(skimToEnd);
    await t.waitFor((n) => Array.from(document.querySelectorAll('[data-papershelf]')).filter((h) => h.shadowRoot).length === n, N);
    // Every card got one host with its shadow root, and the saved state shown agrees with the card's.
    const controls = await t.evaluate(readControls);
    expect(controls.every((c) => c.upgraded && c.pressed === 'false')).toBe(true);
    await t.close();
  });

  it('a paper saved in another tab shows saved on a card not yet built, and once scrolled to', async () => {
    const reader = await open();
    const id = ids[N - 3];
    expect(await reader.evaluate(hostUpgraded, `[data-papershelf="${id}"]`)).toBe(false);
    const other = await open();
    await other.click(...saveButton(id));
    await other.waitFor(pressedIs, [id, 'true']);
    // The change reaches the first tab: the card knows it is saved, still without its controls.
    await reader.waitFor(pressedIs, [id, 'true']);
    expect(await reader.evaluate(hostUpgraded, `[data-papershelf="${id}"]`)).toBe(false);
    // Scrolled to, the card shows the pressed button.
    await reader.evaluate((id) => document.querySelector(`[data-papershelf-card="${id}"]`)!.scrollIntoView({ block: 'center' }), id);
    await reader.waitFor(hostUpgraded, `[data-papershelf="${id}"]`);
    await reader.waitFor(pressedIs, [id, 'true']);
    expect((await reader.evaluate(readControls)).find((c) => c.id === id)).toEqual({ id, pressed: 'true', upgraded: true });
    // And back: unsaved on the first tab's card, the other tab follows.
    await reader.click(...saveButton(id));
    await reader.waitFor(pressedIs, [id, 'false']);
    await other.waitFor(pressedIs, [id, 'false']);
    await other.close();
    await reader.close();
  });

  it('Tab reaches the controls of cards further down, in the page or not', async () => {
    const t = await open();
    // After a card's last link (its "other formats" link in the dt), Tab goes on into the card's
    // controls. Focus is put there without scrolling, so nothing near it is in the page: focus
    // entering the card puts its controls there before Tab is pressed.
    const id = ids[Math.floor(N * 0.5)];
    expect(await t.evaluate(hostUpgraded, `[data-papershelf="${id}"]`)).toBe(false);
    expect(await t.evaluate(focusQuietly, `[id="oth-${id}"]`)).toBe(true);
    await t.press('Tab');
    await t.waitFor((id) => document.querySelector(`[data-papershelf="${id}"]`)?.shadowRoot?.activeElement != null, id);
    expect(await t.evaluate(focusedInCard, id)).toBe('button#Save to PaperShelf');
    await t.press('Tab');
    expect(await t.evaluate(focusedInCard, id)).toBe('button#Add tag');
    await t.press('Enter');
    expect(await t.evaluate(focusedInCard, id)).toBe('input#Tag name');
    await t.press('Escape');
    expect(await t.evaluate(focusedInCard, id)).toBe('button#Add tag');

    // Shift+Tab from the card's first author link goes back into its controls, to their last button.
    const back = ids[Math.floor(N * 0.8)];
    expect(await t.evaluate(hostUpgraded, `[data-papershelf="${back}"]`)).toBe(false);
    expect(
      await t.evaluate((id) => {
        const link = document.querySelector(`[data-papershelf-card="${id}"]`)!.nextElementSibling!.querySelector<HTMLElement>('.list-authors a')!;
        link.focus({ preventScroll: true });
        return document.activeElement === link;
      }, back),
    ).toBe(true);
    await t.press('Shift+Tab');
    await t.waitFor((id) => document.querySelector(`[data-papershelf="${id}"]`)?.shadowRoot?.activeElement != null, back);
    expect(await t.evaluate(focusedInCard, back)).toBe('button#Add tag');
    await t.close();
  });
});
