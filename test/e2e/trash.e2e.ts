/**
 * Issue 17, as a user does it: a paper removed in the popup comes back from
 * "Recently removed" with its tags, status and note; a paper removed with a
 * card's save button comes back with the card's Undo; the view follows
 * removals made on cards while it is open. Every scenario uses papers of its
 * own, so each runs alone.
 */
import { describe, expect, it } from 'vitest';
import { expectedFixtures } from '../harness/routes.mjs';
import { BROWSERS, useSession, type Tab } from './session';
import { cardTagsAre, choose, controlsReady, pressedIs, saveButton } from './page';

const digest = (expectedFixtures() as Record<string, { url: string; count: number; cards: { id: string; title: string; authors: string[] }[] }>)[
  'hf/digest.html'
];

/** A paper's row in the popup's Papers list, and in Recently removed. */
const row = (id: string) => `ul[aria-label="Saved papers"] li:has(a.title[href$="/${id}"])`;
const trashRow = (id: string) => `ul[aria-label="Recently removed papers"] li:has(a.title[href$="/${id}"])`;

/** What a popup row shows: tag chips, reading status, note (null: no such row). */
function rowShows(selector: string) {
  const li = document.querySelector(selector);
  if (!li) return null;
  return {
    tags: Array.from(li.querySelectorAll('.chip')).map((c) => (c.firstChild?.textContent ?? '').trim()),
    status: li.querySelector<HTMLSelectElement>('select[aria-label="Reading status"]')?.value ?? null,
    note: li.querySelector('.note')?.textContent ?? null,
  };
}
const rowIs = ([selector, want]: [string, { tags: string[]; status: string; note: string }]) => {
  const li = document.querySelector(selector);
  if (!li) return false;
  const tags = Array.from(li.querySelectorAll('.chip')).map((c) => (c.firstChild?.textContent ?? '').trim());
  return (
    tags.join('|') === want.tags.join('|') &&
    li.querySelector<HTMLSelectElement>('select[aria-label="Reading status"]')?.value === want.status &&
    li.querySelector('.note')?.textContent === want.note
  );
};
const present = (selector: string) => !!document.querySelector(selector);
const absent = (selector: string) => !document.querySelector(selector);

/** The accessible names of the buttons on a card (aria-label, else their text), in order. */
function cardButtons(id: string): string[] {
  const root = document.querySelector(`[data-papershelf="${CSS.escape(id)}"]`)?.shadowRoot;
  return Array.from(root?.querySelectorAll('button') ?? []).map((b) => b.getAttribute('aria-label') ?? (b.textContent ?? '').trim());
}
const cardHasButton = ([id, name]: [string, string]) => {
  const root = document.querySelector(`[data-papershelf="${CSS.escape(id)}"]`)?.shadowRoot;
  return Array.from(root?.querySelectorAll('button') ?? []).some((b) => (b.getAttribute('aria-label') ?? (b.textContent ?? '').trim()) === name);
};
const cardLacksButton = ([id, name]: [string, string]) => {
  const root = document.querySelector(`[data-papershelf="${CSS.escape(id)}"]`)?.shadowRoot;
  return !!root && !Array.from(root.querySelectorAll('button')).some((b) => (b.getAttribute('aria-label') ?? (b.textContent ?? '').trim()) === name);
};

describe.each(BROWSERS)('%s: recently removed, restore and undo', (name) => {
  const ctx = useSession(name);

  /** Puts papers in the library through the import the options page uses, from a page of ours. */
  async function seed(tab: Tab, papers: { id: string; title: string; authors: string[]; tag: string; status: string; note: string }[]) {
    const now = Date.now();
    const r = await tab.evaluate(
      ([list, at]) =>
        (globalThis as any).browser.runtime.sendMessage({
          papershelf: 1,
          name: 'library.import',
          body: {
            papers: list.map((p) => ({
              id: p.id,
              title: p.title,
              authors: p.authors,
              url: `https://huggingface.co/papers/${p.id}`,
              source: 'hf',
              savedAt: at,
              updatedAt: at,
              tags: [p.tag],
              status: p.status,
              note: p.note,
            })),
            tags: list.map((p) => ({ key: p.tag, name: p.tag, hue: 200 })),
          },
        }),
      [papers, now] as const,
    );
    expect(r).toMatchObject({ ok: true, value: { added: papers.length } });
  }

  it('a paper removed in the popup comes back from Recently removed with its tags, status and note', async () => {
    const p = digest.cards[0];
    const page = await ctx.open(digest.url);
    await page.waitFor(controlsReady, digest.count);
    // Saved and tagged on its card.
    await page.click(...saveButton(p.id));
    await page.waitFor(pressedIs, [p.id, 'true']);
    await page.click(`[data-papershelf="${p.id}"]`, 'button[aria-label="Add tag"]');
    await page.waitFor((id) => !!document.querySelector(`[data-papershelf="${id}"]`)?.shadowRoot?.querySelector('input'), p.id);
    await page.type('trash-a');
    await page.press('Enter');
    await page.waitFor(cardTagsAre, [p.id, ['trash-a']]);
    await page.press('Escape');

    // Status and note in the popup.
    const popup = await ctx.open(ctx.s.popupUrl);
    await popup.waitFor(present, row(p.id));
    await popup.evaluate(choose, [`${row(p.id)} select[aria-label="Reading status"]`, 'reading']);
    await popup.click(`${row(p.id)} button[aria-expanded="false"]:not([aria-label])`);
    await popup.waitFor(() => document.activeElement?.getAttribute('aria-label') === 'Note');
    await popup.type('Read section 4 again');
    await popup.press('Escape');
    const kept = { tags: ['trash-a'], status: 'reading', note: 'Read section 4 again' };
    await popup.waitFor(rowIs, [row(p.id), kept]);

    // Removed: gone from Papers and from the card, listed under Recently removed.
    await popup.click(`${row(p.id)} button[aria-label="Remove"]`);
    await popup.waitFor(absent, row(p.id));
    await page.waitFor(pressedIs, [p.id, 'false']);
    await popup.click('#tab-trash');
    await popup.waitFor(() => document.querySelector('#tab-trash')?.getAttribute('aria-selected') === 'true');
    await popup.waitFor(present, trashRow(p.id));
    const entry = await popup.evaluate((sel) => {
      const li = document.querySelector(sel)!;
      return {
        title: li.querySelector('a.title')?.textContent,
        when: li.querySelector('.meta')?.textContent,
        tags: Array.from(li.querySelectorAll('.chip')).map((c) => c.textContent),
        buttons: Array.from(li.querySelectorAll('button')).map((b) => b.getAttribute('aria-label') ?? b.textContent),
      };
    }, trashRow(p.id));
    expect(entry).toEqual({ title: p.title, when: 'Removed just now', tags: ['trash-a'], buttons: ['Restore'] });

    await popup.click(`${trashRow(p.id)} button`);
    await popup.waitFor(absent, trashRow(p.id));
    await popup.click('#tab-papers');
    await popup.waitFor(rowIs, [row(p.id), kept]);
    // The open card follows: saved again, with its tag.
    await page.waitFor(pressedIs, [p.id, 'true']);
    await page.waitFor(cardTagsAre, [p.id, ['trash-a']]);
    // And it stays so in a popup opened afresh.
    await popup.close();
    const again = await ctx.open(ctx.s.popupUrl);
    await again.waitFor(rowIs, [row(p.id), kept]);
    expect(await again.evaluate(rowShows, row(p.id))).toEqual(kept);
    await again.close();
    await page.close();
  });

  it("a card's Undo brings back the paper its save button removed, with tags, status and note", async () => {
    const p = digest.cards[1];
    const seeder = await ctx.open(ctx.s.popupUrl);
    await seed(seeder, [{ ...p, tag: 'undo-b', status: 'read', note: 'Keep for the reading group' }]);
    await seeder.close();

    const page = await ctx.open(digest.url);
    await page.waitFor(controlsReady, digest.count);
    await page.waitFor(pressedIs, [p.id, 'true']);
    await page.waitFor(cardTagsAre, [p.id, ['undo-b']]);
    expect(await page.evaluate(cardButtons, p.id)).not.toContain('Undo');

    await page.click(...saveButton(p.id));
    await page.waitFor(pressedIs, [p.id, 'false']);
    await page.waitFor(cardHasButton, [p.id, 'Undo']);
    // Beside the save button, in the tab order right after it.
    expect((await page.evaluate(cardButtons, p.id)).slice(0, 2)).toEqual(['Save to PaperShelf', 'Undo']);

    await page.click(`[data-papershelf="${p.id}"]`, 'button.undo');
    await page.waitFor(pressedIs, [p.id, 'true']);
    await page.waitFor(cardTagsAre, [p.id, ['undo-b']]);
    await page.waitFor(cardLacksButton, [p.id, 'Undo']);

    const popup = await ctx.open(ctx.s.popupUrl);
    await popup.waitFor(rowIs, [row(p.id), { tags: ['undo-b'], status: 'read', note: 'Keep for the reading group' }]);
    await popup.close();
    await page.close();
  });

  it("a card's Undo stays at least 10 s, then goes; the paper waits in Recently removed", async () => {
    const p = digest.cards[6];
    const seeder = await ctx.open(ctx.s.popupUrl);
    await seed(seeder, [{ ...p, tag: 'undo-late', status: 'to-read', note: '' }]);
    await seeder.close();

    const page = await ctx.open(digest.url);
    await page.waitFor(controlsReady, digest.count);
    await page.waitFor(pressedIs, [p.id, 'true']);
    const clicked = Date.now();
    await page.click(...saveButton(p.id));
    await page.waitFor(cardHasButton, [p.id, 'Undo']);
    await page.waitFor(cardLacksButton, [p.id, 'Undo'], 20_000);
    expect(Date.now() - clicked).toBeGreaterThanOrEqual(10_000);
    expect(await page.evaluate(pressedIs, [p.id, 'false'])).toBe(true);

    const popup = await ctx.open(ctx.s.popupUrl);
    await popup.click('#tab-trash');
    await popup.waitFor(present, trashRow(p.id));
    await popup.close();
    await page.close();
  });

  it('Recently removed follows removals made on cards while it is open; Restore all brings them back', async () => {
    const [p, q] = [digest.cards[2], digest.cards[3]];
    const seeder = await ctx.open(ctx.s.popupUrl);
    await seed(seeder, [
      { ...p, tag: 'all-c', status: 'to-read', note: '' },
      { ...q, tag: 'all-d', status: 'reading', note: 'Ask about the kernels' },
    ]);
    await seeder.close();

    const popup = await ctx.open(ctx.s.popupUrl);
    await popup.waitFor(present, row(q.id));
    await popup.click('#tab-trash');
    await popup.waitFor(present, '#panel-trash');

    const page = await ctx.open(digest.url);
    await page.waitFor(controlsReady, digest.count);
    for (const r of [p, q]) {
      await page.click(...saveButton(r.id));
      await page.waitFor(pressedIs, [r.id, 'false']);
    }
    await popup.waitFor(present, trashRow(p.id));
    await popup.waitFor(present, trashRow(q.id));
    // The most recently removed first.
    const order = await popup.evaluate(
      ([a, b]) => {
        const rows = Array.from(document.querySelectorAll('ul[aria-label="Recently removed papers"] li'));
        return [rows.findIndex((li) => li.matches(a)), rows.findIndex((li) => li.matches(b))];
      },
      [trashRow(q.id), trashRow(p.id)] as const,
    );
    expect(order[0]).toBeLessThan(order[1]);

    // "Restore all" is a button of that name in the view.
    expect(await popup.evaluate(() => Array.from(document.querySelectorAll('#panel-trash button')).filter((b) => b.textContent === 'Restore all').length)).toBe(
      1,
    );
    await popup.click('#panel-trash .trash-head button');
    await popup.waitFor(absent, trashRow(p.id));
    await popup.waitFor(absent, trashRow(q.id));
    await page.waitFor(pressedIs, [p.id, 'true']);
    await page.waitFor(pressedIs, [q.id, 'true']);
    await page.waitFor(cardTagsAre, [q.id, ['all-d']]);
    await popup.click('#tab-papers');
    await popup.waitFor(rowIs, [row(q.id), { tags: ['all-d'], status: 'reading', note: 'Ask about the kernels' }]);
    await popup.waitFor(present, row(p.id));
    await popup.close();
    await page.close();
  });

  it('the popup says what the last sync round left out, and when a note is too long to sync', async () => {
    const p = digest.cards[4];
    const popup = await ctx.open(ctx.s.popupUrl);
    await seed(popup, [{ ...p, tag: 'long-note', status: 'to-read', note: '' }]);
    // What the background writes after a round that ran out of room (background/syncer.ts).
    const KEY = 'papershelf.sync.status';
    const before = await popup.evaluate((key) => (globalThis as any).browser.storage.local.get(key).then((r: Record<string, unknown>) => r[key] ?? null), KEY);
    try {
      await popup.evaluate(
        (key) =>
          (globalThis as any).browser.storage.local.set({ [key]: { at: Date.now(), included: 40, excluded: 1234, notesLeftOut: 2, tombstonesLeftOut: 1 } }),
        KEY,
      );
      await popup.waitFor(() => {
        const f = document.querySelector('footer.sync-note');
        return (
          f?.textContent === "Left out of the browser's sync: 1,234 papers, 2 notes, 1 removal. Why?" &&
          /\/src\/options\/index\.html#sync$/.test(f.querySelector('a')?.getAttribute('href') ?? '')
        );
      });
      await popup.evaluate((key) => (globalThis as any).browser.storage.local.set({ [key]: { at: Date.now(), included: 40, excluded: 0 } }), KEY);
      await popup.waitFor(absent, 'footer.sync-note');
    } finally {
      await popup.evaluate(([key, old]) => (globalThis as any).browser.storage.local[old ? 'set' : 'remove'](old ? { [key]: old } : key), [
        KEY,
        before,
      ] as const);
    }

    await popup.waitFor(present, row(p.id));
    await popup.click(`${row(p.id)} button[aria-expanded="false"]:not([aria-label])`);
    await popup.waitFor(() => document.activeElement?.getAttribute('aria-label') === 'Note');
    // A long note pasted: past what the browser's sync can carry (about 7,000 characters), within what PaperShelf keeps.
    const paste = (text: string) => {
      const area = document.activeElement as HTMLTextAreaElement;
      area.value = text;
      area.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
    };
    await popup.evaluate(paste, 'word '.repeat(2000));
    const hint = 'This note is too long to sync through the browser; it stays on this device.';
    await popup.waitFor((text) => {
      const area = document.activeElement as HTMLTextAreaElement;
      const id = area.getAttribute('aria-describedby');
      return !!id && document.getElementById(id)?.textContent === text;
    }, hint);
    expect(await popup.evaluate(() => (document.activeElement as HTMLTextAreaElement).maxLength)).toBe(100_000);
    await popup.evaluate(paste, 'short again');
    await popup.waitFor(() => !document.activeElement?.hasAttribute('aria-describedby') && !document.querySelector('.note-hint'));
    await popup.close();
  });
});
