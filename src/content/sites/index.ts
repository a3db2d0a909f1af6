/**
 * Every page family PaperShelf annotates, listed explicitly so a reviewer sees
 * them all. Each adapter is one file, ending with the URLs it was written for.
 */
import { arxivAbs } from './arxiv-abs';
import { arxivList } from './arxiv-list';
import { arxivSearch } from './arxiv-search';
import { hfListing } from './hf-listing';
import { hfPaper } from './hf-paper';
import type { SiteAdapter } from './types';

/** Their match() functions do not overlap: at most one adapter serves a URL. */
export const adapters: SiteAdapter[] = [hfListing, hfPaper, arxivList, arxivSearch, arxivAbs];

export function adapterFor(url: string): SiteAdapter | undefined {
  const u = new URL(url);
  return adapters.find((a) => a.match(u));
}
