/**
 * Keyboard commands (manifest `commands`). `_execute_action` opens the popup
 * and needs no code; `save-page` saves the paper of the tab in front when that
 * tab is an arXiv abstract page (or its PDF or HTML view) or a Hugging Face
 * paper page. The browser hands the listener that tab; its URL is visible
 * because the key press grants `activeTab` for it (Chrome shows a tab's URL
 * only for the extension's explicit hosts, and the content script's hosts do
 * not count). Users pick other keys in chrome://extensions/shortcuts or
 * about:addons → ⚙ → Manage Extension Shortcuts.
 */
import type { PaperRef } from '../shared/model';
import { refFromLink } from './menu';

export const SAVE_PAGE = 'save-page';

/** Badge text shown on the tab for a moment: saved, or nothing to save here. */
export const SAVED_BADGE = '✓';
export const NOTHING_BADGE = '✕';
export const FLASH_MS = 2500;

// Pages that are one paper: arXiv /abs/, /pdf/, /html/ (www. and export. too), Hugging Face /papers/<id>.
const PAPER_PAGE = /^https:\/\/(?:(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|html)\/|huggingface\.co\/papers\/)/;

/** The paper a page is about, as a bare record (id, version, URL, source); null for any other page. */
export function refFromPage(url: string | undefined): PaperRef | null {
  if (!url || url.length > 2000 || !PAPER_PAGE.test(url)) return null;
  // Listings (/papers/date/…, /papers/trending) have no id in their path: refFromLink says null.
  return refFromLink({ linkUrl: url, pageUrl: url });
}

export interface TabLike {
  id?: number;
  url?: string;
}

export interface CommandDeps {
  /** Saves the bare record and broadcasts it; completes its metadata after (not awaited by the command). */
  save(ref: PaperRef): Promise<void>;
  /** Shows `text` on the tab's badge for a moment. */
  flash(tabId: number, text: string): Promise<void>;
}

/** The `commands.onCommand` listener: true when a paper was saved. */
export function createCommandHandler(deps: CommandDeps) {
  return async function onCommand(command: string, tab: TabLike | undefined): Promise<boolean> {
    if (command !== SAVE_PAGE) return false;
    const ref = refFromPage(tab?.url);
    const tabId = typeof tab?.id === 'number' && tab.id >= 0 ? tab.id : undefined;
    if (!ref) {
      if (tabId !== undefined) await deps.flash(tabId, NOTHING_BADGE);
      return false;
    }
    await deps.save(ref);
    if (tabId !== undefined) await deps.flash(tabId, SAVED_BADGE);
    return true;
  };
}
