/**
 * Filters and sort for the review list. Full-text search is not here: it is
 * the library's index in IndexedDB (library/search.ts); the popup passes its
 * answer in as `hits`.
 */
import { READING_STATUSES, type Paper, type ReadingStatus } from './model';

export type SortKey = 'relevance' | 'saved' | 'published' | 'title' | 'upvotes';

export interface View {
  query: string;
  /** Tag keys; a paper must carry all of them. */
  tags: string[];
  status: ReadingStatus | '';
  sort: SortKey;
}

export const DEFAULT_VIEW: View = { query: '', tags: [], status: '', sort: 'saved' };

/** The index's answer to a query: paper ids, best first; null when the query has no searchable word. */
export interface Hits {
  query: string;
  ids: string[] | null;
}

const byTitle = (a: Paper, b: Paper) => a.title.localeCompare(b.title, undefined, { sensitivity: 'base' });
const sorters: Record<Exclude<SortKey, 'relevance'>, (a: Paper, b: Paper) => number> = {
  saved: (a, b) => b.savedAt - a.savedAt,
  published: (a, b) => (b.published ?? '').localeCompare(a.published ?? '') || b.savedAt - a.savedAt,
  title: byTitle,
  upvotes: (a, b) => (b.upvotes ?? -1) - (a.upvotes ?? -1) || b.savedAt - a.savedAt,
};

/**
 * The papers to show for a view. `papers` is newest first. With a query and
 * the "relevance" sort, the search order is kept. While the answer to a newer
 * query is on its way, the last answer stays (no flash of everything).
 */
export function applyView(papers: Paper[], view: View, hits: Hits | null, byIdIn?: Map<string, Paper>): Paper[] {
  let out = papers;
  const q = view.query.trim();
  let ranked = false;
  if (q && hits?.ids) {
    const byId = byIdIn ?? new Map(papers.map((p) => [p.id, p]));
    out = hits.ids.map((id) => byId.get(id)).filter((p): p is Paper => !!p);
    ranked = true;
  }
  if (view.tags.length) out = out.filter((p) => view.tags.every((k) => p.tags.includes(k)));
  if (view.status) out = out.filter((p) => p.status === view.status);
  const key = view.sort === 'relevance' ? (ranked ? null : 'saved') : view.sort;
  // `papers` is newest first and filters keep its order: newest first needs no sort (10,000 papers at
  // every keystroke of a query without a searchable word yet), unless the list came from the index.
  if (key && (ranked || key !== 'saved')) out = [...out].sort(sorters[key]);
  return out;
}

export function nextStatus(s: ReadingStatus): ReadingStatus {
  return READING_STATUSES[(READING_STATUSES.indexOf(s) + 1) % READING_STATUSES.length];
}
