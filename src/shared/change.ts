/** The change broadcast's shape and key, apart from the message schemas: the content script needs these and not valibot. */
import type { PaperStatus } from './model';

/**
 * A change the background broadcasts after each write, through
 * `storage.local` key CHANGE_KEY: every content script, popup and options page
 * hears it through `storage.onChanged` without the `tabs` permission and
 * whether or not the worker is still awake.
 */
export interface Change {
  seq: number;
  /** Papers whose state changed, with their new state as cards show it; `all` when too many to list. */
  papers: Record<string, PaperStatus> | 'all';
  /** The tag list changed (names, counts). */
  tags?: boolean;
  /** Who wrote: the background, or one of our pages writing the database itself (then the background syncs it out). */
  origin?: 'background' | 'page';
}
export const CHANGE_KEY = 'papershelf.change';
