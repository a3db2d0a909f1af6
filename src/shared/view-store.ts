/** The popup's search, filters and sort, kept across openings in storage.local. */
import browser from 'webextension-polyfill';
import * as v from 'valibot';
import { READING_STATUSES } from './model';
import { DEFAULT_VIEW, type View } from './query';
import { readStored, stored } from './stored';

const KEY = 'papershelf.popup.view';
const VIEW = stored(
  KEY,
  v.object({
    query: v.pipe(v.string(), v.maxLength(500)),
    tags: v.pipe(v.array(v.string()), v.maxLength(50)),
    status: v.picklist(['', ...READING_STATUSES]),
    sort: v.picklist(['relevance', 'saved', 'published', 'title', 'upvotes']),
  }) satisfies v.GenericSchema<unknown, View>,
  DEFAULT_VIEW,
);

export const loadView = async (): Promise<View> => (await readStored(browser.storage.local, VIEW))[0];

export const saveView = (view: View) => browser.storage.local.set({ [KEY]: view });
