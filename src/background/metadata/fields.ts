/** What both metadata sources (hf-api.ts, arxiv-abs.ts) return, and how they cut and check its fields. */
import { ABSTRACT_MAX, cleanText, type PaperRef } from '../../shared/model';

/** What a source tells about a paper, besides what the bare record has (id, url, source). */
export type Metadata = Pick<PaperRef, 'title' | 'authors'> & Partial<Pick<PaperRef, 'abstract' | 'published' | 'upvotes' | 'organization'>>;

// The schema's limits (shared/messages.ts): fields over them are cut, never a reason to drop the rest.
export const MAX_AUTHORS = 5000;
export const MAX_NAME = 300;
export const MAX_ABSTRACT = ABSTRACT_MAX;
export const MAX_TITLE = 1000;

export const text = (x: unknown, max: number) => (typeof x === 'string' ? cleanText(x).slice(0, max) : '');

/** An ISO date ("2025-05-22" or "2025-05-22T10:00:00.000Z"), else undefined. */
export function isoDate(x: unknown): string | undefined {
  return typeof x === 'string' && /^\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(x.trim()) ? x.trim() : undefined;
}

export function title(x: unknown): string | null {
  const t = typeof x === 'string' ? cleanText(x) : '';
  // An empty or absurd title is not a title: the bare record's "arXiv:<id>" is better.
  return t && t.length <= MAX_TITLE ? t : null;
}
