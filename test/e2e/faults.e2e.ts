/**
 * Nothing lost: 200 saves, unsaves, tags, untags and removals, by real clicks
 * and keys, spread over two tabs of the digest and the popup, with the
 * background stopped at random moments (between steps, and while a write is
 * on its way). Each step waits for its acknowledgement (the control is no
 * longer busy and shows the new state); at the end every view shows what the
 * model of acknowledged steps says, and so does the database.
 */
import { describe, expect, it } from 'vitest';
import { expectedFixtures } from '../harness/routes.mjs';
import { BROWSERS, useSession, type Tab } from './session';
import { controlsReady, pressedIs, saveButton } from './page';

const digest = (expectedFixtures() as Record<string, { url: string; count: number; cards: { id: string; title: string }[] }>)['hf/digest.html'];
const STEPS = Number(process.env.FAULT_STEPS ?? 200);
const PAPERS = digest.cards.slice(0, 6);
const TAGS = ['alpha', 'beta'];

/** mulberry32: a seeded PRNG, so a failing run can be replayed with the seed it prints. */
function prng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The popup's rows as {title: tag names}, read from the list a user sees. */
function popupState(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const li of Array.from(document.querySelectorAll('ul[aria-label="Saved papers"] li'))) {
    const title = li.querySelector('a.title')?.textContent ?? '';
    out[title] = Array.from(li.querySelectorAll('button.x'))
      .map((b) => (b.getAttribute('aria-label') ?? '').replace(/^Remove tag /, ''))
      .sort();
  }
  return out;
}

function popupIs(want: Record<string, string[]>): boolean {
  const got: Record<string, string[]> = {};
  for (const li of Array.from(document.querySelectorAll('ul[aria-label="Saved papers"] li'))) {
    const title = li.querySelector('a.title')?.textContent ?? '';
    got[title] = Array.from(li.querySelectorAll('button.x'))
      .map((b) => (b.getAttribute('aria-label') ?? '').replace(/^Remove tag /, ''))
      .sort();
  }
  return (
    JSON.stringify(
      Object.keys(got)
        .sort()
        .map((k) => [k, got[k]]),
    ) ===
    JSON.stringify(
      Object.keys(want)
        .sort()
        .map((k) => [k, want[k]]),
    )
  );
}

/** Marks the popup row of `title`'s Remove button, so that a real click can find it. */
function markRemove(title: string): boolean {
  document.querySelectorAll('[data-fault-target]').forEach((e) => e.removeAttribute('data-fault-target'));
  const li = Array.from(document.querySelectorAll('ul[aria-label="Saved papers"] li')).find((l) => l.querySelector('a.title')?.textContent === title);
  li?.querySelector('button.remove')?.setAttribute('data-fault-target', '');
  return !!li;
}

describe.each(BROWSERS)('%s: faults', (name) => {
  const ctx = useSession(name);

  it(`${STEPS} writes across two tabs and the popup, worker stopped at random: nothing acknowledged is lost`, async () => {
    const seed = Number(process.env.FAULT_SEED ?? 20261203);
    const rand = prng(seed);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
    const tabs: Tab[] = [await ctx.open(digest.url), await ctx.open(digest.url)];
    for (const t of tabs) await t.waitFor(controlsReady, digest.count);
    const popup = await ctx.open(ctx.s.popupUrl);

    /** The acknowledged state: saved papers and their tags. */
    const model = new Map<string, Set<string>>();
    const tagsOf = (id: string) => [...(model.get(id) ?? [])];
    const log: string[] = [];
    let stops = 0;

    const spent: Record<string, number[]> = {};
    let began = Date.now();
    let kind = '';
    for (let step = 0; step < STEPS; step++) {
      if (kind) (spent[kind] ??= []).push(Date.now() - began);
      began = Date.now();
      kind = '';
      const p = pick(PAPERS);
      const t = pick(tabs);
      const r = rand();
      // Stopped between steps…
      if (rand() < 0.07) {
        const t0 = Date.now();
        await ctx.s.stopWorker();
        (spent.stop ??= []).push(Date.now() - t0);
        stops++;
      }
      // …or while this step's write is on its way.
      const stopDuring = rand() < 0.07;
      const during = () => {
        if (!stopDuring) return Promise.resolve();
        stops++;
        return ctx.s.stopWorker().catch(() => {});
      };
      const saved = model.has(p.id);
      try {
        if (r < 0.4) {
          // Save or unsave on a card.
          kind = 'save';
          log.push(`${step}: ${saved ? 'unsave' : 'save'} ${p.id} on tab ${tabs.indexOf(t)}${stopDuring ? ' (stop)' : ''}`);
          await t.click(...saveButton(p.id));
          await during();
          if (saved) model.delete(p.id);
          else model.set(p.id, new Set());
          await t.waitFor(pressedIs, [p.id, saved ? 'false' : 'true'], 10_000);
        } else if (r < 0.7) {
          // Tag on a card (saves it too), by keyboard in the editor.
          const tag = pick(TAGS);
          if (model.get(p.id)?.has(tag)) continue;
          kind = 'tag';
          log.push(`${step}: tag ${p.id} ${tag} on tab ${tabs.indexOf(t)}${stopDuring ? ' (stop)' : ''}`);
          await t.click(`[data-papershelf="${p.id}"]`, 'button[aria-label="Add tag"]');
          await t.type(tag);
          await t.press('Enter');
          await during();
          if (!model.has(p.id)) model.set(p.id, new Set());
          model.get(p.id)!.add(tag);
          await t.press('Escape');
          await t.waitFor(pressedIs, [p.id, 'true'], 10_000);
          await t.waitFor(chipsAre, [p.id, tagsOf(p.id)], 10_000);
        } else if (r < 0.85) {
          // Untag on a card.
          const tags = tagsOf(p.id);
          if (!tags.length) continue;
          const tag = pick(tags);
          kind = 'untag';
          log.push(`${step}: untag ${p.id} ${tag} on tab ${tabs.indexOf(t)}${stopDuring ? ' (stop)' : ''}`);
          await t.click(`[data-papershelf="${p.id}"]`, `button[aria-label="Remove tag ${tag}"]`);
          await during();
          model.get(p.id)!.delete(tag);
          await t.waitFor(chipsAre, [p.id, tagsOf(p.id)], 10_000);
        } else {
          // Remove in the popup.
          if (!saved) continue;
          kind = 'remove';
          log.push(`${step}: remove ${p.id} in the popup${stopDuring ? ' (stop)' : ''}`);
          await popup.waitFor((title) => Array.from(document.querySelectorAll('li a.title')).some((a) => a.textContent === title), p.title, 10_000);
          expect(await popup.evaluate(markRemove, p.title)).toBe(true);
          await popup.click('[data-fault-target]');
          await during();
          model.delete(p.id);
          await popup.waitFor((title) => !Array.from(document.querySelectorAll('li a.title')).some((a) => a.textContent === title), p.title, 10_000);
        }
      } catch (e) {
        throw new Error(`seed ${seed}, step ${step}; steps so far:\n${log.slice(-15).join('\n')}`, { cause: e });
      }
    }
    console.log(
      Object.entries(spent)
        .map(([k, v]) => `${k}: n=${v.length} avg=${Math.round(v.reduce((a, b) => a + b, 0) / v.length)}ms`)
        .join(', '),
    );
    expect(stops).toBeGreaterThan(STEPS / 40);

    // Every view converges to the model of acknowledged steps.
    const want: Record<string, string[]> = {};
    for (const [id, tags] of model) want[PAPERS.find((p) => p.id === id)!.title] = [...tags].sort();
    await popup.waitFor(popupIs, want, 10_000).catch(async (e) => {
      throw new Error(`popup shows ${JSON.stringify(await popup.evaluate(popupState))}, want ${JSON.stringify(want)}`, { cause: e });
    });
    for (const t of tabs) {
      for (const p of PAPERS) {
        await t.waitFor(pressedIs, [p.id, model.has(p.id) ? 'true' : 'false'], 10_000);
        await t.waitFor(chipsAre, [p.id, tagsOf(p.id)], 10_000);
      }
    }
    // And so does the database, read fresh: a reloaded tab and a reopened popup.
    await tabs[0].reload();
    await tabs[0].waitFor(controlsReady, digest.count);
    for (const p of PAPERS) await tabs[0].waitFor(pressedIs, [p.id, model.has(p.id) ? 'true' : 'false'], 10_000);
    await popup.reload();
    await popup.waitFor(popupIs, want, 10_000);
  }, 300_000);
});

/** The card's chips as a set (they keep the order added; the model keeps sets). */
function chipsAre([id, want]: [string, string[]]): boolean {
  const root = document.querySelector(`[data-papershelf="${CSS.escape(id)}"]`)?.shadowRoot;
  const got = Array.from(root?.querySelectorAll('.chip > span:first-child') ?? []).map((s) => s.textContent ?? '');
  return got.length === want.length && want.every((t) => got.includes(t));
}
