/**
 * Issue 2, as a user does it: cards on Hugging Face listings get one save
 * control each; saving survives reloads, tabs and a killed worker; the popup
 * lists and removes. Runs in every browser of BROWSERS (default: both). Each
 * scenario empties the library and seeds what it starts from (shelf.ts) in a
 * tab of its own, so each runs alone.
 */
import { describe, expect, it } from 'vitest';
import { expectedFixtures } from '../harness/routes.mjs';
import { BROWSERS, useSession, type Tab } from './session';
import { controlsReady, popupItems, pressedIs, readControls, saveButton } from './page';
import { resetLibrary, type Seed } from './shelf';

const fixtures = expectedFixtures() as Record<string, { url: string; count: number; cards: { id: string; title: string }[] }>;
const hf = (file: string) => fixtures[`hf/${file}.html`];

describe.each(BROWSERS)('%s: saving from Hugging Face listings', (name) => {
  const ctx = useSession(name);
  const open = ctx.open;
  /** An extension page the library is reset and seeded from. */
  let admin: Tab | undefined;
  /** The library holds `papers` only (the last one newest). */
  const given = async (...papers: Seed[]) => resetLibrary((admin ??= await open(ctx.s.popupUrl)), papers);
  /** A digest tab of the scenario's own, its controls ready. */
  const digestPage = async () => {
    const digest = hf('digest');
    const t = await open(digest.url);
    await t.waitFor(controlsReady, digest.count);
    return t;
  };

  it.each(['digest', 'date', 'week', 'month', 'trending', 'search'])('every card on %s gets exactly one control', async (file) => {
    const f = hf(file);
    await given();
    const t = await open(f.url);
    await t.waitFor(controlsReady, f.count);
    const controls = await t.evaluate(readControls);
    expect(controls.map((c) => c.id)).toEqual(f.cards.map((c) => c.id));
    expect(controls.every((c) => c.pressed === 'false')).toBe(true);
    await t.close();
  });

  it('saves two papers; they stay saved after a reload, in another tab and on another listing', async () => {
    const digest = hf('digest');
    const [a, b] = digest.cards;
    await given();
    const t = await digestPage();
    await t.click(...saveButton(a.id));
    await t.waitFor(pressedIs, [a.id, 'true']);
    await t.click(...saveButton(b.id));
    await t.waitFor(pressedIs, [b.id, 'true']);
    await t.reload();
    await t.waitFor(controlsReady, digest.count);
    await t.waitFor(pressedIs, [a.id, 'true']);
    await t.waitFor(pressedIs, [b.id, 'true']);
    expect((await t.evaluate(readControls)).filter((c) => c.pressed === 'true').map((c) => c.id)).toEqual([a.id, b.id]);

    // The same paper on another listing (week view) shows saved too.
    const week = hf('week');
    const shared = week.cards.find((c) => c.id === a.id || c.id === b.id);
    // The week fixture lists the digest's first papers (test/fixtures/expected.json).
    expect(shared, 'hf/week.html lists neither paper').toBeDefined();
    const w = await open(week.url);
    await w.waitFor(controlsReady, week.count);
    await w.waitFor(pressedIs, [shared!.id, 'true']);
    await w.close();
  });

  it('lists saved papers in the popup, newest first; removing one there flips the open card', async () => {
    const digest = hf('digest');
    const [a, b] = digest.cards;
    await given(a, b);
    const page = await digestPage();
    await page.waitFor(pressedIs, [a.id, 'true']);
    await page.waitFor(pressedIs, [b.id, 'true']);
    const popup = await open(ctx.s.popupUrl);
    await popup.waitFor(() => document.querySelectorAll('li').length === 2);
    const items = await popup.evaluate(popupItems);
    expect(items[0].text).toContain(b.title);
    expect(items[1].text).toContain(a.title);
    expect(items[1].href).toContain(a.id);
    expect(await popup.evaluate(() => (globalThis as any).chrome?.action?.getBadgeText?.({}) ?? (globalThis as any).browser.action.getBadgeText({}))).toBe('2');

    await popup.click(`li:nth-child(2) button[aria-label="Remove"]`);
    await popup.waitFor(() => document.querySelectorAll('li').length === 1);
    await page.waitFor(pressedIs, [a.id, 'false']);
    await page.waitFor(pressedIs, [b.id, 'true']);
    await popup.close();
    await page.close();
  });

  it('unsaves with a second click', async () => {
    const digest = hf('digest');
    const b = digest.cards[1];
    await given(b);
    const page = await digestPage();
    await page.waitFor(pressedIs, [b.id, 'true']);
    await page.click(...saveButton(b.id));
    await page.waitFor(pressedIs, [b.id, 'false']);
    await page.reload();
    await page.waitFor(controlsReady, digest.count);
    expect((await page.evaluate(readControls)).every((c) => c.pressed === 'false')).toBe(true);
    await page.close();
  });

  it('gives controls to cards added after load, and never two to one card', async () => {
    const digest = hf('digest');
    await given();
    const page = await digestPage();
    // Infinite scroll: clone a card with another paper id and append it; re-render another in place.
    await page.evaluate(() => {
      const first = document.querySelector('article')!;
      const clone = first.cloneNode(true) as Element; // carries a copy of our host: must not count twice
      for (const a of Array.from(clone.querySelectorAll('a[href^="/papers/"]'))) {
        a.setAttribute('href', a.getAttribute('href')!.replace(/\/papers\/[^#?]+/, '/papers/2511.99999'));
      }
      first.parentElement!.append(clone);
      const second = document.querySelectorAll('article')[1];
      second.innerHTML = second.innerHTML; // Svelte-style re-render: same element, new children
    });
    await page.waitFor(controlsReady, digest.count + 1);
    const ids = (await page.evaluate(readControls)).map((c) => c.id);
    expect(ids).toHaveLength(digest.count + 1);
    expect(new Set(ids).size).toBe(digest.count + 1);
    expect(ids).toContain('2511.99999');
    await page.close();
  });

  it('renders a hostile title as text and runs nothing', async () => {
    const f = fixtures['hf/hostile.html'];
    await given();
    const t = await open(f.url);
    await t.waitFor(controlsReady, f.count);
    const evil = f.cards.find((c) => c.title.includes('<img'))!;
    await t.click(...saveButton(evil.id));
    await t.waitFor(pressedIs, [evil.id, 'true']);
    const popup = await open(ctx.s.popupUrl);
    await popup.waitFor((title) => Array.from(document.querySelectorAll('li a')).some((a) => a.textContent === title), evil.title);
    expect(await popup.evaluate(() => document.querySelectorAll('li img, li script').length)).toBe(0);
    expect(await t.evaluate(() => (window as any).__pwned ?? null)).toBeNull();
    expect(await popup.evaluate(() => (window as any).__pwned ?? null)).toBeNull();
    await t.click(...saveButton(evil.id));
    await t.waitFor(pressedIs, [evil.id, 'false']);
    await popup.close();
    await t.close();
  });

  it('still saves on the first click after the background was stopped', async () => {
    const digest = hf('digest');
    const c = digest.cards[2];
    await given();
    const page = await digestPage();
    await ctx.s.stopWorker();
    await page.click(...saveButton(c.id));
    await page.waitFor(pressedIs, [c.id, 'true']);
    await page.reload();
    await page.waitFor(controlsReady, digest.count);
    await page.waitFor(pressedIs, [c.id, 'true']);
    await page.close();
  });

  it('after the extension is reloaded, controls left in an open tab stop quietly or are taken over', async () => {
    const digest = hf('digest');
    const d = digest.cards[3];
    await given();
    const page = await digestPage();
    // The hosts this copy of the content script made, told apart from any a fresh copy makes.
    await page.evaluate(() => document.querySelectorAll('[data-papershelf]').forEach((h) => ((h as any).__before = true)));
    const popup = await ctx.s.open(ctx.s.popupUrl);
    await popup.evaluate(() => {
      (window as any).__before = true;
      setTimeout(() => ((globalThis as any).browser ?? (globalThis as any).chrome).runtime.reload(), 50);
    });
    admin = undefined; // its page goes with the extension
    // Signal, instead of a sleep: the old extension is gone once its page is (closed or navigated away).
    const deadline = Date.now() + 15_000;
    while (await popup.evaluate(() => (window as any).__before === true).catch(() => false)) {
      expect(Date.now(), 'the extension page outlived runtime.reload()').toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 100)); // polling the signal, not a sleep for it
    }
    // One outcome per browser: Firefox injects a fresh content script, whose host replaces the old one
    // (the wait holds once it has); Chrome injects none, and the old host stays (holds at once).
    const fresh = ([id, want]: [string, boolean]) => {
      const hosts = Array.from(document.querySelectorAll(`[data-papershelf="${id}"]`));
      return hosts.length === 1 && !(hosts[0] as any).__before === want;
    };
    await page.waitFor(fresh, [d.id, name === 'firefox'], 10_000);
    await page.click(...saveButton(d.id));
    // Chrome leaves the old script orphaned: it says so. Firefox's fresh one saves.
    const outcome = (id: string) => {
      const root = document.querySelector(`[data-papershelf="${id}"]`)?.shadowRoot;
      const b = root?.querySelector('button');
      if (/reload the page/.test(root?.querySelector('[role="status"]')?.textContent ?? '')) return 'asks for a reload';
      return b?.getAttribute('aria-pressed') === 'true' && !b.hasAttribute('aria-busy') ? 'saved' : null;
    };
    await page.waitFor(outcome, d.id);
    expect(await page.evaluate(outcome, d.id)).toBe(name === 'chromium' ? 'asks for a reload' : 'saved');
    expect(await page.evaluate(() => document.querySelectorAll('[data-papershelf-card]').length)).toBe(digest.count);
    expect(
      await page.evaluate(() => new Set(Array.from(document.querySelectorAll('[data-papershelf]')).map((h) => h.getAttribute('data-papershelf'))).size),
    ).toBe(await page.evaluate(() => document.querySelectorAll('[data-papershelf]').length));
  });
});
