/** The popup's search, filters and sort, kept across openings in storage.local. */
import browser from 'webextension-polyfill';
import * as v from 'valibot';
import { READING_STATUSES } from './model';
import { DEFAULT_VIEW, type View } from './query';

const KEY = 'papershelf.popup.view';
const ViewSchema = v.object({
  query: v.pipe(v.string(), v.maxLength(500)),
  tags: v.pipe(v.array(v.string()), v.maxLength(50)),
  status: v.picklist(['', ...READING_STATUSES]),
  sort: v.picklist(['relevance', 'saved', 'published', 'title', 'upvotes']),
});

export async function loadView(): Promise<View> {
  const stored = (await browser.storage.local.get(KEY))[KEY];
  const r = v.safeParse(ViewSchema, stored);
  return r.success ? r.output : DEFAULT_VIEW;
}

export const saveView = (view: View) => browser.storage.local.set({ [KEY]: view });
