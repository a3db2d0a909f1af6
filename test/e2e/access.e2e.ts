/**
 * Site access the user took back (Firefox lets users revoke an add-on's host
 * permissions in about:addons): PaperShelf notices, says which site and why,
 * and offers to ask again. Chrome grants content-script hosts at install and
 * does not let an extension drop them, so this runs where revoking is possible.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedFixtures } from '../harness/routes.mjs';
import { BROWSERS, openSession, type Session } from './session';

const fixtures = expectedFixtures() as Record<string, { url: string; count: number }>;
const digest = fixtures['hf/digest.html'];
const arxiv = fixtures['arxiv/list-new.html'];

describe.each(BROWSERS.filter((b) => b === 'firefox'))('%s: site access taken back', (name) => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(name);
  });
  afterAll(() => s?.close());

  it('says what stopped working and why, in the popup and on the badge; cards get nothing', async () => {
    const popup = await s.open(s.popupUrl);
    expect(await popup.evaluate(() => document.querySelector('.access'))).toBeNull();
    const removed = await popup.evaluate(() => (globalThis as any).browser.permissions.remove({ origins: ['https://huggingface.co/papers*'] }));
    expect(removed).toBe(true);
    await popup.waitFor(() => /cannot see huggingface\.co/.test(document.querySelector('.access[role="alert"]')?.textContent ?? ''));
    expect(await popup.evaluate(() => document.querySelector('.access')?.textContent)).toMatch(/Save and Tag buttons to paper cards on Hugging Face Papers/);
    expect(await popup.evaluate(() => !!document.querySelector('.access button'))).toBe(true);
    await popup.waitFor(
      () => (globalThis as any).browser.action.getBadgeText({}).then((t: string) => ((window as any).__badge = t)) && (window as any).__badge === '!',
    );

    const page = await s.open(digest.url);
    // Positive control instead of a sleep: opened after it, a listing on a site still allowed has
    // every card found (the test build marks each card; hosts enter only near the viewport) and the
    // first card's controls; by then the content script would have annotated the digest too.
    const other = await s.open(arxiv.url);
    await other.waitFor((n) => document.querySelectorAll('[data-papershelf-card]').length === n && !!document.querySelector('[data-papershelf]'), arxiv.count);
    expect(await page.evaluate(() => document.querySelectorAll('[data-papershelf-card], [data-papershelf]').length)).toBe(0);

    expect(popup.errors).toEqual([]);
  });
});
