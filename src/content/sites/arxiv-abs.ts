/**
 * One arXiv abstract page, /abs/<id> (docs/sites.md "Abstract page"): exactly one
 * card, the paper itself (`div#abs`). The sidebar's "Cited by", "Change to
 * browse by" (?context=) and version-history /abs/ links are other papers or
 * the same one and get nothing. Metadata comes from the `citation_*` meta tags,
 * which hold the TeX as written, whatever MathJax does to the visible title.
 */
import { absUrl, arxivIdFromUrl, cleanText, parseArxivId, type ArxivId, type PaperRef } from '../../shared/model';
import { authorLinks, sourceText } from './arxiv-text';
import type { SiteAdapter } from './types';

const CARD = '#abs';
const TITLE = 'h1.title';

const metaContent = (doc: Document, name: string) => doc.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? '';

function findCards(root: ParentNode): Element[] {
  const card = root instanceof Element && root.matches(CARD) ? root : root.querySelector(CARD);
  return card ? [card] : [];
}

/** The paper's id from its meta tag (else the page URL); the version from the URL, else from og:url ("…/abs/<id>v2", the version shown). */
function cardId(card: Element): ArxivId | null {
  const doc = card.ownerDocument;
  const fromUrl = doc.location ? arxivIdFromUrl(doc.location.href) : null;
  const id = parseArxivId(metaContent(doc, 'citation_arxiv_id'))?.id ?? fromUrl?.id;
  if (!id) return null;
  const og = arxivIdFromUrl(doc.querySelector('meta[property="og:url"]')?.getAttribute('content') ?? '');
  const version = fromUrl?.id === id && fromUrl.version ? fromUrl.version : og?.id === id ? og.version : undefined;
  return version ? { id, version } : { id };
}

/** "Silva, Rania" → "Rania Silva", as the page shows the names. */
const displayName = (citation: string) => {
  const i = citation.indexOf(', ');
  return cleanText(i < 0 ? citation : `${citation.slice(i + 2)} ${citation.slice(0, i)}`);
};

function readCard(card: Element, doc: Document): PaperRef | null {
  const id = cardId(card);
  if (!id) return null;
  const titleEl = card.querySelector(TITLE);
  const title = cleanText(metaContent(doc, 'citation_title')) || (titleEl ? sourceText(titleEl) : '');
  if (!title) return null;
  let authors = authorLinks(card.querySelector('.authors'));
  if (!authors.length)
    authors = Array.from(doc.querySelectorAll('meta[name="citation_author"]'), (m) => displayName(m.getAttribute('content') ?? '')).filter(Boolean);
  const quote = card.querySelector('blockquote.abstract');
  const abstract = cleanText(metaContent(doc, 'citation_abstract')) || (quote ? sourceText(quote) : '');
  // citation_date is the first version's date ("2025/05/22"); citation_online_date is the latest one's.
  const date = /^(\d{4})\/(\d{2})\/(\d{2})$/.exec(metaContent(doc, 'citation_date').trim());
  return {
    id: id.id,
    ...(id.version ? { version: id.version } : {}),
    title,
    authors,
    ...(abstract ? { abstract } : {}),
    ...(date ? { published: `${date[1]}-${date[2]}-${date[3]}` } : {}),
    // The canonical page, without the version or the query the tab's URL may have (issue 18).
    url: absUrl(id.id),
    source: 'arxiv',
  };
}

/** Right after the title, as its sibling: `h1.title` is a `.mathjax` node. */
function mountPoint(card: Element): { parent: Element; before: Node | null } {
  const h1 = card.querySelector(TITLE) ?? card.querySelector('h1');
  const parent = h1?.parentElement;
  if (h1 && parent && card.contains(parent) && !parent.closest('.mathjax')) return { parent, before: h1.nextSibling };
  return { parent: card, before: card.firstChild };
}

export const arxivAbs: SiteAdapter = {
  name: 'arxiv-abs',
  match: (url) => url.hostname === 'arxiv.org' && url.pathname.startsWith('/abs/') && arxivIdFromUrl(url.href) !== null,
  findCards,
  cardOf: (el) => el.closest(CARD),
  cardId,
  readCard,
  mountPoint,
};

// Written for: https://arxiv.org/abs/2505.16421, https://arxiv.org/abs/2505.16421v1,
// https://arxiv.org/abs/hep-th/9901001
