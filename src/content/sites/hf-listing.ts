/**
 * Hugging Face Papers listings: the daily digest and its date, week and month
 * views, trending, and search results (docs/sites.md "Hugging Face Papers").
 * Classes there are Tailwind utilities that change often, so cards are found
 * from their paper links, and metadata a compact card lacks comes from the
 * `data-props` JSON of the DailyPapers hydrater.
 */
import { cachedIdFromUrl, cleanText, hfUrl, type ArxivId, type PaperRef } from '../../shared/model';
import type { SiteAdapter } from './types';
import { fromHfEntry, hfProps } from './hf-entry';

const LISTING = /^\/papers(?:\/(?:date\/\d{4}-\d{2}-\d{2}|week\/\d{4}-W\d{2}|month\/\d{4}-\d{2}|trending))?\/?$/;
const PAPER_LINK = 'a[href*="/papers/"]';

/** The id a link points at, if it is a link to one paper (not #community, not a listing). */
export function paperLinkId(a: Element): ArxivId | null {
  const href = a.getAttribute('href');
  if (!href || href.includes('#')) return null;
  return cachedIdFromUrl(href, 'https://huggingface.co/');
}

/** The element that stands for one paper: article, else li, else the widest ancestor with no other paper in it. */
export function cardFromLink(link: Element, id: string): Element | null {
  const box = link.closest('article') ?? link.closest('li');
  if (box) return box;
  let card: Element = link;
  for (let up = link.parentElement; up && up !== link.ownerDocument.body; up = up.parentElement) {
    const other = Array.from(up.querySelectorAll(PAPER_LINK)).some((a) => {
      const o = paperLinkId(a);
      return o !== null && o.id !== id;
    });
    if (other) break;
    card = up;
  }
  return card === link ? link.parentElement : card;
}

/**
 * The link each card was found by, and its href then. cardId trusts it while
 * the link is still in the card with the same href (Svelte may rewrite hrefs
 * in place), which spares a second query of every card in the same scan.
 */
const foundBy = new WeakMap<Element, { link: Element; href: string; id: ArxivId }>();

function findCards(root: ParentNode): Element[] {
  const seen = new Set<Element>();
  const links = Array.from(root.querySelectorAll(PAPER_LINK));
  if (root instanceof Element && root.matches(PAPER_LINK)) links.unshift(root);
  for (const a of links) {
    // A card holds several links to its paper (thumbnail, title, comments): once its article or
    // li is found, the others are skipped before their hrefs are parsed.
    const box = a.closest('article') ?? a.closest('li');
    if (box && seen.has(box)) continue;
    const id = paperLinkId(a);
    if (!id) continue;
    const card = box ?? cardFromLink(a, id.id);
    if (card && !seen.has(card)) {
      seen.add(card);
      foundBy.set(card, { link: a, href: a.getAttribute('href')!, id });
    }
  }
  return [...seen];
}

function cardId(card: Element): ArxivId | null {
  const known = foundBy.get(card);
  if (known && known.link.getAttribute('href') === known.href && card.contains(known.link)) return known.id;
  for (const a of Array.from(card.querySelectorAll(PAPER_LINK))) {
    const id = paperLinkId(a);
    if (id) return id;
  }
  return null;
}

/** The title link: the paper link that has text (the thumbnail link holds only an image). */
function titleOf(card: Element, id: string): string {
  const heading = card.querySelector('h1, h2, h3, h4');
  if (heading) return cleanText(heading.textContent);
  for (const a of Array.from(card.querySelectorAll(PAPER_LINK))) {
    const text = cleanText(a.textContent);
    if (text && paperLinkId(a)?.id === id) return text;
  }
  return '';
}

function readCard(card: Element, doc: Document): PaperRef | null {
  const id = cardId(card);
  if (!id) return null;
  const upvoteText = cleanText(card.querySelector('label .leading-none, label input[type="checkbox"] ~ div')?.textContent);
  const img = card.querySelector(`a[href*="/papers/${id.id}"] img`)?.getAttribute('src') ?? undefined;
  let ref: PaperRef = {
    id: id.id,
    ...(id.version ? { version: id.version } : {}),
    title: titleOf(card, id.id),
    authors: [],
    upvotes: /^\d+$/.test(upvoteText) ? Number(upvoteText) : undefined,
    thumbnail: img && /^https:\/\//.test(img) ? img : undefined,
    // The paper's own page, never the listing's URL (a search's ?q= would end up in backups, issue 18).
    url: hfUrl(id.id),
    source: 'hf',
  };
  ref = fromHfEntry(ref, hfProps(doc).get(id.id));
  return ref.title ? ref : null;
}

/** The card's heading; a tag-name lookup is several times cheaper than a selector list, and cards use h3. */
function headingOf(card: Element): Element | null {
  for (const tag of ['h3', 'h2', 'h4', 'h1']) {
    const h = card.getElementsByTagName(tag)[0];
    if (h) return h;
  }
  return null;
}

function mountPoint(card: Element): { parent: Element; before: Node | null } {
  const heading = headingOf(card);
  if (heading?.parentElement && card.contains(heading.parentElement)) return { parent: heading.parentElement, before: heading.nextSibling };
  return { parent: card, before: null };
}

export const hfListing: SiteAdapter = {
  name: 'hf-listing',
  match: (url) => url.hostname === 'huggingface.co' && LISTING.test(url.pathname),
  findCards,
  cardOf(el) {
    const link = el.closest(PAPER_LINK) ?? el;
    const article = link.closest('article, li');
    if (article && cardId(article)) return article;
    return null;
  },
  cardId,
  readCard,
  mountPoint,
  // The controls go under the card's heading, at its top.
  watchPoint: (card) => card,
};

// Written for: https://huggingface.co/papers, /papers/date/2025-05-20,
// /papers/week/2025-W21, /papers/month/2025-05, /papers/trending, /papers?q=…
