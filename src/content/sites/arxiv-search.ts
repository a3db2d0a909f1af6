/**
 * arXiv search results: /search/?query=…, archive-scoped /search/cs?…, and
 * /search/advanced?… result pages (docs/sites.md "Search results"). One card per
 * `li.arxiv-result`; the pager (`nav.pagination`) also carries the
 * `breathe-horizontal` class of the results list, so cards are found by their
 * own class and abstract link, never by the list's.
 */
import { absUrl, cachedIdFromUrl, type ArxivId, type PaperRef } from '../../shared/model';
import { authorLinks, sourceText } from './arxiv-text';
import type { SiteAdapter } from './types';

const CARD = 'li.arxiv-result';
// `p.list-title > a[href=".../abs/<id>"]` "arXiv:<id>": the first /abs/ link of a result.
const ABS_LINK = 'a[href*="/abs/"]';

function absLink(card: Element): Element | null {
  return card.querySelector(ABS_LINK);
}

function cardId(card: Element): ArxivId | null {
  const href = absLink(card)?.getAttribute('href');
  return href ? cachedIdFromUrl(href, 'https://arxiv.org/') : null;
}

function findCards(root: ParentNode): Element[] {
  const cards = Array.from(root.querySelectorAll(CARD));
  if (root instanceof Element && root.matches(CARD)) cards.unshift(root);
  return cards.filter((li) => absLink(li) !== null);
}

/** "Submitted 22 May, 2025; originally announced May 2025." is the latest version's date, not the first: not read. */
function readCard(card: Element, _doc: Document): PaperRef | null {
  const id = cardId(card);
  if (!id) return null;
  const titleEl = card.querySelector('p.title');
  const title = titleEl ? sourceText(titleEl) : '';
  if (!title) return null;
  // The full abstract, without its "△ Less" toggle (a link with no href); the short one ends in an ellipsis.
  const full = card.querySelector('.abstract-full');
  const abstract = full ? sourceText(full, 'a:not([href])') : '';
  return {
    id: id.id,
    ...(id.version ? { version: id.version } : {}),
    title,
    authors: authorLinks(card.querySelector('p.authors')),
    ...(abstract ? { abstract } : {}),
    // The paper's own page, never the listing's URL (its query would end up in backups, issue 18).
    url: absUrl(id.id),
    source: 'arxiv',
  };
}

/** After the "arXiv:<id> [pdf, html, other]" line, outside the link and the `.mathjax` title. */
function mountPoint(card: Element): { parent: Element; before: Node | null } {
  const line = absLink(card)?.parentElement;
  if (line && line !== card && card.contains(line) && !line.closest('a, .mathjax')) return { parent: line, before: null };
  return { parent: card, before: null };
}

export const arxivSearch: SiteAdapter = {
  name: 'arxiv-search',
  match: (url) => url.hostname === 'arxiv.org' && /^\/search(?:\/|$)/.test(url.pathname),
  findCards,
  cardOf: (el) => {
    const li = el.closest(CARD);
    return li && absLink(li) ? li : null;
  },
  cardId,
  readCard,
  mountPoint,
};

// Written for: https://arxiv.org/search/?query=diffusion&searchtype=all,
// https://arxiv.org/search/cs?searchtype=author&query=…, https://arxiv.org/search/advanced?advanced=1&terms-0-term=…
