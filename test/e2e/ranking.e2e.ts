/**
 * The digest ranked for the user, in both browsers: a tagged library is
 * imported (the seed papers labelled by topic, test/fixtures/rank), then the
 * digest shows a relevance meter and suggested tags on its cards; one
 * suggestion is accepted by click and one by key; the sort reorders the cards
 * and puts them back; triage by keyboard alone; seen marks survive a reload.
 */
import { describe, expect, it } from 'vitest';
import { expectedFixtures } from '../harness/routes.mjs';
import { BROWSERS, useSession, type Tab } from './session';
import { controlsReady } from './page';
import { labels, seed, seedPaper } from '../fixtures/rank/seed';

type Fixture = { url: string; count: number; cards: { id: string; title: string }[] };
const fixtures = expectedFixtures() as Record<string, Fixture>;
const digest = fixtures['hf/digest.html'];
const month = fixtures['hf/month.html'];
const listed = new Set([...digest.cards, ...month.cards].map((c) => c.id));
const library = seed.filter((p) => !listed.has(p.id) && labels[p.id]?.length).map((p) => seedPaper(p, 1_700_000_000_000));
const tagKeys = [...new Set(library.flatMap((p) => p.tags))];

/** Every host's ranking attributes, in document order (a card gets its host as it nears the viewport). */
function ranks() {
  return Array.from(document.querySelectorAll<HTMLElement>('[data-papershelf]')).map((h) => ({
    id: h.getAttribute('data-papershelf')!,
    relevance: h.getAttribute('data-relevance'),
    suggested: h.getAttribute('data-suggested'),
    isNew: h.hasAttribute('data-new'),
  }));
}
/**
 * All `n` cards are annotated and every card near the viewport (those with a host) is ranked:
 * far ones are ranked when the reader gets near, or for the sort.
 */
const allRanked = (n: number) => {
  const hosts = Array.from(document.querySelectorAll('[data-papershelf]'));
  return (
    document.querySelectorAll('[data-papershelf-card]').length === n &&
    hosts.length > 0 &&
    hosts.every((h) => h.hasAttribute('data-relevance') && h.hasAttribute('data-suggested'))
  );
};
/** The cards' papers in document order (test builds mark every card, hosted or not). */
const order = () => Array.from(document.querySelectorAll('[data-papershelf-card]')).map((c) => c.getAttribute('data-papershelf-card'));
const toolbarSort = ['[data-papershelf-toolbar]', 'button'];

describe.each(BROWSERS)('%s: the digest ranked for me', (name) => {
  const ctx = useSession(name);
  /**
   * The tagged library every scenario ranks against, imported once by whichever scenario runs
   * first, so that each runs alone (and the import is checked there).
   */
  let imported: Promise<void> | undefined;
  const importLibrary = () =>
    (imported ??= (async () => {
      const popup = await ctx.open(ctx.s.popupUrl);
      const r = await popup.evaluate(
        ([papers, tags]) => (globalThis as any).browser.runtime.sendMessage({ papershelf: 1, name: 'library.import', body: { papers, tags } }),
        [library, tagKeys.map((key) => ({ key, name: key, hue: 10 }))] as const,
      );
      expect(r).toMatchObject({ ok: true, value: { added: library.length } });
    })());
  /** A ranked listing of the scenario's own, on the imported library. */
  const ranked = async (f: Fixture): Promise<Tab> => {
    await importLibrary();
    const t = await ctx.open(f.url);
    await t.waitFor(controlsReady, f.count);
    await t.waitFor(allRanked, f.count, 30_000);
    return t;
  };

  it('imports a tagged library; the digest shows meters and suggested tags on every card', async () => {
    const page = await ranked(digest);
    const rs = await page.evaluate(ranks);
    for (const r of rs) {
      expect(Number(r.relevance)).toBeGreaterThanOrEqual(0);
      expect(Number(r.relevance)).toBeLessThanOrEqual(1);
    }
    expect(rs.filter((r) => r.suggested).length).toBeGreaterThan(0);
    // The first card in view shows its meter, with the best tag, and its suggestions as buttons.
    const first = rs.find((r) => r.suggested)!;
    const shown = await page.evaluate((id) => {
      const root = document.querySelector(`[data-papershelf="${id}"]`)?.shadowRoot;
      return {
        meter: root?.querySelector('[role="meter"], meter')?.getAttribute('aria-label') ?? '',
        buttons: Array.from(root?.querySelectorAll('button') ?? []).map((b) => b.getAttribute('aria-label') ?? b.textContent),
      };
    }, first.id);
    expect(shown.meter).toMatch(/Relevance \d+%/);
    expect(shown.buttons).toContain(`Add suggested tag ${first.suggested!.split(',')[0]}`);
  });

  it('accepts a suggestion by click, and one by key', async () => {
    const page = await ranked(digest);
    const rs = (await page.evaluate(ranks)).filter((r) => r.suggested);
    // The seeded library suggests tags for several digest cards: one is accepted by click, one by key.
    expect(rs.length, 'cards with a suggestion').toBeGreaterThanOrEqual(2);
    const [a, b] = rs;
    const tagA = a.suggested!.split(',')[0];
    await page.click(`[data-papershelf="${a.id}"]`, `button[aria-label="Add suggested tag ${tagA}"]`);
    await page.waitFor(
      ([id, tag]) => {
        const h = document.querySelector(`[data-papershelf="${id}"]`);
        return (
          h?.getAttribute('data-saved') === 'true' &&
          Array.from(h.shadowRoot?.querySelectorAll('.chip > span:first-child') ?? []).some((s) => s.textContent === tag)
        );
      },
      [a.id, tagA] as const,
    );
    // By key: move the cursor to the card (j), then "a" accepts its best suggestion.
    const tagB = b.suggested!.split(',')[0];
    const index = (await page.evaluate(order)).indexOf(b.id);
    for (let i = 0; i <= index; i++) await page.press('j');
    await page.waitFor((id) => document.querySelector(`[data-papershelf="${id}"]`)?.hasAttribute('data-cursor'), b.id);
    await page.press('a');
    await page.waitFor(
      ([id, tag]) => {
        const h = document.querySelector(`[data-papershelf="${id}"]`);
        return Array.from(h?.shadowRoot?.querySelectorAll('.chip > span:first-child') ?? []).some((s) => s.textContent === tag);
      },
      [b.id, tagB] as const,
    );
  });

  it('sorts the cards by relevance in place, and puts them back', async () => {
    const page = await ranked(digest);
    const before = await page.evaluate(order);
    await page.click(...toolbarSort);
    // The sort ranks every card first, then orders them (the hosts in the page show it).
    await page.waitFor(
      () => {
        const hosts = Array.from(document.querySelectorAll('[data-papershelf]'));
        const rel = hosts.map((h) => Number(h.getAttribute('data-relevance')));
        return hosts.every((h) => h.hasAttribute('data-relevance')) && rel.every((r, i) => i === 0 || rel[i - 1] >= r);
      },
      undefined,
      15_000,
    );
    const sorted = await page.evaluate(order);
    expect([...sorted].sort()).toEqual([...before].sort());
    await page.click(...toolbarSort);
    await page.waitFor(
      (want) => JSON.stringify(Array.from(document.querySelectorAll('[data-papershelf-card]')).map((c) => c.getAttribute('data-papershelf-card'))) === want,
      JSON.stringify(before),
    );
  });

  it('triage by keyboard alone: j moves, s saves, x dismisses, 1 tags, ? shows the keys', async () => {
    const t = await ranked(month);
    const ids = await t.evaluate(order);
    await t.press('j');
    await t.waitFor((id) => document.querySelector(`[data-papershelf="${id}"]`)?.hasAttribute('data-cursor'), ids[0]);
    await t.press('s');
    await t.waitFor((id) => document.querySelector(`[data-papershelf="${id}"]`)?.getAttribute('data-saved') === 'true', ids[0]);
    await t.press('j');
    await t.press('x');
    await t.waitFor((id) => document.querySelector(`[data-papershelf="${id}"]`)?.hasAttribute('data-not-relevant'), ids[1]);
    await t.press('j');
    await t.press('1');
    await t.waitFor((id) => document.querySelector(`[data-papershelf="${id}"]`)?.getAttribute('data-saved') === 'true', ids[2]);
    // o opens the paper's own page, not the listing it is on, in both browsers: the page served at that
    // URL (same origin as the listing) says it was opened through localStorage, which the listing reads.
    const own = `https://huggingface.co/papers/${ids[2]}`;
    ctx.s.pages.set(own, '<!doctype html><title>paper</title><script>localStorage.setItem("papershelf-test-opened", location.href)</script>');
    try {
      await t.evaluate(() => localStorage.removeItem('papershelf-test-opened'));
      await t.press('o');
      await t.waitFor((url) => localStorage.getItem('papershelf-test-opened') === url, own, 10_000);
    } finally {
      ctx.s.pages.delete(own);
    }
    await t.press('?');
    await t.waitFor(() => !!document.querySelector('[data-papershelf-help]')?.shadowRoot?.querySelector('[role="dialog"]'));
    await t.press('Escape');
    await t.waitFor(() => !document.querySelector('[data-papershelf-help]'));
    // Keys typed in a field of the page are the page's.
    const typed = await t.evaluate(() => {
      const input = document.createElement('input');
      input.id = 'page-field';
      document.body.prepend(input);
      input.focus();
      return true;
    });
    expect(typed).toBe(true);
    await t.press('s');
    await t.press('j');
    expect(await t.evaluate(() => (document.getElementById('page-field') as HTMLInputElement).value)).toBe('sj');
  });

  it('cards that were on screen are not new after a reload; the others still are', async () => {
    // Opened first, so that the listing is the tab in front: it reads the seen marks the listing reports.
    await importLibrary();
    const popup = await ctx.open(ctx.s.popupUrl);
    const t = await ranked(month);
    const inView = await t.evaluate(() =>
      Array.from(document.querySelectorAll('[data-papershelf]'))
        .filter((h) => {
          const r = h.getBoundingClientRect();
          return r.top >= 0 && r.bottom <= innerHeight;
        })
        .map((h) => h.getAttribute('data-papershelf')),
    );
    expect(inView.length).toBeGreaterThan(0);
    // Signal, instead of a sleep: the seen marks of the cards in view are stored (corpus.seenAt).
    const seenStored = (ids: (string | null)[]) =>
      new Promise<boolean>((resolve) => {
        const req = indexedDB.open('papershelf');
        req.onerror = () => resolve(false);
        req.onsuccess = () => {
          const db = req.result;
          const tx = db.transaction('corpus', 'readonly');
          const gets = ids.map((id) => tx.objectStore('corpus').get(id ?? ''));
          tx.oncomplete = () => {
            db.close();
            resolve(gets.every((g) => !!g.result?.seenAt));
          };
          tx.onerror = () => {
            db.close();
            resolve(false);
          };
        };
      });
    await popup.waitFor(seenStored, inView, 10_000);
    await t.reload();
    await t.waitFor(controlsReady, month.count);
    await t.waitFor(allRanked, month.count, 30_000);
    const after = await t.evaluate(ranks);
    // Every card that was in view is there, and not new.
    expect(Object.fromEntries(after.filter((r) => inView.includes(r.id)).map((r) => [r.id, r.isNew]))).toEqual(
      Object.fromEntries(inView.map((id) => [id, false])),
    );
    // The month view is longer than the screen: some cards were never seen.
    expect(after.some((r) => r.isNew)).toBe(true);
  });
});
