/**
 * The one vocabulary shared by the content script, the background and the popup.
 * A paper is keyed by its arXiv id without version (docs/sites.md "arXiv identifiers").
 */
import { t } from './i18n';

export type Source = 'hf' | 'arxiv';

/** What a page tells us about a paper: read from a card, completed from page JSON. */
export interface PaperRef {
  id: string;
  version?: string;
  title: string;
  authors: string[];
  abstract?: string;
  /** ISO date (YYYY-MM-DD or full ISO string) the paper was published. */
  published?: string;
  upvotes?: number;
  organization?: string;
  thumbnail?: string;
  /** The paper's own page (arxiv.org/abs/<id> or huggingface.co/papers/<id>) from a card; where a link save found it, from the menu. */
  url: string;
  source: Source;
}

export const READING_STATUSES = ['to-read', 'reading', 'read'] as const;
export type ReadingStatus = (typeof READING_STATUSES)[number];
/** A status as the user reads it, in their language (read when used, not when this module loads). */
export const STATUS_LABEL: Readonly<Record<ReadingStatus, string>> = {
  get 'to-read'() {
    return t('lib_statusToRead');
  },
  get reading() {
    return t('lib_statusReading');
  },
  get read() {
    return t('lib_statusRead');
  },
};

export interface Paper extends PaperRef {
  /** ms since epoch. */
  savedAt: number;
  updatedAt: number;
  /** Tag keys (tagKey of the name); display names and colours live in the tags store. Since v2. */
  tags: string[];
  /** Since v2; new saves are "to-read". */
  status: ReadingStatus;
  /** Free text, since v2. */
  note: string;
  /** A newer version a listing showed after the paper was saved ("v3"): the popup and the card say "updated". */
  latestVersion?: string;
  /** When tags, status and note were last written here or elsewhere (per-field merge in sync); updatedAt where absent. */
  fieldsAt?: { tags?: number; status?: number; note?: number };
}

/** A tag: its key is the case-folded name, `name` keeps the case the user typed first. */
export interface Tag {
  key: string;
  name: string;
  /** Hue 0–359, stable for the key. */
  hue: number;
  /** When the name was last changed (a rename, even of case only): sync's last-write-wins time. */
  updatedAt?: number;
}

export interface TagCount {
  tag: Tag;
  count: number;
}

/** What a card needs to draw itself. */
export interface PaperStatus {
  saved: boolean;
  /** Display names of the paper's tags, in the order added. */
  tags?: string[];
  /** Saved with only an id (from a link): a page that shows more should complete it. */
  incomplete?: boolean;
}

export const TAG_MAX = 40;

/** Characters of an abstract kept: the message schema's limit, and where every source cuts one. */
export const ABSTRACT_MAX = 20_000;

/** Trims, collapses spaces and caps a tag as typed; '' when nothing is left. */
export function normaliseTag(name: string): string {
  return name
    .replace(/[\s\u200b]+/g, ' ')
    .trim()
    .slice(0, TAG_MAX)
    .trim();
}

/** The key a tag is matched by: normalised, Unicode-normalised and case-folded. */
export function tagKey(name: string): string {
  return normaliseTag(name).normalize('NFKC').toLocaleLowerCase('en-US');
}

/** FNV-1a, 32 bits, over UTF-16 code units: tag colours, sync chunk boundaries and names. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A stable hue for a tag key, so a tag keeps its colour everywhere. */
export const tagHue = (key: string): number => fnv1a(key) % 360;

// New style: 0704.0001 to 1412.9999 have 4 digits, since 1501 5 digits; optional vN.
const NEW_ID = /^(\d{4}\.\d{4,5})(v\d+)?$/;
// Old style: archive(.SUBJ)/YYMMNNN, e.g. hep-th/9901001, math.GT/0309136v2. Case matters:
// subject classes are upper case (math.GT, cs.AI, q-bio.NC) except in cond-mat and
// physics, whose are lower case and may hold a hyphen (cond-mat.str-el/0601123, physics.acc-ph).
const OLD_ID = /^((?:[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?|(?:cond-mat|physics)\.[a-z]+(?:-[a-z]+)*)\/\d{7})(v\d+)?$/;

export interface ArxivId {
  id: string;
  version?: string;
}

/**
 * Parses a bare id ("2205.12345v2", "arXiv:hep-th/9901001") into id and version.
 * An old-style id's subject class is not part of its identity: math.GT/0309136 and
 * math/0309136 are one paper, whose canonical id (arXiv's /abs/ page and its
 * citation_arxiv_id) is math/0309136; the id is that (issue 18).
 */
export function parseArxivId(text: string): ArxivId | null {
  const bare = text.trim().replace(/^arxiv:\s*/i, '');
  const m = NEW_ID.exec(bare);
  const old = m ? null : OLD_ID.exec(bare);
  const found = m ?? old;
  if (!found) return null;
  const id = old ? old[1].replace(/\.[^/]+\//, '/') : found[1];
  return found[2] ? { id, version: found[2] } : { id };
}

// Path forms that carry an id: /abs/<id>, /pdf/<id>[.pdf], /html/<id>, /papers/<id>, /format/<id>.
const PATH_ID = /^\/(?:abs|pdf|html|papers|format)\/(.+?)(?:\.pdf)?\/?$/;

// `new URL` costs 10–30 µs a call in Chromium: at 1,000 cards that alone is over the budget
// (docs/architecture.md "Budgets"), so the forms the pages use (a root-relative path, or an http(s) URL on our hosts,
// in plain characters) are split by hand; anything else (escapes, dot segments, other hosts,
// odd spacing) goes through URL. Both give the same answer.
const PLAIN_HREF = /^(?:https?:\/\/(?:www\.)?((?:export\.)?arxiv\.org|huggingface\.co))?(\/[\w./-]*)(?:[?#]|$)/;
const BASE_HOST = /^https?:\/\/(?:www\.)?([a-z0-9.-]+)(?:[/?#]|$)/;

/** Host (without www.), decoded path and raw path of href against base; null if it does not parse. */
function hostAndPath(href: string, base: string): [string, string, string] | null {
  const m = PLAIN_HREF.exec(href);
  if (m && !m[2].includes('//') && !m[2].includes('/.')) {
    const host = m[1] ?? BASE_HOST.exec(base)?.[1];
    if (host) return [host, m[2], m[2]];
  }
  try {
    const url = new URL(href, base);
    return [url.hostname.replace(/^www\./, ''), decodeURIComponent(url.pathname), url.pathname];
  } catch {
    // Not a URL, or a malformed %-escape in its path: no id.
    return null;
  }
}

/**
 * Reads the arXiv id from a URL or path on arxiv.org or huggingface.co.
 * Takes the whole rest of the path, never only the text after the last "/",
 * since old-style ids contain a slash.
 */
const idCache = new Map<string, ArxivId | null>();

/**
 * arxivIdFromUrl, remembered: a listing repeats each paper's href two or three
 * times (thumbnail, title, comments), and cards are re-read as pages change.
 */
export function cachedIdFromUrl(href: string, base = 'https://arxiv.org/'): ArxivId | null {
  const key = `${base}\n${href}`;
  let hit = idCache.get(key);
  if (hit === undefined) {
    if (idCache.size > 20000) idCache.clear();
    hit = arxivIdFromUrl(href, base);
    idCache.set(key, hit);
  }
  return hit;
}

export function arxivIdFromUrl(href: string, base = 'https://arxiv.org/'): ArxivId | null {
  const parts = hostAndPath(href, base);
  if (!parts) return null;
  const [host, path, rawPath] = parts;
  if (host !== 'arxiv.org' && host !== 'export.arxiv.org' && host !== 'huggingface.co') return null;
  const m = PATH_ID.exec(path);
  if (!m) return null;
  if (host === 'huggingface.co' && !rawPath.startsWith('/papers/')) return null;
  return parseArxivId(m[1]);
}

export const absUrl = (id: string) => `https://arxiv.org/abs/${id}`;
export const pdfUrl = (id: string) => `https://arxiv.org/pdf/${id}`;
export const hfUrl = (id: string) => `https://huggingface.co/papers/${id}`;

/** The number of an arXiv version ("v3" → 3; none → 0). */
export const versionNumber = (v?: string) => (v && /^v\d+$/.test(v) ? Number(v.slice(1)) : 0);

/** The newer version a saved paper was listed with, if any. */
export const updatedTo = (p: { version?: string; latestVersion?: string }) =>
  p.latestVersion && versionNumber(p.latestVersion) > versionNumber(p.version) ? p.latestVersion : undefined;

/** Collapses runs of white space, as a reader sees the text. */
export const cleanText = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();

/**
 * Merges what a page tells about a paper into what we hold: fields the new
 * ref has win, fields it lacks are kept (a compact card must not erase an
 * abstract read earlier from a full listing).
 */
export function mergeRef<T extends PaperRef>(old: T, ref: PaperRef): T {
  const out = { ...old } as T;
  for (const [k, v] of Object.entries(ref) as [keyof PaperRef, unknown][]) {
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    (out as Record<string, unknown>)[k] = v;
  }
  return out;
}
