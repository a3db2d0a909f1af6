/**
 * Site access. Chrome grants the content script's hosts at install; Firefox MV3
 * treats them as opt-in host permissions the user can withhold or revoke in
 * about:addons. The popup and options page check, explain and ask.
 */
import browser from 'webextension-polyfill';
import { t, type MessageKey } from './i18n';

/** Why each site is needed: the message shown to the user, by host. */
const SITE_REASONS: Record<string, MessageKey> = {
  'huggingface.co': 'shared_siteReasonHuggingFace',
  'arxiv.org': 'shared_siteReasonArxiv',
};

/** Why PaperShelf needs `host`, in the user's language (a general reason for a host without its own). */
export const siteReason = (host: string): string => t(SITE_REASONS[host] ?? 'shared_siteReasonOther');

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
