/**
 * The Hugging Face paper API, `https://huggingface.co/api/papers/<id>` (its JSON: id, title,
 * summary, authors[{name, hidden}], publishedAt, upvotes; new-style ids only).
 */
import { isObject } from '../../shared/values';
import { isoDate, MAX_ABSTRACT, MAX_AUTHORS, MAX_NAME, text, title, type Metadata } from './fields';

export const hfApiUrl = (id: string) => `https://huggingface.co/api/papers/${id}`;

/**
 * The Hugging Face paper API's answer for `id`: the paper object itself (the
 * listing pages' `data-props` wrap the same object in `paper`; both are read).
 * Null unless it is about this very paper and has a title.
 */
export function parseHfPaper(json: unknown, id: string): Metadata | null {
  if (!isObject(json)) return null;
  const p = isObject(json.paper) && !('title' in json) ? json.paper : json;
  if (p.id !== id) return null;
  const t = title(p.title);
  if (!t) return null;
  const authors = (Array.isArray(p.authors) ? p.authors : [])
    .slice(0, MAX_AUTHORS)
    .filter((a): a is Record<string, unknown> => isObject(a) && a.hidden !== true)
    .map((a) => text(a.name, MAX_NAME))
    .filter(Boolean);
  const abstract = text(p.summary, MAX_ABSTRACT);
  const org = isObject(p.organization) ? text(p.organization.fullname, MAX_NAME) || text(p.organization.name, MAX_NAME) : '';
  const upvotes = p.upvotes;
  return {
    title: t,
    authors,
    ...(abstract ? { abstract } : {}),
    ...(isoDate(p.publishedAt) ? { published: isoDate(p.publishedAt) } : {}),
    ...(typeof upvotes === 'number' && Number.isSafeInteger(upvotes) && upvotes >= 0 ? { upvotes } : {}),
    ...(org ? { organization: org } : {}),
  };
}
