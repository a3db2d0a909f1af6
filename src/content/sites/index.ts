/**
 * Every page family PaperShelf annotates, listed explicitly so a reviewer sees
 * them all. Each adapter is one file, ending with the URLs it was written for.
 */
import { hfListing } from './hf-listing';
import type { SiteAdapter } from './types';

export const adapters: SiteAdapter[] = [hfListing];

export function adapterFor(url: string): SiteAdapter | undefined {
  const u = new URL(url);
  return adapters.find((a) => a.match(u));
}
