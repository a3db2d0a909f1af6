/**
 * Site access. Chrome grants the content script's hosts at install; Firefox MV3
 * treats them as opt-in host permissions the user can withhold or revoke in
 * about:addons. The popup and options page check, explain and ask.
 */
import browser from 'webextension-polyfill';

/** Why each site is needed, in the words shown to the user. */
export const SITE_REASONS: Record<string, string> = {
  'huggingface.co': 'to add Save and Tag buttons to paper cards on Hugging Face Papers',
  'arxiv.org': 'to add Save and Tag buttons to arXiv listings, search results and abstract pages',
};

/** The origins the content script runs on, from the manifest (one source of truth). */
export function contentOrigins(): string[] {
  const scripts = browser.runtime.getManifest().content_scripts ?? [];
  return [...new Set(scripts.flatMap((c) => c.matches ?? []))];
}

export async function missingOrigins(): Promise<string[]> {
  const origins = contentOrigins();
  const have = await Promise.all(origins.map((o) => browser.permissions.contains({ origins: [o] }).catch(() => false)));
  return origins.filter((_, i) => !have[i]);
}

/** Asks for every missing origin at once; must run in a click handler (a user gesture). */
export function requestAccess(origins: string[]): Promise<boolean> {
  return browser.permissions.request({ origins });
}

export const hostOf = (origin: string) => origin.replace(/^[^:]+:\/\//, '').replace(/\/.*$/, '');
