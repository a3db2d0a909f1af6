/**
 * arXiv listings: /list/<cat>/new (new, cross-list and replacement sections),
 * /recent, /pastweek and the monthly /list/<cat>/YYYY-MM, paged by ?skip=&show=
 * (docs/sites.md "arXiv"). A paper is a `dt` + `dd` pair, not one element: the `dt`
 * (identifier and links) stands for the card, the `dd` holds its metadata.
 * `dl#articles` repeats on /new and /recent, so nothing here looks an id up.
 */
import { absUrl, cachedIdFromUrl, cleanText, type ArxivId, type PaperRef } from '../../shared/model';
import type { Mount, SiteAdapter } from './types';
import { authorLinks, sourceText } from './arxiv-text';

// /list/cs.LG/new, /list/hep-th/recent, /list/cs/pastweek, /list/cs.LG/2026-08,
// and the older /list/hep-th/0901 (YYMM) and /list/math/2024 (a year).
const LISTING = /^\/list\/[a-z-]+(?:\.[A-Za-z-]+)?\/(?:new|recent|pastweek|\d{4}-\d{2}|\d{4}|\d{2})\/?$/;
const DT = 'dl > dt';
// The abstract link: `a[title=Abstract][id=<id>]` now, `span.list-identifier > a[title=Abstract]` in the
// older layout; both point at /abs/<id> (relative or absolute), which is what we anchor on.
const ABS_LINK = 'a[href*="/abs/"]';

function absId(dt: Element): ArxivId | null {
  const a = dt.querySelector(ABS_LINK);
  const href = a?.getAttribute('href');
  return href ? idOf(href) : null;
}

// The listings write the abstract link root-relative with a new-style id: read in one step.
// Anything else (old-style ids, absolute URLs, escapes) goes through the shared parser.
const ABS_NEW = /^\/abs\/(\d{4}\.\d{4,5})(v\d+)?$/;
function idOf(href: string): ArxivId | null {
  const m = ABS_NEW.exec(href);
  if (m) return m[2] ? { id: m[1], version: m[2] } : { id: m[1] };
  return cachedIdFromUrl(href, 'https://arxiv.org/');
}

/** The `dd` that belongs to a card's `dt`. */
function ddOf(dt: Element): Element | null {
  const dd = dt.nextElementSibling;
  return dd?.tagName === 'DD' ? dd : null;
}

/**
 * The ids findCards just read, by card, which spares a second query of each
 * of 1,000 cards in the same scan. Kept only until the current task's
 * microtasks run: nothing else can change the page in between.
 */
let found: Map<Element, ArxivId | null> | null = null;

/** One query for the abstract links of every card (not one per `dt`); a card is the `dt` of its first one. */
function findCards(root: ParentNode): Element[] {
  const cards: Element[] = [];
  const inRoot = root instanceof Element ? root : null;
  if (!found) {
    found = new Map();
    queueMicrotask(() => (found = null));
  }
  const links = root.querySelectorAll(`${DT} ${ABS_LINK}`);
  let last: Element | null = null;
  for (let i = 0; i < links.length; i++) {
    const a = links[i];
    let dt = a.parentElement;
    while (dt && dt.tagName !== 'DT') dt = dt.parentElement;
    if (!dt || dt === last || (inRoot && !inRoot.contains(dt))) continue;
    last = dt;
    found.set(dt, idOf(a.getAttribute('href') ?? ''));
    cards.push(dt);
  }
  return cards;
}

function cardId(dt: Element): ArxivId | null {
  const id = found?.get(dt);
  return id !== undefined ? id : absId(dt);
}

function cardOf(el: Element): Element | null {
  let dt: Element | null = el.closest('dt');
  if (!dt) {
    // A node inside the metadata: the card is the `dt` just before its `dd`.
    const dd = el.closest('dd');
    const prev = dd?.previousElementSibling;
    dt = prev?.tagName === 'DT' ? prev : null;
  }
  return dt?.matches(DT) && dt.querySelector(ABS_LINK) ? dt : null;
}

export type ListSection = 'new' | 'cross' | 'replaced';

/**
 * Where a card sits on a listing and its primary subject. Not part of
 * PaperRef (whose schema is strict), so not saved yet; read from the `dt`
 * note ("(cross-list from cs.AI)", "(replaced)"), which every layout has.
 */
export function listContext(dt: Element): { section: ListSection; subject?: string } {
  const note = dt.textContent ?? '';
  const section: ListSection = /\(replaced\)/.test(note) ? 'replaced' : /\(cross-list from /.test(note) ? 'cross' : 'new';
  const subject = cleanText(ddOf(dt)?.querySelector('.primary-subject')?.textContent);
  return subject ? { section, subject } : { section };
}

function readCard(dt: Element, _doc: Document): PaperRef | null {
  const id = absId(dt);
  const dd = ddOf(dt);
  if (!id || !dd) return null;
  const titleEl = dd.querySelector('.list-title');
  // The abstract, on /new only (`p.mathjax` after the subjects).
  const abstractEl = dd.querySelector('.meta > p');
  const title = titleEl ? sourceText(titleEl) : '';
  if (!title) return null;
  const abstract = abstractEl ? sourceText(abstractEl) : '';
  return {
    id: id.id,
    ...(id.version ? { version: id.version } : {}),
    title,
    authors: authorLinks(dd.querySelector('.list-authors')),
    ...(abstract ? { abstract } : {}),
    // The paper's own page, never the listing's URL (its query would end up in backups, issue 18).
    url: absUrl(id.id),
    source: 'arxiv',
  };
}

/**
 * At the end of the `dt`, after its links, floated to the line's end (`beside`): the entry's
 * identifier line has room to spare, and a host there takes no height, so the entry and the
 * 1,000 below it stay where they are when it goes in. A host in the `dd`'s `.meta` (below the
 * title, as before) pushed down everything after it, and the page laid out and painted the
 * whole list again: 8 hosts cost a 1,020-entry list 57 ms that way, 29 ms floated here
 * (docs/architecture.md, "Hosts that move nothing"). Never inside a `.mathjax` node, which MathJax rewrites (docs/sites.md).
 */
function mountPoint(dt: Element): Mount {
  return { parent: dt, before: null, beside: true };
}

/** A card is its `dt` and the `dd` after it. */
function parts(dt: Element): Element[] {
  const dd = ddOf(dt);
  return dd ? [dt, dd] : [dt];
}

export const arxivList: SiteAdapter = {
  name: 'arxiv-list',
  match: (url) => url.hostname === 'arxiv.org' && LISTING.test(url.pathname),
  findCards,
  cardOf,
  cardId,
  readCard,
  mountPoint,
  parts,
};

// Written for: https://arxiv.org/list/cs.LG/new, https://arxiv.org/list/cs.LG/recent,
// https://arxiv.org/list/hep-th/pastweek?skip=0&show=10 (older layout, old-style ids),
// https://arxiv.org/list/cs.LG/2026-08?skip=25&show=25
