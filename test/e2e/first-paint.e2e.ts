/**
 * The popup's first paint (src/popup/first-paint.ts, issue 20): its search box
 * answers from the index before the review UI has loaded, and the review UI
 * takes over what was typed (the text, the focus, the caret, the answer) without
 * showing anything else in between and without losing a key. The test build's
 * `?hold` keeps the review UI back until the test lets it load.
 */
import { describe, expect, it } from 'vitest';
import { makePapers } from '../bench/data.mjs';
import { BROWSERS, useSession } from './session';

const TITLES = ['Diffusion models for video', 'Sparse mixture of experts', 'Diffusion policies for robot arms'];
const papers = (makePapers(3, 5) as { title: string; abstract: string; savedAt: number }[]).map((p, i) => ({
  ...p,
  title: TITLES[i],
  abstract: `Abstract number ${i}.`,
  savedAt: p.savedAt - i * 1000,
}));

/** The titles of the popup's lists (the first paint's or the review UI's). */
const titles = () => Array.from(document.querySelectorAll('.scroller li a.title')).map((a) => a.textContent);
/** Serialised into the page on its own: it cannot call `titles`. */
const titlesAre = (want: string[]) =>
  JSON.stringify(Array.from(document.querySelectorAll('.scroller li a.title')).map((a) => a.textContent)) === JSON.stringify(want);

describe.each(BROWSERS)('%s: the popup before and after the review UI loads', (name) => {
  const ctx = useSession(name);

  it('answers a search typed in the first paint; the review UI takes it over as typed, and typing goes on there', async () => {
    const seed = await ctx.open(ctx.s.popupUrl);
    await seed.evaluate(
      async (body) => {
        type Api = { runtime: { sendMessage(m: unknown): Promise<{ ok: boolean } | undefined> } };
        const g = globalThis as unknown as { browser?: Api; chrome: Api };
        const r = await (g.browser ?? g.chrome).runtime.sendMessage({ papershelf: 1, name: 'library.import', body });
        if (!r?.ok) throw new Error(JSON.stringify(r));
      },
      { papers, tags: [] },
    );
    await seed.close();

    const popup = await ctx.open(`${ctx.s.popupUrl}?hold`);
    await popup.waitFor(titlesAre, TITLES);
    // Only the first paint is there: no tablist, and the first paint's box.
    expect(await popup.evaluate(() => [document.querySelector('[role="tablist"]') === null, !!document.querySelector('#first input.search')])).toEqual([
      true,
      true,
    ]);
    await popup.click('#first input[aria-label="Search saved papers"]');
    await popup.type('diffusion vid');
    await popup.waitFor(titlesAre, [TITLES[0]]);

    // Every state of the lists from the takeover on, as seen after each batch of DOM changes.
    await popup.evaluate(() => {
      const seen: string[][] = [];
      (window as unknown as { __seen: string[][] }).__seen = seen;
      new MutationObserver(() => seen.push(Array.from(document.querySelectorAll('.scroller li a.title')).map((a) => a.textContent ?? ''))).observe(
        document.body,
        {
          subtree: true,
          childList: true,
        },
      );
      (window as unknown as { papershelfLoadReviewUi(): void }).papershelfLoadReviewUi();
    });
    await popup.waitFor(() => !!document.querySelector('[role="tablist"]') && !document.getElementById('first'));
    const box = () => {
      const i = document.querySelector<HTMLInputElement>('input.search')!;
      return [i.value, document.activeElement === i, i.selectionStart];
    };
    expect(await popup.evaluate(box)).toEqual(['diffusion vid', true, 'diffusion vid'.length]);
    expect(await popup.evaluate(titles)).toEqual([TITLES[0]]);
    const seen = await popup.evaluate(() => (window as unknown as { __seen: string[][] }).__seen);
    expect(seen.length).toBeGreaterThan(0);
    for (const state of seen) expect(state).toEqual([TITLES[0]]);

    // The next keys go to the review UI's box, and it answers them.
    for (let i = 0; i < 'vid'.length; i++) await popup.press('Backspace');
    await popup.type('rob');
    await popup.waitFor(titlesAre, [TITLES[2]]);
    expect(await popup.evaluate(box)).toEqual(['diffusion rob', true, 'diffusion rob'.length]);
  });
});
