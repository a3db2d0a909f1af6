/**
 * A paper saved from a link or a key press has only its id: its title,
 * authors and abstract are fetched at once, from two sources only (the
 * manifest's two host permissions):
 *
 * 1. the Hugging Face paper API, `https://huggingface.co/api/papers/<id>`
 *    (its JSON: id, title, summary, authors[{name, hidden}],
 *    publishedAt, upvotes; new-style ids only);
 * 2. failing that, the arXiv abstract page, `https://arxiv.org/abs/<id>`, whose
 *    `citation_*` meta tags hold the same (docs/sites.md "Abstract page").
 *
 * The background has no DOMParser (Chrome's service worker), so the meta tags
 * are read by a small tokenizer over the page's head: text only, never
 * evaluated, never put in a document. Whatever either source says goes through
 * the message schema (PaperRefSchema) before it is written; anything else
 * leaves the bare record as it is, completed later when a listing shows the
 * paper (annotate.ts sends `paper.complete`).
 *
 * At most one request a second, whatever the number of saves: one queue per
 * worker. The worker may be stopped with requests queued; those papers then
 * stay bare until seen on a listing, as before.
 */
import * as v from 'valibot';
import { cleanText, parseArxivId, type PaperRef } from '../shared/model';
import { PaperRefSchema } from '../shared/messages';

/** What a source tells about a paper, besides what the bare record has (id, url, source). */
export type Metadata = Pick<PaperRef, 'title' | 'authors'> & Partial<Pick<PaperRef, 'abstract' | 'published' | 'upvotes' | 'organization'>>;

export const hfApiUrl = (id: string) => `https://huggingface.co/api/papers/${id}`;
export const arxivAbsUrl = (id: string) => `https://arxiv.org/abs/${id}`;

// The schema's limits (shared/messages.ts): fields over them are cut, never a reason to drop the rest.
const MAX_AUTHORS = 5000;
const MAX_NAME = 300;
const MAX_ABSTRACT = 20_000;
const MAX_TITLE = 1000;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const text = (x: unknown, max: number) => (typeof x === 'string' ? cleanText(x).slice(0, max) : '');

/** An ISO date ("2025-05-22" or "2025-05-22T10:00:00.000Z"), else undefined. */
function isoDate(x: unknown): string | undefined {
  return typeof x === 'string' && /^\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(x.trim()) ? x.trim() : undefined;
}

function title(x: unknown): string | null {
  const t = typeof x === 'string' ? cleanText(x) : '';
  // An empty or absurd title is not a title: the bare record's "arXiv:<id>" is better.
  return t && t.length <= MAX_TITLE ? t : null;
}

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

// ---------------------------------------------------------------- arXiv abstract page

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** HTML character references in an attribute value: the named ones arXiv uses, and every numeric one. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(?:#(\d+)|#[xX]([0-9a-fA-F]+)|([a-zA-Z]{2,8}));?/g, (all, dec: string, hex: string, name: string) => {
    if (name) return NAMED[name.toLowerCase()] ?? all;
    const digits = dec ?? hex;
    const cp = digits.length > 7 ? -1 : dec ? Number(dec) : parseInt(hex, 16);
    // NUL, surrogates and out-of-range code points are what the HTML parser replaces too.
    return cp > 0 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
  });
}

const MAX_HEAD = 256_000;
// Where markup can start, as the HTML tokenizer reads it: a start tag ("<" and a letter: its name),
// an end tag ("</" and a letter: its name), a comment ("<!--"), or a bogus comment ("<!", "<?", "</"
// and anything else, to the next ">"). Any other "<" is text.
const MARKUP = /<(?:([A-Za-z][^\s/>]*)|\/([A-Za-z][^\s/>]*)|(!--)|([!?/]))/g;
const COMMENT_END = /--!?>/g;
// Elements whose content is text to a browser, not markup: a "<meta" in them is no tag.
const TEXT_CONTENT = new Set(['script', 'style', 'template', 'noscript', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes']);

const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);

/**
 * A tag's attributes from just after its name, the way the HTML tokenizer reads
 * them (quoted, single-quoted or bare values; names lower-cased), and where the
 * tag ends; null when the text ends first (a browser drops that tag too).
 * One forward pass: hostile markup cannot make it slow.
 */
function readAttributes(s: string, from: number): { attrs: [string, string][]; end: number } | null {
  const attrs: [string, string][] = [];
  const n = s.length;
  let i = from;
  for (;;) {
    while (i < n && (isSpace(s.charCodeAt(i)) || s[i] === '/')) i++;
    if (i >= n) return null;
    if (s[i] === '>') return { attrs, end: i + 1 };
    const start = i;
    // A name runs to white space, "/", ">" or "=" ("=" as its first character is part of it).
    i++;
    while (i < n && !isSpace(s.charCodeAt(i)) && s[i] !== '/' && s[i] !== '>' && s[i] !== '=') i++;
    const name = s.slice(start, i).toLowerCase();
    while (i < n && isSpace(s.charCodeAt(i))) i++;
    if (s[i] !== '=') {
      attrs.push([name, '']);
      continue;
    }
    i++;
    while (i < n && isSpace(s.charCodeAt(i))) i++;
    if (i >= n) return null;
    let value: string;
    if (s[i] === '"' || s[i] === "'") {
      const close = s.indexOf(s[i], i + 1);
      if (close < 0) return null;
      value = s.slice(i + 1, close);
      i = close + 1;
    } else {
      const v0 = i;
      while (i < n && !isSpace(s.charCodeAt(i)) && s[i] !== '>') i++;
      value = s.slice(v0, i);
    }
    attrs.push([name, value]);
  }
}

/**
 * `name` → contents of the head's `<meta name=… content=…>` tags, in order. A tokenizer
 * in one forward pass, as a browser reads the head: every tag's attributes are read whole,
 * so a "<meta" inside another tag's quoted attribute value is text, not a tag (issue 18);
 * comments and the content of scripts, styles and the like are skipped. It stops at the
 * end of the head (`</head>` or `<body>`, as tags, not as text in a value) or MAX_HEAD.
 */
export function metaTags(html: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (typeof html !== 'string') return out;
  const head = html.slice(0, MAX_HEAD);
  MARKUP.lastIndex = 0;
  for (let m = MARKUP.exec(head); m; m = MARKUP.exec(head)) {
    let next: number;
    if (m[3]) {
      // "<!-->" and "<!--->" end at once, any other comment at "-->" (or "--!>").
      const from = m.index + 4;
      if (head[from] === '>') next = from + 1;
      else if (head.startsWith('->', from)) next = from + 2;
      else {
        COMMENT_END.lastIndex = from;
        const c = COMMENT_END.exec(head);
        if (!c) break;
        next = c.index + c[0].length;
      }
    } else if (m[4]) {
      // "</>" is dropped; "<!DOCTYPE …>", "<?…>" and "</3…>" run to the next ">".
      const gt = head.indexOf('>', m.index + 2);
      if (gt < 0) break;
      next = gt + 1;
    } else {
      // A start or end tag: its attributes (an end tag's too) read whole, quotes and all.
      const tag = readAttributes(head, MARKUP.lastIndex);
      if (!tag) break;
      next = tag.end;
      const name = (m[1] ?? m[2]).toLowerCase();
      if (m[2]) {
        if (name === 'head') break;
      } else if (name === 'body') break;
      else if (name === 'meta') {
        // The first of duplicated attributes counts, as for the HTML parser.
        const key = tag.attrs.find(([k]) => k === 'name')?.[1].trim().toLowerCase();
        const content = tag.attrs.find(([k]) => k === 'content')?.[1];
        if (key && content !== undefined) {
          const list = out.get(key);
          const value = decodeEntities(content);
          if (list) list.push(value);
          else out.set(key, [value]);
        }
      } else if (TEXT_CONTENT.has(name)) {
        // Its text runs to its own end tag, found from the end of the start tag (never inside its attributes).
        const close = new RegExp(`</${name}[\\s/>]`, 'gi');
        close.lastIndex = next;
        const c = close.exec(head);
        if (!c) break;
        next = c.index;
      }
    }
    MARKUP.lastIndex = next;
  }
  return out;
}

/** "Silva, Rania" → "Rania Silva", as the abstract page shows the names. */
export function citationName(s: string): string {
  const i = s.indexOf(', ');
  return cleanText(i < 0 ? s : `${s.slice(i + 2)} ${s.slice(0, i)}`);
}

/** The abstract page of `id`: its citation_* tags. Null unless they name this very paper and give a title. */
export function parseArxivAbs(html: string, id: string): Metadata | null {
  if (typeof html !== 'string') return null;
  const metas = metaTags(html);
  const first = (name: string) => metas.get(name)?.[0] ?? '';
  if (parseArxivId(first('citation_arxiv_id'))?.id !== id) return null;
  const t = title(first('citation_title'));
  if (!t) return null;
  const authors = (metas.get('citation_author') ?? [])
    .slice(0, MAX_AUTHORS)
    .map((a) => citationName(a).slice(0, MAX_NAME))
    .filter(Boolean);
  const abstract = text(first('citation_abstract'), MAX_ABSTRACT);
  // citation_date is the first version's date, "2025/05/22".
  const date = /^(\d{4})\/(\d{2})\/(\d{2})$/.exec(first('citation_date').trim());
  return {
    title: t,
    authors,
    ...(abstract ? { abstract } : {}),
    ...(date ? { published: `${date[1]}-${date[2]}-${date[3]}` } : {}),
  };
}

/**
 * The bare record completed with what a source said, checked against the
 * message schema (the same door every other write goes through). Where the
 * bare record was saved, its URL, source and version stay.
 */
export function completedRef(bare: PaperRef, meta: Metadata | null): PaperRef | null {
  if (!meta) return null;
  const ref: PaperRef = { ...meta, id: bare.id, url: bare.url, source: bare.source, ...(bare.version ? { version: bare.version } : {}) };
  const r = v.safeParse(PaperRefSchema, ref);
  return r.success ? (r.output as PaperRef) : null;
}

// ---------------------------------------------------------------- the queue

export interface Limiter {
  /** Runs `task` once every task scheduled before it has started and at least `interval` ms after the last one started; null when too many are waiting. */
  <T>(task: () => Promise<T>): Promise<T | null>;
  /** Tasks scheduled and not started yet. */
  readonly waiting: number;
}

/**
 * At most one task start per `interval` ms, in order. Tasks are short (each
 * fetch has a timeout), so one that hangs cannot hold the queue for long. Past
 * `maxWaiting` queued tasks a new one is refused at once (null): a burst of
 * saves is not worth a queue of minutes.
 */
export function createLimiter(interval = 1000, maxWaiting = 30, now = () => Date.now(), sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))): Limiter {
  let next = 0;
  let tail: Promise<unknown> = Promise.resolve();
  let waiting = 0;
  const schedule = <T>(task: () => Promise<T>): Promise<T | null> => {
    if (waiting >= maxWaiting) return Promise.resolve(null);
    waiting++;
    const run = async () => {
      const wait = next - now();
      if (wait > 0) await sleep(wait);
      waiting--;
      next = now() + interval;
      return task();
    };
    const p = tail.then(run, run);
    tail = p.catch(() => undefined);
    return p;
  };
  return Object.defineProperty(schedule, 'waiting', { get: () => waiting }) as Limiter;
}

// ---------------------------------------------------------------- fetching

export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

const TIMEOUT_MS = 15_000;
const MAX_BYTES = 4_000_000;

/** The body as text, or null past `max` bytes (read in chunks, never more than that held). */
async function readText(res: Response, max = MAX_BYTES): Promise<string | null> {
  const declared = Number(res.headers.get('content-length'));
  if (declared > max) return null;
  if (!res.body) return res.text();
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let out = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out + decoder.decode();
    bytes += value.byteLength;
    if (bytes > max) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    out += decoder.decode(value, { stream: true });
  }
}

/** A GET without cookies or referrer; the body as text on a 200 from the host asked, else null. Never throws. */
async function get(fetchFn: Fetch, url: string, accept: string): Promise<string | null> {
  try {
    const res = await fetchFn(url, {
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      headers: { accept },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    // A redirect elsewhere is not the answer asked for.
    if (!res.ok || (res.url && new URL(res.url).host !== new URL(url).host)) return null;
    return await readText(res);
  } catch {
    // Offline, refused (Firefox: host permission withheld), timed out: the bare record stays.
    return null;
  }
}

export interface MetadataSource {
  /** The metadata of one paper, from Hugging Face, else arXiv; null when neither answered usefully. */
  (id: string): Promise<Metadata | null>;
}

/**
 * Both sources behind one limiter. A second ask for an id already on its way
 * shares the first one's answer.
 */
export function createMetadataSource(fetchFn: Fetch, limit: Limiter = createLimiter()): MetadataSource {
  const pending = new Map<string, Promise<Metadata | null>>();
  const lookup = async (id: string): Promise<Metadata | null> => {
    // Hugging Face has pages for new-style ids only; old-style ones (hep-th/9901001) go to arXiv.
    if (!id.includes('/')) {
      const body = await limit(() => get(fetchFn, hfApiUrl(id), 'application/json'));
      if (body) {
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = null;
        }
        const meta = parseHfPaper(json, id);
        if (meta) return meta;
      }
    }
    const html = await limit(() => get(fetchFn, arxivAbsUrl(id), 'text/html'));
    return html ? parseArxivAbs(html, id) : null;
  };
  return (id) => {
    let p = pending.get(id);
    if (!p) {
      p = lookup(id).finally(() => pending.delete(id));
      pending.set(id, p);
    }
    return p;
  };
}
