/**
 * A long listing stays light: every card gets its light host at once (with
 * its saved state and its size reserved), and the shadow root with the
 * buttons only when the card nears the viewport. What a user does must work
 * all the same: scroll and find every card's controls, see a paper saved in
 * another tab on a card they had not reached yet, and reach the controls of
 * any card by keyboard. Runs in every browser of BROWSERS (default: both).
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

/** Where the hosts are: how many have their shadow root, and how far from the viewport the farthest of those is. */
function layoutOfHosts() {
  const hosts = Array.from(document.querySelectorAll('[data-papershelf]'));
  const upgraded = hosts.filter((h) => h.shadowRoot);
  const distance = (h: Element) => {
    const r = h.getBoundingClientRect();
    return r.bottom < 0 ? -r.bottom : r.top > innerHeight ? r.top - innerHeight : 0;
  };
  return {
    hosts: hosts.length,
    upgraded: upgraded.length,
    farthestUpgraded: Math.max(0, ...upgraded.map(distance)),
    nearestLazy: Math.min(Infinity, ...hosts.filter((h) => !h.shadowRoot).map(distance)),
    reserved: hosts.every((h) => (h as HTMLElement).offsetHeight >= 22),
    inMathjax: hosts.filter((h) => h.closest('.mathjax, a')).length,
    text: hosts.filter((h) => !h.shadowRoot).map((h) => h.textContent).join(''),
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

  it('puts a host with its saved state on every card at once, shadow roots only near the viewport', async () => {
    const t = await open();
    await t.waitFor(() => document.querySelector('[data-papershelf]')?.shadowRoot != null);
    const l = await t.evaluate(layoutOfHosts);
    expect(l.hosts).toBe(N);
    expect(l.upgraded).toBeGreaterThan(0);
    expect(l.upgraded).toBeLessThan(N / 4);
    // Built within the observer's margin (600 px) of the viewport, and nothing built far off.
    expect(l.farthestUpgraded).toBeLessThanOrEqual(700);
    expect(l.nearestLazy).toBeGreaterThan(500);
    expect(l.reserved).toBe(true);
    expect(l.inMathjax).toBe(0);
    // A host not yet built holds no text (nothing of the page or of the library).
    expect(l.text).toBe('');
    const controls = await t.evaluate(readControls);
    expect(controls.map((c) => c.id)).toEqual(ids);
    expect(controls.every((c) => c.pressed === 'false')).toBe(true);
    await t.close();
  });

  it('builds the rest as the page scrolls, without moving what follows a card', async () => {
    const t = await open();
    // A card far down: where the next card starts, before and after its controls are built.
    const id = ids[Math.floor(N * 0.6)];
    const before = await t.evaluate((id) => {
      const host = document.querySelector(`[data-papershelf="${id}"]`)!;
      const next = host.closest('dd')!.nextElementSibling as HTMLElement;
      return { built: host.shadowRoot !== null, height: (host as HTMLElement).offsetHeight, nextTop: next.getBoundingClientRect().top + scrollY };
    }, id);
    expect(before.built).toBe(false);
    await t.evaluate((id) => document.querySelector(`[data-papershelf="${id}"]`)!.scrollIntoView({ block: 'center' }), id);
    await t.waitFor(hostUpgraded, `[data-papershelf="${id}"]`);
    const after = await t.evaluate((id) => {
      const host = document.querySelector(`[data-papershelf="${id}"]`)!;
      const next = host.closest('dd')!.nextElementSibling as HTMLElement;
      return { height: (host as HTMLElement).offsetHeight, nextTop: next.getBoundingClientRect().top + scrollY };
    }, id);
    expect(after.height).toBe(before.height);
    expect(Math.abs(after.nextTop - before.nextTop)).toBeLessThan(1); // sub-pixel rounding of scrollY aside

    await t.evaluate(skimToEnd);
    await t.waitFor((n) => Array.from(document.querySelectorAll('[data-papershelf]')).filter((h) => h.shadowRoot).length === n, N);
    // Every host got one shadow root, and the saved state shown agrees with the host's.
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
    // The change reaches the first tab: its host says saved, still without its controls.
    await reader.waitFor(pressedIs, [id, 'true']);
    expect(await reader.evaluate(hostUpgraded, `[data-papershelf="${id}"]`)).toBe(false);
    // Scrolled to, the card shows the pressed button.
    await reader.evaluate((id) => document.querySelector(`[data-papershelf="${id}"]`)!.scrollIntoView({ block: 'center' }), id);
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

  it('Tab reaches the controls of cards further down, built or not', async () => {
    const t = await open();
    // After a card's last link (its "other formats" link in the dt), Tab goes on into the card's
    // controls. Focus is put there without scrolling, so the controls are not built when Tab is pressed.
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
    // (Tab.press takes key combinations in Chromium only: firefox.ts passes the key to puppeteer as one name.)
    if (name !== 'chromium') return void (await t.close());
    const back = ids[Math.floor(N * 0.8)];
    expect(await t.evaluate(hostUpgraded, `[data-papershelf="${back}"]`)).toBe(false);
    expect(
      await t.evaluate((id) => {
        const link = document.querySelector(`[data-papershelf="${id}"]`)!.closest('.meta')!.querySelector<HTMLElement>('.list-authors a')!;
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
