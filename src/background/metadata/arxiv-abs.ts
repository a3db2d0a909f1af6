/**
 * The arXiv abstract page, `https://arxiv.org/abs/<id>`, whose `citation_*` meta tags hold the
 * paper's metadata (docs/sites.md "Abstract page"). The background has no DOMParser (Chrome's
 * service worker), so the meta tags are read by a small tokenizer over the page's head: text
 * only, never evaluated, never put in a document.
 */
import { decodeEntities } from '../../shared/html';
import { cleanText, parseArxivId } from '../../shared/model';
import { MAX_ABSTRACT, MAX_AUTHORS, MAX_NAME, text, title, type Metadata } from './fields';

export const arxivAbsUrl = (id: string) => `https://arxiv.org/abs/${id}`;

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
        const key = tag.attrs
          .find(([k]) => k === 'name')?.[1]
          .trim()
          .toLowerCase();
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
