/**
 * Settings of the listing pages, in storage.local (the content script reads
 * them; the options page writes them). `type Settings = typeof DEFAULTS`, and
 * anything stored that does not parse falls back to the default.
 */
import type { Stored } from './stored';

export const SETTINGS_KEY = 'papershelf.settings';

export const DEFAULTS = {
  /** j/k/s/x/1–9/o/? on listing pages. */
  triageKeys: true,
  /** The relevance meter and suggested tags on cards. */
  ranking: true,
};
export type Settings = typeof DEFAULTS;

export function readSettings(stored: unknown): Settings {
  const s = (typeof stored === 'object' && stored !== null ? stored : {}) as Partial<Record<keyof Settings, unknown>>;
  return {
    triageKeys: typeof s.triageKeys === 'boolean' ? s.triageKeys : DEFAULTS.triageKeys,
    ranking: typeof s.ranking === 'boolean' ? s.ranking : DEFAULTS.ranking,
  };
}

/** The listing settings as a stored value (stored.ts); read by hand, not by a schema: the content script stays small. */
export const LISTING_SETTINGS: Stored<Settings> = { key: SETTINGS_KEY, read: readSettings };
