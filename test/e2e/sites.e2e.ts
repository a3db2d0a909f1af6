/**
 * Issue 4, as a user sees it: every arXiv page family gets one control per
 * paper; a paper saved on an arXiv listing shows saved on Hugging Face and on
 * both one-paper pages; a Hugging Face listing that switches day → week →
 * month without a page load keeps one control per card. Runs in every browser
 * of BROWSERS (default: both).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedFixtures, FIXTURES } from '../harness/routes.mjs';
import { BROWSERS, useSession } from './session';
import { controlsReady, popupItems, pressedIs, readControls, saveButton } from './page';

type Fixture = { url: string; count: number; cards: { id: string; title: string }[] };
const fixtures = expectedFixtures() as Record<string, Fixture>;

/** Where each control sits: in its card (for arXiv lists, the dt or its dd), never in a `.mathjax` node or a link. */
function controlPlaces(): { id: string; inMathjax: boolean; inLink: boolean; inDt: boolean }[] {
  return Array.from(document.querySelectorAll('[data-papershelf]')).map((h) => ({
    id: h.getAttribute('data-papershelf') ?? '',
    inMathjax: h.closest('.mathjax') !== null,
    inLink: h.closest('a') !== null,
    // On arXiv lists the dd's .meta (lighter to lay out than among the dt's links), else the dt.
    inDt: h.closest('dt') !== null || h.closest('dd')?.previousElementSibling?.tagName === 'DT',
  }));
}

/**
 * What a Svelte listing does on a tab or date change: pushState to the new URL,
 * then render that view's cards into the same grid and refresh the hydrater's
 * data-props. The view's HTML is fetched from its URL (served from fixtures).
 */
async function switchView(url: string): Promise<void> {
  const html = await (await fetch(url)).text();
  const next = new DOMParser().parseFromString(html, 'text/html');
  history.pushState({}, '', url);
  const grid = document.querySelector('article')!.parentElement!;
  grid.innerHTML = next.querySelector('article')!.parentElement!.innerHTML;
  const props = next.querySelector('[data-target="DailyPapers"]')!.getAttribute('data-props')!;
  document.querySelector('[data-target="DailyPapers"]')!.setAttribute('data-props', props);
}

describe.each(BROWSERS)('%s: arXiv pages and Hugging Face views', (name) => {
  const ctx = useSession(name);
  const open = ctx.open;

  it.each(['list-new', 'list-recent', 'list-month', 'list-pastweek', 'search', 'abs'])('every card on arxiv/%s gets exactly one control', async (file) => {
    const f = fixtures[`arxiv/${file}.html`];
    const t = await open(f.url);
    await t.waitFor(controlsReady, f.count);
    const controls = await t.evaluate(readControls);
    expect(controls.map((c) => c.id)).toEqual(f.cards.map((c) => c.id));
    expect(controls.every((c) => c.pressed === 'false')).toBe(true);
    const places = await t.evaluate(controlPlaces);
    expect(places.filter((p) => p.inMathjax || p.inLink)).toEqual([]);
    // On the lists, each control sits by its card's dt; the search results and the abstract page have no dt.
    expect(places.length).toBeGreaterThan(0);
    expect(places.filter((p) => p.inDt).map((p) => p.id)).toEqual(file.startsWith('list-') ? places.map((p) => p.id) : []);
    await t.close();
  });

  it('the Hugging Face paper page gets one control, for its paper only', async () => {
    const f = fixtures['hf/paper.html'];
    const t = await open(f.url);
    await t.waitFor(controlsReady, 1);
    expect((await t.evaluate(readControls)).map((c) => c.id)).toEqual([f.cards[0].id]);
    expect(await t.evaluate(() => document.querySelectorAll('aside [data-papershelf]').length)).toBe(0);
    await t.close();
  });

  it('a paper saved on the arXiv /new list shows saved on the HF digest, its arXiv abstract page and its HF paper page', async () => {
    const list = fixtures['arxiv/list-new.html'];
    const digest = fixtures['hf/digest.html'];
    // The one paper of list-new that the digest lists too.
    const paper = list.cards.find((c) => digest.cards.some((d) => d.id === c.id))!;
    expect(paper).toBeDefined();
    // The one-paper fixtures are of 2505.16421: the same pages, served for this paper.
    const absUrl = `https://arxiv.org/abs/${paper.id}`;
    const hfUrl = `https://huggingface.co/papers/${paper.id}`;
    const as = (file: string) => readFileSync(join(FIXTURES, file), 'utf8').replaceAll('2505.16421', paper.id);
    ctx.s.pages.set(absUrl, as('arxiv/abs.html'));
    ctx.s.pages.set(hfUrl, as('hf/paper.html'));

    const t = await open(list.url);
    await t.waitFor(controlsReady, list.count);
    await t.click(...saveButton(paper.id));
    await t.waitFor(pressedIs, [paper.id, 'true']);
    // Saved from the arXiv card: its title and link as the list shows them.
    const popup = await open(ctx.s.popupUrl);
    await popup.waitFor(() => document.querySelectorAll('li').length === 1);
    const [item] = await popup.evaluate(popupItems);
    expect(item.text).toContain(paper.title);
    expect(item.href).toContain(paper.id);
    await popup.close();

    for (const url of [digest.url, absUrl, hfUrl]) {
      const other = await open(url);
      await other.waitFor(pressedIs, [paper.id, 'true']);
      expect((await other.evaluate(readControls)).filter((c) => c.pressed === 'true').map((c) => c.id)).toEqual([paper.id]);
      await other.close();
    }

    // And unsaved from the abstract page, the list tab follows.
    const abs = await open(absUrl);
    await abs.waitFor(pressedIs, [paper.id, 'true']);
    await abs.click(...saveButton(paper.id));
    await abs.waitFor(pressedIs, [paper.id, 'false']);
    await t.waitFor(pressedIs, [paper.id, 'false']);
    await abs.close();
    await t.close();
  });

  /** Saves an old-style id on a pastweek page, then reloads: it must still show saved. */
  const saveOldStyle = async (url: string, count: number) => {
    // Listed as math.GT/0309136: arXiv's id, and ours, is math/0309136 (the subject class is not part of it).
    const id = 'math/0309136';
    const t = await open(url);
    await t.waitFor(controlsReady, count);
    await t.click(...saveButton(id));
    await t.waitFor(pressedIs, [id, 'true']);
    await t.reload();
    await t.waitFor(controlsReady, count);
    try {
      await t.waitFor(pressedIs, [id, 'true'], 3000);
    } finally {
      await t.close();
    }
  };

  it('saves an old-style id from the older listing layout, subject classes like cond-mat.str-el included', async () => {
    const f = fixtures['arxiv/list-pastweek.html'];
    await saveOldStyle(f.url, f.count);
  });

  it('a Hugging Face listing switched day → week → month by pushState keeps one control per card', async () => {
    const views = [fixtures['hf/digest.html'], fixtures['hf/week.html'], fixtures['hf/month.html']];
    const t = await open(views[0].url);
    await t.waitFor(controlsReady, views[0].count);
    expect((await t.evaluate(readControls)).map((c) => c.id)).toEqual(views[0].cards.map((c) => c.id));
    for (const view of views.slice(1)) {
      await t.evaluate(switchView, new URL(view.url).pathname);
      expect(t.url()).toBe(view.url);
      await t.waitFor(controlsReady, view.count);
      expect((await t.evaluate(readControls)).map((c) => c.id)).toEqual(view.cards.map((c) => c.id));
      // At most one host per card (cards far from view have none yet), and each in the card of its own paper.
      const mismatched = await t.evaluate(
        () =>
          Array.from(document.querySelectorAll('article')).filter((a) => {
            const hosts = a.querySelectorAll('[data-papershelf]');
            return hosts.length > 1 || (hosts.length === 1 && !a.querySelector(`a[href="/papers/${hosts[0].getAttribute('data-papershelf')}"]`));
          }).length,
      );
      expect(mismatched).toBe(0);
    }
    // A save after the switch reads the new view's card (and its refreshed data-props).
    const month = views[2];
    const last = month.cards[month.cards.length - 1];
    await t.click(...saveButton(last.id));
    await t.waitFor(pressedIs, [last.id, 'true']);
    await t.click(...saveButton(last.id));
    await t.waitFor(pressedIs, [last.id, 'false']);
    await t.close();
  });
});
