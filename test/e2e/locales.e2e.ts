/**
 * PaperShelf in Simplified Chinese, as a user whose browser is in Chinese sees it: the
 * popup (list, Digest, Tags), the card controls, the options and welcome pages all show
 * the zh_CN messages, say `lang="zh-CN"`, and show no English message. Firefox needs its
 * zh-CN language pack for that (Debian: firefox-esr-l10n-zh-cn, which .ci/run installs);
 * without it Firefox stays English and this suite says so.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectedFixtures } from '../harness/routes.mjs';
import { axe, describeViolations } from './axe';
import { controlsReady, pressedIs } from './page';
import { BROWSERS, useSession, type Tab } from './session';

type Messages = Record<string, { message: string }>;
const read = (loc: string): Messages => JSON.parse(readFileSync(`public/_locales/${loc}/messages.json`, 'utf8'));
const en = read('en');
const zh = read('zh_CN');
/** The Chinese of the message whose English is `english` (found by its text, whatever its key). */
function zhOf(english: string): string {
  const key = Object.keys(en).find((k) => en[k].message === english);
  if (!key) throw new Error(`no message says "${english}" in English`);
  return zh[key].message;
}

/**
 * English messages that differ in Chinese, as patterns of the whole string ($1… match anything).
 * Not the bare brand: "PaperShelf" is the same in both (the Chinese name adds a gloss).
 */
const ENGLISH = Object.keys(en)
  .filter((k) => zh[k].message !== en[k].message && en[k].message !== 'PaperShelf' && /[A-Za-z]{3}/.test(en[k].message.replace(/\$[1-9]/g, '')))
  .map((k) => ({
    key: k,
    re: new RegExp(
      `^${en[k].message
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        .replace(/\\\$[1-9]/g, '.+?')
        .replace(/\\\$\\\$/g, '\\$')}$`,
    ),
  }));

/** Every string on the page a user can see or hear: text, names, hints, titles (through open shadow roots). */
function shownStrings(scope: string | null): string[] {
  const out: string[] = [document.title];
  const roots: (Document | ShadowRoot | Element)[] = scope ? Array.from(document.querySelectorAll(scope)) : [document];
  const visit = (root: Node) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let n: Node | null = walker.currentNode; n; n = walker.nextNode()) {
      if (n.nodeType === Node.TEXT_NODE) {
        const p = n.parentElement;
        // Key names (<kbd>) and addresses (<code>) are not translated.
        if (p && !p.closest('style, script, kbd, code')) out.push(n.textContent ?? '');
        continue;
      }
      if (n.nodeType !== Node.ELEMENT_NODE) continue; // the document or shadow root itself
      const el = n as Element;
      for (const a of ['aria-label', 'aria-description', 'title', 'placeholder', 'alt']) {
        const v = el.getAttribute(a);
        if (v) out.push(v);
      }
      if (el.shadowRoot) visit(el.shadowRoot);
    }
  };
  for (const r of roots) {
    visit(r);
    if (r instanceof Element && r.shadowRoot) visit(r.shadowRoot);
  }
  // Whole elements too: a sentence may be text and elements (parts()).
  for (const r of roots) {
    for (const el of Array.from(
      (r instanceof Element && r.shadowRoot ? r.shadowRoot : r).querySelectorAll('p, li, dt, dd, label, button, h1, h2, h3, legend, option, span'),
    )) {
      if (!el.closest('kbd, code') && !el.querySelector('kbd, code')) out.push(el.textContent ?? '');
    }
  }
  return out.map((s) => s.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

async function englishShown(tab: Tab, scope: string | null = null): Promise<string[]> {
  const shown = await tab.evaluate(shownStrings, scope);
  const left = new Set<string>();
  for (const s of shown) for (const m of ENGLISH) if (m.re.test(s)) left.add(`${m.key}: "${s}"`);
  return [...left];
}

const digest = (expectedFixtures() as Record<string, { url: string; count: number; cards: { id: string; title: string }[] }>)['hf/digest.html'];

describe.each(BROWSERS)('%s: in Simplified Chinese (browser language zh-CN)', (name) => {
  const ctx = useSession(name, { lang: 'zh-CN' });
  const url = (path: string) => ctx.s.popupUrl.replace('src/popup/index.html', path);

  it('the extension pages say they are in Chinese', async () => {
    const popup = await ctx.open(ctx.s.popupUrl);
    await popup.waitFor(() => !!document.querySelector('#app *'));
    expect(
      await popup.evaluate(() => [document.documentElement.lang, document.title]),
      'the browser did not switch to zh-CN (Firefox needs its zh-CN language pack: Debian firefox-esr-l10n-zh-cn)',
    ).toEqual(['zh-CN', zh.popupTitle.message]);
    await popup.close();
  });

  it('the card controls speak Chinese', async () => {
    const page = await ctx.open(digest.url);
    await page.waitFor(controlsReady, digest.count);
    const [a, b] = digest.cards;
    const save = zhOf('Save to PaperShelf');
    for (const p of [a, b]) {
      await page.click(`[data-papershelf="${p.id}"]`, `button[aria-label="${save}"]`);
      await page.waitFor(pressedIs, [p.id, 'true']);
    }
    await page.click(`[data-papershelf="${a.id}"]`, `button[aria-label="${zhOf('Add tag')}"]`);
    await page.waitFor((i) => !!document.querySelector(`[data-papershelf="${i}"]`)?.shadowRoot?.querySelector('input'), a.id);
    await page.type('视觉');
    await page.press('Enter');
    await page.waitFor((i) => document.querySelector(`[data-papershelf="${i}"]`)?.shadowRoot?.textContent?.includes('视觉'), a.id);
    expect(await englishShown(page, '[data-papershelf]')).toEqual([]);
    const v = await axe(page, ['[data-papershelf]']);
    expect(v, describeViolations(v)).toEqual([]);
  });

  it('the popup, its Digest, Tags and Recently removed tabs', async () => {
    const popup = await ctx.open(ctx.s.popupUrl);
    await popup.waitFor(() => document.querySelectorAll('#app li a.title').length === 2);
    expect(await englishShown(popup)).toEqual([]);
    let v = await axe(popup);
    expect(v, describeViolations(v)).toEqual([]);
    await popup.click('#tab-digest');
    await popup.waitFor(() => !!document.querySelector('#panel-digest'));
    expect(await englishShown(popup)).toEqual([]);
    await popup.click('#tab-tags');
    await popup.waitFor(() => !!document.querySelector('#panel-tags'));
    expect(await englishShown(popup)).toEqual([]);
    v = await axe(popup);
    expect(v, describeViolations(v)).toEqual([]);
    // Recently removed, with one paper in it.
    await popup.click('#tab-papers');
    await popup.click(`#app li[data-index="0"] button[aria-label="${zhOf('Remove')}"]`);
    await popup.waitFor(() => document.querySelectorAll('#app li a.title').length === 1);
    await popup.click('#tab-trash');
    await popup.waitFor(() => !!document.querySelector('#panel-trash li a.title'));
    expect(await englishShown(popup)).toEqual([]);
    v = await axe(popup);
    expect(v, describeViolations(v)).toEqual([]);
  });

  it('the options and welcome pages', async () => {
    // What each page reads after its first render, shown once read (test ids of the test build): checked only then.
    const loaded = { 'src/options/index.html': ['library-count', 'persistence'], 'src/welcome/index.html': ['shortcuts', 'persistence'] };
    for (const [path, title] of [
      ['src/options/index.html', 'optionsTitle'],
      ['src/welcome/index.html', 'welcomeTitle'],
    ] as const) {
      const page = await ctx.open(url(path));
      await page.waitFor(() => !!document.querySelector('h1'));
      await page.waitFor((ids) => ids.every((id) => !!document.querySelector(`[data-testid="${id}"]`)), loaded[path]);
      expect(await page.evaluate(() => [document.documentElement.lang, document.title])).toEqual(['zh-CN', zh[title].message]);
      expect(await englishShown(page), path).toEqual([]);
      const v = await axe(page);
      expect(v, `${path}: ${describeViolations(v)}`).toEqual([]);
    }
  });
});
