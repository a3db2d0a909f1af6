/**
 * One Hugging Face paper page, /papers/<arxiv-id> (docs/sites.md "One paper page"):
 * exactly one card, the page's own paper, standing for the PaperContent
 * hydrater. Its "Papers citing this" sidebar and other /papers/<id> links are
 * other papers and get nothing. Metadata comes from the hydrater's
 * `data-props` JSON when it is about this paper (it may be stale after a
 * client-side navigation), else from the page.
 */
import { arxivIdFromUrl, cleanText, hfUrl, type ArxivId, type PaperRef } from '../../shared/model';
import { fromHfEntry, type HfEntry } from './hf-entry';
import type { SiteAdapter } from './types';

const CARD = '[data-target="PaperContent"][data-props]';

function findCards(root: ParentNode): Element[] {
  const card = root instanceof Element && root.matches(CARD) ? root : root.querySelector(CARD);
  return card ? [card] : [];
}

/** The paper the page is about: its URL says so; the props and the arXiv button only when the URL does not parse. */
function cardId(card: Element): ArxivId | null {
  const loc = card.ownerDocument.location;
  const fromUrl = loc ? arxivIdFromUrl(loc.href) : null;
  if (fromUrl) return fromUrl;
  const arxiv = card.querySelector('a[href^="https://arxiv.org/abs/"]')?.getAttribute('href');
  return arxiv ? arxivIdFromUrl(arxiv) : null;
}

function pageProps(card: Element): { paper?: HfEntry['paper']; organization?: HfEntry['organization'] } {
  try {
    const props = JSON.parse(card.getAttribute('data-props') ?? '');
    return props && typeof props === 'object' ? props : {};
  } catch {
    // Broken JSON: the title and the abstract are still on the page.
    return {};
  }
}

/** The paragraph after the `h2` reading "Abstract". */
function pageAbstract(card: Element): string {
  const h2 = Array.from(card.querySelectorAll('h2')).find((h) => cleanText(h.textContent) === 'Abstract');
  const p = h2?.nextElementSibling;
  return p?.tagName === 'P' ? cleanText(p.textContent) : '';
}

function readCard(card: Element, _doc: Document): PaperRef | null {
  const id = cardId(card);
  if (!id) return null;
  const props = pageProps(card);
  const entry: HfEntry | undefined = props.paper?.id === id.id ? { paper: props.paper, organization: props.organization } : undefined;
  const ref = fromHfEntry(
    {
      id: id.id,
      ...(id.version ? { version: id.version } : {}),
      title: cleanText(card.querySelector('h1')?.textContent),
      authors: [],
      // The canonical page, without the query or fragment the tab's URL may have (issue 18).
      url: hfUrl(id.id),
      source: 'hf',
    },
    entry,
  );
  if (!ref.abstract) {
    const abstract = pageAbstract(card);
    if (abstract) ref.abstract = abstract;
  }
  return ref.title ? ref : null;
}

/** Right after the title, as its sibling. */
function mountPoint(card: Element): { parent: Element; before: Node | null } {
  const h1 = card.querySelector('h1');
  const parent = h1?.parentElement;
  if (h1 && parent && card.contains(parent)) return { parent, before: h1.nextSibling };
  return { parent: card, before: card.firstChild };
}

export const hfPaper: SiteAdapter = {
  name: 'hf-paper',
  match: (url) => url.hostname === 'huggingface.co' && url.pathname.startsWith('/papers/') && arxivIdFromUrl(url.href) !== null,
  findCards,
  cardOf: (el) => el.closest(CARD),
  cardId,
  readCard,
  mountPoint,
};

// Written for: https://huggingface.co/papers/2505.16421
