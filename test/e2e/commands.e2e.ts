/**
 * The keyboard commands: both are registered with their suggested keys, and
 * "save-page" saves the paper of the tab in front and fetches its metadata.
 * No test can press a browser shortcut, so the command's listener runs through
 * the test hook (self.papershelfCommand), given the tab as the browser would:
 * found by the background itself (its URL is visible through the host
 * permission on arxiv.org/abs/*; a real key press adds activeTab for any tab).
 */
import { describe, expect, it } from 'vitest';
import { expectedFixtures } from '../harness/routes.mjs';
import { BROWSERS, useSession, type Tab } from './session';
import { controlsReady, popupTitlesAre, pressedIs } from './page';

type Fixture = { url: string; count: number; cards: { id: string; title: string }[] };
const fixtures = expectedFixtures() as Record<string, Fixture>;
const abs = fixtures['arxiv/abs.html'];
const hfPaper = fixtures['hf/paper.html'];
const list = fixtures['arxiv/list-new.html'];

type Outcome = { saved: boolean; tabUrl: string | undefined; badge: string };

/** Runs in the background (Chromium's worker, or Firefox's event page through `bg`): the command's listener on tab `tabId`, as the browser gives it. */
async function runCommand([command, tabId, viaPage]: [string, number, boolean]): Promise<Outcome> {
  const api = (globalThis as any).browser ?? (globalThis as any).chrome;
  const target = viaPage ? await api.runtime.getBackgroundPage() : self;
  const tab = await api.tabs.get(tabId);
  const saved = await (target as any).papershelfCommand(command, tab);
  return { saved, tabUrl: tab.url, badge: await api.action.getBadgeText({ tabId }) };
}

const tabIds = async () => ((await ((globalThis as any).browser ?? (globalThis as any).chrome).tabs.query({})) as { id: number }[]).map((t) => t.id);

describe.each(BROWSERS)('%s: keyboard commands', (name) => {
  const ctx = useSession(name);
  let popup: Tab;

  /** A new tab at `url`, and its id (the one tab that was not there before). */
  const openTab = async (url: string): Promise<[Tab, number]> => {
    const before = await popup.evaluate(tabIds);
    const page = await ctx.open(url);
    const fresh = (await popup.evaluate(tabIds)).filter((id) => !before.includes(id));
    expect(fresh).toHaveLength(1);
    return [page, fresh[0]];
  };
  const command = (cmd: string, tabId: number) =>
    ctx.s.evalBackground
      ? ctx.s.evalBackground(runCommand, [cmd, tabId, false] as [string, number, boolean])
      : popup.evaluate(runCommand, [cmd, tabId, true] as [string, number, boolean]);

  it('registers "open PaperShelf" and "save the paper of this page" with their keys', async () => {
    popup = await ctx.open(ctx.s.popupUrl);
    const commands = await popup.evaluate(async () =>
      (
        (await ((globalThis as any).browser ?? (globalThis as any).chrome).commands.getAll()) as { name: string; shortcut?: string; description?: string }[]
      ).map((c) => [c.name, c.shortcut?.replace(/\s/g, '')]),
    );
    expect(Object.fromEntries(commands)).toEqual({ _execute_action: 'Alt+Shift+O', 'save-page': 'Alt+Shift+S' });
  });

  it('saves the paper of an arXiv abstract page, marks the tab, and fills in its metadata', async () => {
    const [page, tabId] = await openTab(abs.url);
    await page.waitFor(controlsReady, abs.count);
    const r = await command('save-page', tabId);
    expect(r).toEqual({ saved: true, tabUrl: abs.url, badge: '✓' });
    // The card on the page shows it saved (the broadcast), the popup its real title.
    await page.waitFor(pressedIs, [abs.cards[0].id, 'true']);
    await popup.waitFor(popupTitlesAre, [abs.cards[0].title], 10_000);
  });

  it('works on a Hugging Face paper page too; the paper saved already keeps its title', async () => {
    const [page, tabId] = await openTab(hfPaper.url);
    await page.waitFor(controlsReady, hfPaper.count);
    expect(await command('save-page', tabId)).toEqual({ saved: true, tabUrl: hfPaper.url, badge: '✓' });
    await page.waitFor(pressedIs, [hfPaper.cards[0].id, 'true']);
    expect(await popup.evaluate(popupTitlesAre, [abs.cards[0].title])).toBe(true);
  });

  it('on a page that is not one paper, saves nothing and says so on the badge', async () => {
    const [page, tabId] = await openTab(list.url);
    await page.waitFor(controlsReady, list.count);
    const r = await command('save-page', tabId);
    expect(r).toMatchObject({ saved: false, badge: '✕' });
    expect(await popup.evaluate(popupTitlesAre, [abs.cards[0].title])).toBe(true);
  });
});
