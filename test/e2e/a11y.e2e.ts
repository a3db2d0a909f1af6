/**
 * Accessibility audits with axe-core (WCAG 2.1 A/AA) in both browsers: the
 * popup with papers, tags and an open tag input, the Digest, Tags and Recently removed tabs, and
 * the options page. Any violation fails, with its rule and element. The light theme and the
 * dark one each have a browser of their own, started in that theme (session.ts colorScheme),
 * so each audit runs in both browsers.
 */
import { describe, expect, it } from 'vitest';
import { expectedFixtures } from '../harness/routes.mjs';
import { BROWSERS, useSession, type Tab } from './session';
import { controlsReady, pressedIs, saveButton } from './page';
import { axe, describeViolations } from './axe';

const digest = (expectedFixtures() as Record<string, { url: string; count: number; cards: { id: string; title: string }[] }>)['hf/digest.html'];

type Ctx = ReturnType<typeof useSession>;

/** The theme a page sees. */
const scheme = () => (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');

/** The popup with three papers saved by real clicks, the first one tagged from the keyboard, its tag input still open. */
async function popupWithTags(ctx: Ctx): Promise<Tab> {
  const page = await ctx.open(digest.url);
  await page.waitFor(controlsReady, digest.count);
  for (const p of digest.cards.slice(0, 3)) {
    await page.waitFor(pressedIs, [p.id, 'false']);
    await page.click(...saveButton(p.id));
    await page.waitFor(pressedIs, [p.id, 'true']);
  }
  const popup = await ctx.open(ctx.s.popupUrl);
  await popup.waitFor(() => document.querySelectorAll('ul[aria-label="Saved papers"] li').length === 3);
  await popup.press('j');
  await popup.waitFor(() => document.activeElement?.matches('li[data-index="0"]'));
  await popup.press('t');
  // Typed once the tag input has focus, as a user sees it.
  await popup.waitFor(() => document.activeElement?.getAttribute('aria-label') === 'Tag name');
  await popup.type('accessible');
  await popup.press('Enter');
  await popup.waitFor(() => !!document.querySelector('button[aria-label="Remove tag accessible"]'));
  return popup;
}

/** The digest with a removal's Undo on one card and the tag editor open on another. */
async function cardsWithEditor(ctx: Ctx): Promise<Tab> {
  const page = await ctx.open(digest.url);
  await page.waitFor(controlsReady, digest.count);
  const removed = digest.cards[5].id;
  await page.waitFor(pressedIs, [removed, 'false']);
  await page.click(...saveButton(removed));
  await page.waitFor(pressedIs, [removed, 'true']);
  await page.click(...saveButton(removed));
  await page.waitFor((i) => !!document.querySelector(`[data-papershelf="${i}"]`)?.shadowRoot?.querySelector('button.undo'), removed);
  const id = digest.cards[0].id;
  await page.click(`[data-papershelf="${id}"]`, 'button[aria-label="Add tag"]');
  await page.waitFor((i) => !!document.querySelector(`[data-papershelf="${i}"]`)?.shadowRoot?.querySelector('input'), id);
  return page;
}

describe.each(BROWSERS)('%s: accessibility (axe, WCAG 2.1 A/AA)', (name) => {
  const ctx = useSession(name, { colorScheme: 'light' });

  it('the popup: list, cursor row, tags, an open tag input; the Digest, Tags and Recently removed tabs', async () => {
    const popup = await popupWithTags(ctx);
    expect(await popup.evaluate(scheme)).toBe('light');
    let v = await axe(popup);
    expect(v, describeViolations(v)).toEqual([]);
    await popup.click('#tab-digest');
    // The first ranking trains the models: seconds on a busy machine.
    await popup.waitFor(() => !/Ranking/.test(document.querySelector('#panel-digest')?.textContent ?? 'Ranking'), undefined, 20_000);
    v = await axe(popup);
    expect(v, describeViolations(v)).toEqual([]);
    await popup.click('#tab-tags');
    await popup.waitFor(() => !!document.querySelector('#panel-tags'));
    v = await axe(popup);
    expect(v, describeViolations(v)).toEqual([]);
    // Recently removed, with a paper in it (the tagged one).
    await popup.click('#tab-papers');
    await popup.click('li[data-index="0"] button[aria-label="Remove"]');
    await popup.waitFor(() => document.querySelectorAll('ul[aria-label="Saved papers"] li').length === 2);
    await popup.click('#tab-trash');
    await popup.waitFor(() => !!document.querySelector('#panel-trash ul[aria-label="Recently removed papers"] li .chip'));
    v = await axe(popup);
    expect(v, describeViolations(v)).toEqual([]);
  });

  it('the card controls, with the tag editor open and an Undo after a removal', async () => {
    const page = await cardsWithEditor(ctx);
    expect(await page.evaluate(scheme)).toBe('light');
    // Only our controls: the fixture page's own markup is the site's, not ours.
    const v = await axe(page, ['[data-papershelf]']);
    expect(v, describeViolations(v)).toEqual([]);
  });

  it('the welcome page', async () => {
    const welcome = await ctx.open(ctx.s.popupUrl.replace('src/popup/index.html', 'src/welcome/index.html'));
    await welcome.waitFor(() => !!document.querySelector('h1'));
    const v = await axe(welcome);
    expect(v, describeViolations(v)).toEqual([]);
  });

  it('the options page', async () => {
    const options = await ctx.open(ctx.s.popupUrl.replace('src/popup/index.html', 'src/options/index.html'));
    await options.waitFor(() => !!document.querySelector('[data-testid="library-count"], [data-testid="library-error"]'));
    const v = await axe(options);
    expect(v, describeViolations(v)).toEqual([]);
  });
});

describe.each(BROWSERS)('%s: accessibility in the dark theme (axe, WCAG 2.1 A/AA)', (name) => {
  const ctx = useSession(name, { colorScheme: 'dark' });

  it('the popup: list, cursor row, tags, an open tag input', async () => {
    const popup = await popupWithTags(ctx);
    expect(await popup.evaluate(scheme)).toBe('dark');
    const v = await axe(popup);
    expect(v, `dark: ${describeViolations(v)}`).toEqual([]);
  });

  it('the card controls, with the tag editor open and an Undo after a removal', async () => {
    const page = await cardsWithEditor(ctx);
    expect(await page.evaluate(scheme)).toBe('dark');
    const v = await axe(page, ['[data-papershelf]']);
    expect(v, `dark: ${describeViolations(v)}`).toEqual([]);
  });
});
