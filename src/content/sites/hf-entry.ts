/** Hugging Face's own data about a paper (the pages' `data-props` JSON), for the listing and the paper page adapters. */
import { cleanText, type PaperRef } from '../../shared/model';
import { isObject } from '../../shared/values';

/** One entry of `dailyPapers[]` / `searchResults[]` in data-props (only the fields we read); PaperContent's props have the same shape. */
export interface HfEntry {
  paper?: {
    id?: string;
    title?: string;
    summary?: string;
    authors?: { name?: string; hidden?: boolean }[];
    publishedAt?: string;
    upvotes?: number;
    organization?: { fullname?: string; name?: string } | null;
  };
  title?: string;
  thumbnail?: string;
  organization?: { fullname?: string; name?: string } | null;
}

let propsCache: { raw: string; byId: Map<string, HfEntry> } | undefined;

/**
 * Entries of the page's DailyPapers JSON by id. Re-read when the attribute
 * changes: after a client-side navigation it may be stale or replaced.
 */
export function hfProps(doc: Document): Map<string, HfEntry> {
  const raw = doc.querySelector('[data-target="DailyPapers"][data-props]')?.getAttribute('data-props') ?? '';
  if (propsCache?.raw === raw) return propsCache.byId;
  const byId = new Map<string, HfEntry>();
  try {
    const props = raw ? JSON.parse(raw) : {};
    for (const list of [props.dailyPapers, props.searchResults]) {
      if (!Array.isArray(list)) continue;
      for (const e of list as HfEntry[]) if (typeof e?.paper?.id === 'string') byId.set(e.paper.id, e);
    }
  } catch {
    // A page that breaks its own JSON still gets its cards read from the DOM.
  }
  propsCache = { raw, byId };
  return byId;
}

const str = (x: unknown) => (typeof x === 'string' && x.trim() ? cleanText(x) : undefined);

/**
 * Completes a ref from an HF paper entry (also used by the paper page adapter). The page's
 * JSON is the page's, not ours: a field of another shape than HfEntry says (authors that are
 * no array, a paper that is no object) is read as absent, never thrown on (issue 18).
 */
export function fromHfEntry(ref: PaperRef, e: HfEntry | undefined): PaperRef {
  if (!isObject(e)) return ref;
  const p: NonNullable<HfEntry['paper']> = isObject(e.paper) ? e.paper : {};
  const authors = (Array.isArray(p.authors) ? (p.authors as unknown[]) : [])
    .filter((a): a is { name: string; hidden?: unknown } => isObject(a) && !a.hidden && typeof a.name === 'string')
    .map((a) => cleanText(a.name))
    .filter(Boolean);
  const org = isObject(e.organization) ? e.organization : isObject(p.organization) ? p.organization : undefined;
  return {
    ...ref,
    title: ref.title || str(p.title) || str(e.title) || '',
    authors: ref.authors.length ? ref.authors : authors,
    abstract: ref.abstract ?? str(p.summary),
    published: ref.published ?? str(p.publishedAt),
    upvotes: ref.upvotes ?? (Number.isInteger(p.upvotes) && p.upvotes! >= 0 ? p.upvotes : undefined),
    organization: ref.organization ?? str(org?.fullname) ?? str(org?.name),
    thumbnail: ref.thumbnail ?? (str(e.thumbnail)?.startsWith('https://') ? str(e.thumbnail) : undefined),
  };
}
