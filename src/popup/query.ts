/**
 * Search, filters and sort for the review list. Full-text search is MiniSearch
 * (title counts most, then authors and tags, then notes, the abstract least),
 * kept up to date one paper at a time as changes arrive.
 */
import MiniSearch from 'minisearch';
import { READING_STATUSES, type Paper, type ReadingStatus } from '../shared/model';

export type SortKey = 'relevance' | 'saved' | 'published' | 'title' | 'upvotes';

export interface View {
  query: string;
  /** Tag keys; a paper must carry all of them. */
  tags: string[];
  status: ReadingStatus | '';
  sort: SortKey;
}

export const DEFAULT_VIEW: View = { query: '', tags: [], status: '', sort: 'saved' };

type Doc = Paper & { tagNames?: string };

export class PaperIndex {
  private ms: MiniSearch<Doc>;
  constructor(private tagName: (key: string) => string) {
    this.ms = new MiniSearch<Doc>({
      fields: ['title', 'authors', 'tagNames', 'note', 'abstract'],
      storeFields: [],
      extractField: (doc, field) => {
        if (field === 'authors') return doc.authors.join(' ');
        if (field === 'tagNames') return doc.tags.map(this.tagName).join(' ');
        return (doc as unknown as Record<string, string>)[field] ?? '';
      },
      searchOptions: {
        boost: { title: 4, authors: 2, tagNames: 2, note: 1.5, abstract: 0.5 },
        // Prefix matching from the third letter: a one- or two-letter prefix expands to thousands
        // of terms at 10,000 papers. No fuzzy matching: it costs more than it finds in titles.
        prefix: (term) => term.length >= 3,
        combineWith: 'AND',
      },
    });
  }

  has(id: string) {
    return this.ms.has(id);
  }

  /** Adds or replaces a paper. */
  put(p: Paper) {
    if (this.ms.has(p.id)) this.ms.discard(p.id);
    this.ms.add(p);
  }

  remove(id: string) {
    if (this.ms.has(id)) this.ms.discard(id);
  }

  /** Ids matching `query`, best first. */
  search(query: string): string[] {
    return this.ms.search(query).map((r) => r.id as string);
  }
}

const byTitle = (a: Paper, b: Paper) => a.title.localeCompare(b.title, undefined, { sensitivity: 'base' });
const sorters: Record<Exclude<SortKey, 'relevance'>, (a: Paper, b: Paper) => number> = {
  saved: (a, b) => b.savedAt - a.savedAt,
  published: (a, b) => (b.published ?? '').localeCompare(a.published ?? '') || b.savedAt - a.savedAt,
  title: byTitle,
  upvotes: (a, b) => (b.upvotes ?? -1) - (a.upvotes ?? -1) || b.savedAt - a.savedAt,
};

/** A plain substring match, used while the index is still being built. */
function roughMatch(p: Paper, words: string[], tagName: (k: string) => string): boolean {
  const hay = `${p.title} ${p.authors.join(' ')} ${p.tags.map(tagName).join(' ')} ${p.note}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

/**
 * The papers to show for a view. `papers` is newest first. With a query and
 * the "relevance" sort, the search order is kept.
 */
export function applyView(
  papers: Paper[],
  view: View,
  index: PaperIndex | null,
  tagName: (k: string) => string,
  /** The papers by id, when the caller keeps one (the popup builds it once per list, not per keystroke). */
  byIdIn?: Map<string, Paper>,
): Paper[] {
  let out = papers;
  const q = view.query.trim();
  let ranked = false;
  if (q) {
    if (index) {
      const byId = byIdIn ?? new Map(papers.map((p) => [p.id, p]));
      out = index.search(q).map((id) => byId.get(id)).filter((p): p is Paper => !!p);
      ranked = true;
    } else {
      const words = q.toLowerCase().split(/\s+/);
      out = out.filter((p) => roughMatch(p, words, tagName));
    }
  }
  if (view.tags.length) out = out.filter((p) => view.tags.every((k) => p.tags.includes(k)));
  if (view.status) out = out.filter((p) => p.status === view.status);
  const sort = view.sort === 'relevance' ? (ranked ? null : sorters.saved) : sorters[view.sort];
  if (sort && (out !== papers || view.sort !== 'saved')) out = [...out].sort(sort);
  return out;
}

export function nextStatus(s: ReadingStatus): ReadingStatus {
  return READING_STATUSES[(READING_STATUSES.indexOf(s) + 1) % READING_STATUSES.length];
}
