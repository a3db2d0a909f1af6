/**
 * The first minutes: installing opens the welcome page, which lists the sites
 * from the manifest, the keys and shortcuts, where the library lives and what
 * sync sends, with sync's switch; the options page links to it. In Chromium,
 * the install prompt's warnings are the same as without the host permissions,
 * activeTab and commands this version adds (chrome.management computes them
 * from a manifest, no permission needed).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BROWSERS, RELEASE, useSession } from './session';

const WELCOME = 'src/welcome/index.html';
const OPTIONS = 'src/options/index.html';
const SYNC_SETTINGS_KEY = 'papershelf.sync.settings';

describe.each(BROWSERS)('%s: welcome page', (name) => {
  const ctx = useSession(name);
  const url = (path: string) => ctx.s.popupUrl.replace('src/popup/index.html', path);

  it('opens by itself on install', async () => {
    const popup = await ctx.open(ctx.s.popupUrl);
    // The extension's own pages open in tabs, as windows this page can see.
    await popup.waitFor(
      (path) =>
        (((globalThis as any).browser ?? (globalThis as any).chrome).extension.getViews({ type: 'tab' }) as Window[]).some(
          (w) => w.location.pathname === `/${path}`,
        ),
      WELCOME,
      10_000,
    );
  });

  it('says where PaperShelf works, from the manifest, and shows the shortcuts the browser set', async () => {
    const page = await ctx.open(url(WELCOME));
    await page.waitFor(
      () => document.querySelectorAll('[data-testid="sites"] li').length > 0 && document.querySelectorAll('[data-testid="shortcuts"] dd').length === 2,
    );
    expect(await page.evaluate(() => document.querySelector('h1')?.textContent)).toBe('Welcome to PaperShelf');
    const sites = await page.evaluate(() =>
      Array.from(document.querySelectorAll('[data-testid="sites"] li'), (li) => [li.getAttribute('data-host'), li.textContent]),
    );
    expect(sites.map(([host]) => host)).toEqual(['huggingface.co', 'arxiv.org']);
    expect(sites[0][1]).toContain('huggingface.co/papers…');
    expect(sites[1][1]).toContain('arxiv.org/list/…');
    expect(sites[1][1]).toContain('arxiv.org/abs/…');
    const shortcuts = await page.evaluate(() =>
      Array.from(document.querySelectorAll('[data-testid="shortcuts"] dd'), (dd) => [
        dd.getAttribute('data-command'),
        dd.previousElementSibling?.textContent?.replace(/\s+/g, ''),
      ]),
    );
    expect(Object.fromEntries(shortcuts)).toEqual({ _execute_action: 'Alt+Shift+O', 'save-page': 'Alt+Shift+S' });
    // Site access is granted here (Chrome at install; the Firefox test profile likewise): no banner.
    expect(await page.evaluate(() => document.querySelector('.access'))).toBeNull();
    expect(await page.evaluate(() => document.querySelector('#sync-what')?.textContent)).toMatch(/at most 80 characters/);
    await page.waitFor(
      () => /IndexedDB/.test(document.querySelector('#data')?.textContent ?? '') && !!document.querySelector('#data [data-testid="persistence"]'),
    );
  });

  it("sync's switch is right there and turns sync off and on", async () => {
    const page = await ctx.open(url(WELCOME));
    const box = '#sync input[type="checkbox"]';
    await page.waitFor((sel) => (document.querySelector(sel) as HTMLInputElement | null)?.checked === true, box);
    const stored = () =>
      page.evaluate(
        async (key) => ((await ((globalThis as any).browser ?? (globalThis as any).chrome).storage.local.get(key))[key] ?? null) as { enabled: boolean } | null,
        SYNC_SETTINGS_KEY,
      );
    await page.click(box);
    await page.waitFor((sel) => (document.querySelector(sel) as HTMLInputElement).checked === false, box);
    await page.waitFor(() => /Sync is off/.test(document.querySelector('#sync [role="status"]')?.textContent ?? ''));
    expect(await stored()).toEqual({ enabled: false });
    await page.click(box);
    await page.waitFor((sel) => (document.querySelector(sel) as HTMLInputElement).checked === true, box);
    expect(await stored()).toEqual({ enabled: true });
  });

  it('the options page links to it', async () => {
    const options = await ctx.open(url(OPTIONS));
    await options.waitFor((href) => !!document.querySelector(`a[href="${href}"]`), url(WELCOME));
  });

  // Firefox lets a user withhold site access at install: the welcome page (not the options page) asks.
  it.runIf(name === 'firefox')('where site access is missing, says so first and offers to allow it', async () => {
    const page = await ctx.open(url(WELCOME));
    expect(await page.evaluate(() => (globalThis as any).browser.permissions.remove({ origins: ['https://arxiv.org/abs/*'] }))).toBe(true);
    await page.waitFor(() => /cannot see arxiv\.org/.test(document.querySelector('.access[role="alert"]')?.textContent ?? ''));
    expect(await page.evaluate(() => !!document.querySelector('.access button'))).toBe(true);
    // Before everything else on the page.
    expect(await page.evaluate(() => document.querySelector('main > .access') === document.querySelector('main > h1 + p + .access'))).toBe(true);
  });
});

describe.each(BROWSERS.filter((b) => b === 'chromium'))('%s: install prompt', (name) => {
  const ctx = useSession(name);

  it('warns of nothing more than before: the new host permissions are on sites it already names', async () => {
    // What users install (dist/): the test build also has the loopback hosts of the WebDAV tests.
    const manifest = JSON.parse(readFileSync(join(RELEASE.chromium, 'manifest.json'), 'utf8'));
    const { host_permissions: _h, commands: _c, ...before } = manifest;
    before.permissions = manifest.permissions.filter((p: string) => p !== 'activeTab');
    const page = await ctx.open(ctx.s.popupUrl);
    const warnings = (m: object) =>
      page.evaluate((text) => (globalThis as any).chrome.management.getPermissionWarningsByManifest(text) as Promise<string[]>, JSON.stringify(m));
    const now = await warnings(manifest);
    expect(now).toEqual(await warnings(before));
    expect(now.join('\n')).toMatch(/huggingface\.co/);
    expect(now.join('\n')).toMatch(/arxiv\.org/);
  });
});
