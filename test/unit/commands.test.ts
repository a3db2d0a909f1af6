/**
 * The `save-page` command (background/commands.ts): which tab URLs are one
 * paper, and what the handler does with the tab the browser gives it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCommandHandler, NOTHING_BADGE, refFromPage, SAVE_PAGE, SAVED_BADGE } from '../../src/background/commands';
import type { PaperRef } from '../../src/shared/model';

describe('the paper of a page', () => {
  it('arXiv abstract pages, their PDF and HTML views, and Hugging Face paper pages', () => {
    expect(refFromPage('https://arxiv.org/abs/2505.16421v2')).toEqual({
      id: '2505.16421',
      version: 'v2',
      title: 'arXiv:2505.16421',
      authors: [],
      url: 'https://arxiv.org/abs/2505.16421v2',
      source: 'arxiv',
    });
    expect(refFromPage('https://huggingface.co/papers/2505.16421#community')).toMatchObject({
      id: '2505.16421',
      source: 'hf',
      url: 'https://huggingface.co/papers/2505.16421#community',
    });
    expect(refFromPage('https://arxiv.org/abs/hep-th/9901001')?.id).toBe('hep-th/9901001');
    expect(refFromPage('https://arxiv.org/abs/math.GT/0309136v2')).toMatchObject({ id: 'math/0309136', version: 'v2' });
    expect(refFromPage('https://arxiv.org/pdf/2505.16421v1')?.id).toBe('2505.16421');
    expect(refFromPage('https://arxiv.org/pdf/2505.16421.pdf')?.id).toBe('2505.16421');
    expect(refFromPage('https://arxiv.org/html/2505.16421v1')?.id).toBe('2505.16421');
    expect(refFromPage('https://www.arxiv.org/abs/2505.16421')?.id).toBe('2505.16421');
    expect(refFromPage('https://export.arxiv.org/abs/2505.16421')?.id).toBe('2505.16421');
    expect(refFromPage('https://arxiv.org/abs/2505.16421?context=cs.LG')?.id).toBe('2505.16421');
  });

  it('nothing for listings, other sites, look-alike hosts and non-web pages', () => {
    for (const url of [
      undefined,
      '',
      'https://huggingface.co/papers',
      'https://huggingface.co/papers/trending',
      'https://huggingface.co/papers/date/2025-05-20',
      'https://huggingface.co/papers?q=2505.16421',
      'https://huggingface.co/api/papers/2505.16421',
      'https://huggingface.co/2505.16421',
      'https://arxiv.org/list/cs.LG/new',
      'https://arxiv.org/search/?query=2505.16421',
      'https://arxiv.org/abs/',
      'https://arxiv.org/abs/not-an-id',
      'https://arxiv.org.evil.example/abs/2505.16421',
      'https://evil.example/arxiv.org/abs/2505.16421',
      'https://evilarxiv.org/abs/2505.16421',
      'http://arxiv.org/abs/2505.16421',
      'file:///home/me/arxiv.org/abs/2505.16421',
      'chrome://extensions/shortcuts',
      'about:addons',
      'moz-extension://x/src/popup/index.html',
      `https://arxiv.org/abs/2505.16421?${'x'.repeat(2000)}`,
    ]) {
      expect(refFromPage(url), String(url)).toBeNull();
    }
  });
});

describe('the save-page handler', () => {
  const setup = () => {
    const saved: PaperRef[] = [];
    const flashes: [number, string][] = [];
    const handle = createCommandHandler({
      save: async (ref) => void saved.push(ref),
      flash: async (tabId, text) => void flashes.push([tabId, text]),
    });
    return { saved, flashes, handle };
  };

  it('saves the paper of the tab and marks that tab for a moment', async () => {
    const { saved, flashes, handle } = setup();
    expect(await handle(SAVE_PAGE, { id: 7, url: 'https://huggingface.co/papers/2505.16421' })).toBe(true);
    expect(saved.map((r) => [r.id, r.source])).toEqual([['2505.16421', 'hf']]);
    expect(flashes).toEqual([[7, SAVED_BADGE]]);
  });

  it('on another page, saves nothing and says so on the badge', async () => {
    const { saved, flashes, handle } = setup();
    expect(await handle(SAVE_PAGE, { id: 3, url: 'https://arxiv.org/list/cs.LG/new' })).toBe(false);
    // A tab whose URL the browser did not show (no activeTab grant): the same.
    expect(await handle(SAVE_PAGE, { id: 4 })).toBe(false);
    expect(saved).toEqual([]);
    expect(flashes).toEqual([
      [3, NOTHING_BADGE],
      [4, NOTHING_BADGE],
    ]);
  });

  it('without a tab (devtools, a closed window), or for another command, does nothing', async () => {
    const { saved, flashes, handle } = setup();
    expect(await handle(SAVE_PAGE, undefined)).toBe(false);
    expect(await handle(SAVE_PAGE, { id: -1, url: 'https://arxiv.org/abs/2505.16421' })).toBe(true);
    expect(await handle('_execute_action', { id: 1, url: 'https://arxiv.org/abs/2505.16421' })).toBe(false);
    expect(saved).toHaveLength(1);
    expect(flashes).toEqual([]);
  });

  it('the manifest declares the command and the popup key, with suggested keys', () => {
    const manifest = JSON.parse(readFileSync('manifest.json', 'utf8'));
    expect(Object.keys(manifest.commands)).toEqual(['_execute_action', SAVE_PAGE]);
    expect(manifest.commands._execute_action.suggested_key.default).toBe('Alt+Shift+O');
    expect(manifest.commands[SAVE_PAGE].suggested_key.default).toBe('Alt+Shift+S');
    // Named in the user's language (the browser shows it in its shortcut settings).
    const en = JSON.parse(readFileSync('public/_locales/en/messages.json', 'utf8'));
    const [, key] = /^__MSG_(\w+)__$/.exec(manifest.commands[SAVE_PAGE].description) ?? [];
    expect(en[key]?.message).toBe('Save the paper of this page');
  });
});
