/**
 * The change broadcast: after every committed write (save, unsave, tag,
 * status, note, import, restore, sync), every content script, popup and
 * options page hears what changed through `storage.onChanged` on CHANGE_KEY,
 * without the `tabs` permission and whether or not the worker is awake.
 * Writers in the background and in our pages call the same function.
 */
import browser from 'webextension-polyfill';
import { CHANGE_KEY, type Change } from '../shared/messages';
import type { Shelf } from './db';
import { statusOf } from './papers';

/** Above this many papers a change says "all" and listeners re-read what they show. */
const LIST_LIMIT = 500;

export async function broadcast(db: Shelf, ids: string[], tags = false, origin: Change['origin'] = 'background'): Promise<Change> {
  const papers = ids.length > LIST_LIMIT ? 'all' : await statusOf(db, ids);
  const change: Change = { seq: Date.now() + Math.random(), papers, origin, ...(tags ? { tags } : {}) };
  await browser.storage.local.set({ [CHANGE_KEY]: change });
  return change;
}
