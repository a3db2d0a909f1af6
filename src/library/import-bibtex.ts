/**
 * BibTeX import: entries read by bibtex-read.ts, checked for the braces that
 * would swallow the entries after them, their LaTeX turned into text by
 * citation-js (only the fields that hold any), and each arXiv paper built as a
 * record of import-common.ts. Loaded only for a BibTeX file: citation-js's
 * grammars take a while to compile.
 */
// @citation-js/core ships no type declarations; the one call used is typed in `Bib` below.
// @ts-expect-error TS7016
import { plugins } from '@citation-js/core';
// Registers the @biblatex/* and @bibtex/* parsers into @citation-js/core.
import '@citation-js/plugin-bibtex';
import { NOTE_MAX } from '../shared/messages';
import { arxivIdFromUrl, cleanText, parseArxivId, type ArxivId } from '../shared/model';
import { t } from '../shared/i18n';
import { BibSyntaxError, closeOfGroup, ENTRY_HEAD, lineAt, readBibTeX, type BibEntry } from './bibtex-read';
import { collapse, Collector, entryLabel, fail, finishPaper, TAGS_MAX, type ImportResult } from './import-common';
import { errorText } from '../shared/errors';

interface CslName {
  given?: string;
  family?: string;
  literal?: string;
  suffix?: string;
  'non-dropping-particle'?: string;
  'dropping-particle'?: string;
}

interface CslData {
  title?: string;
  author?: CslName[];
  abstract?: string;
  note?: string;
  annote?: string;
  keyword?: string;
  issued?: { 'date-parts'?: (number | string)[][] };
}

/** The part of @citation-js/core used here: its registered parsers. */
const Bib = plugins as { input: { data(input: unknown, type: string): unknown } };

// The first entry head at the start of a later line.
const NEXT_ENTRY = /\n[ \t]*@[ \t]*[A-Za-z]+\s*[{(]/g;

/**
 * Checks the braces of every entry the way the parser pairs them (\{ and \} are
 * text), so a missing or extra brace is reported with the entry and line it
 * breaks instead of silently swallowing the entries after it. The error, or null.
 *
 * Linear (issue 18): it jumps between the characters that matter and never looks
 * at a stretch of text twice; line numbers are counted only for the message.
 */
function scanBibTeX(text: string): string | null {
  // An entry head (as ENTRY_HEAD starts), a "}" or a comment: the engine skips the rest, stray "@"s included.
  const OUTER = /@[ \t]*[A-Za-z]+\s*[{(]|[}%]/g;
  const INNER = /\\[\\{}]|[{}()]/g;
  const lineOf = (at: number) => lineAt(text, at);
  let last: { key: string; at: number } | null = null;
  // Offset of the "\n" before the next entry head that starts a line, once looked up; -1: none.
  let next = -2;
  const nextHead = (from: number) => {
    if (next !== -1 && next < from) {
      NEXT_ENTRY.lastIndex = from;
      next = NEXT_ENTRY.exec(text)?.index ?? -1;
    }
    return next;
  };
  for (let m = OUTER.exec(text); m; m = OUTER.exec(text)) {
    const i = m.index;
    const c = m[0];
    if (c === '}') {
      if (last) return t('lib_bibExtraBraceAfter', lineOf(i), last.key, lineOf(last.at));
      continue;
    }
    if (c === '%') {
      // A comment line between entries.
      const eol = text.indexOf('\n', i);
      OUTER.lastIndex = eol === -1 ? text.length : eol;
      continue;
    }
    ENTRY_HEAD.lastIndex = i;
    const head = ENTRY_HEAD.exec(text)!;
    const type = head[1].toLowerCase();
    if (type === 'comment') {
      // A braced @comment{…} (JabRef's metadata spans lines) is skipped whole, any other
      // @comment to the end of its line (as readBibTeX does).
      if (head[2] === '{') {
        const end = closeOfGroup(text, text.indexOf('{', i));
        if (end >= 0) {
          OUTER.lastIndex = end;
          continue;
        }
        // Never closed: it runs to the end of the file, which ends the scan (looking for its end
        // again from every later @comment{ made a file of them quadratic, issue 18). An entry
        // starting on a later line means a "}" is missing, as for any other entry.
        const n = nextHead(i);
        return n === -1 ? null : t('lib_bibNotClosedBeforeNext', '@comment', lineOf(i), lineOf(n + 1));
      }
      const eol = text.indexOf('\n', i);
      OUTER.lastIndex = eol === -1 ? text.length : eol;
      continue;
    }
    const key = type === 'string' || type === 'preamble' ? `@${type}` : head[3] || t('lib_bibNoKey');
    const paren = head[2] === '(';
    let depth = paren ? 0 : 1;
    let closedAt = -1;
    const body = i + head[0].length;
    let n = nextHead(body);
    INNER.lastIndex = body;
    for (let tok = INNER.exec(text); tok; tok = INNER.exec(text)) {
      // Lines between the last token and this one that start an entry: fine only outside braces.
      for (; n !== -1 && n < tok.index; n = nextHead(n + 1)) {
        if (depth > 0) return t('lib_bibNotClosedBeforeNext', key, lineOf(i), lineOf(n + 1));
      }
      const d = tok[0];
      if (d === '{') depth++;
      else if (d === '}') {
        depth--;
        if (depth === 0 && !paren) {
          closedAt = tok.index;
          break;
        }
        if (depth < 0) return t('lib_bibExtraBraceIn', lineOf(tok.index), key, lineOf(i));
      } else if (d === ')') {
        if (paren && depth === 0) {
          closedAt = tok.index;
          break;
        }
      }
      // "(" and escaped braces are text here.
    }
    if (closedAt < 0) {
      if (n !== -1 && depth > 0) return t('lib_bibNotClosedBeforeNext', key, lineOf(i), lineOf(n + 1));
      return t('lib_bibNeverClosed', key, lineOf(i));
    }
    last = { key, at: i };
    OUTER.lastIndex = closedAt + 1;
  }
  return null;
}

/** Unescaped $…$ spans of raw LaTeX, as TeX pairs them. */
function mathSpans(s: string): [number, number][] {
  const spans: [number, number][] = [];
  let open = -1;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '$') {
      if (open < 0) open = i;
      else {
        spans.push([open, i + 1]);
        open = -1;
      }
    }
  }
  return spans;
}

/**
 * Replaces math spans by placeholders before the LaTeX→text conversion (which
 * would turn "$\mathcal{O}(n)$" into "\mathcalO(n)"), and gives a function
 * that puts them back: titles keep their math as written.
 */
function protectMath(value: string, marker: string): { text: string; math: string[] } {
  const math: string[] = [];
  let text = '';
  let last = 0;
  for (const [a, b] of mathSpans(value)) {
    text += value.slice(last, a) + `${marker}${math.length}${marker}`;
    math.push(value.slice(a, b));
    last = b;
  }
  return { text: text + value.slice(last), math };
}

function restoreMath(text: string | undefined, math: string[], marker: string): string {
  if (!text) return '';
  return math.length ? text.replace(new RegExp(`${marker}(\\d+)${marker}`, 'g'), (_, n: string) => math[Number(n)] ?? '') : text;
}

function cslNameText(n: CslName): string {
  if (n.literal) return cleanText(n.literal);
  return cleanText([n.given, n['dropping-particle'], n['non-dropping-particle'], n.family, n.suffix].filter(Boolean).join(' '));
}

const ARXIV_DOI = /^(?:https?:\/\/(?:dx\.)?doi\.org\/)?10\.48550\/arxiv\.(.+)$/i;
// Google Scholar: journal={arXiv preprint arXiv:2106.09685}.
const ARXIV_IN_TEXT = /\barXiv:\s*([a-z.-]+\/\d{7}|\d{4}\.\d{4,5})(v\d+)?/i;

function bibArxivId(p: Record<string, string | number>): ArxivId | null {
  const s = (k: string) => (typeof p[k] === 'string' ? (p[k] as string).trim() : typeof p[k] === 'number' ? String(p[k]) : '');
  const prefix = (s('archiveprefix') || s('eprinttype')).toLowerCase();
  if (s('eprint') && prefix === 'arxiv') {
    const id = parseArxivId(s('eprint'));
    if (id) return id;
  }
  for (const k of ['url', 'pdf']) {
    const id = s(k) && arxivIdFromUrl(s(k).replace(/\\_/g, '_'));
    if (id) return id;
  }
  const doi = ARXIV_DOI.exec(s('doi'));
  if (doi) {
    const id = parseArxivId(doi[1]);
    if (id) return id;
  }
  for (const k of ['journal', 'journaltitle', 'howpublished']) {
    const m = ARXIV_IN_TEXT.exec(s(k));
    const id = m && parseArxivId(m[1] + (m[2] ?? ''));
    if (id) return id;
  }
  return null;
}

function published(issued: CslData['issued']): string | undefined {
  const parts = issued?.['date-parts']?.[0]?.map(Number);
  if (!parts || !Number.isInteger(parts[0]) || parts[0] < 1000 || parts[0] > 9999) return undefined;
  const pad = (n: number) => String(n).padStart(2, '0');
  const [y, m, d] = parts;
  if (!m || m < 1 || m > 12) return String(y);
  return d && d >= 1 && d <= 31 ? `${y}-${pad(m)}-${pad(d)}` : `${y}-${pad(m)}`;
}

const TEXT_FIELDS = ['title', 'abstract', 'note', 'annote'] as const;
// What the LaTeX→text conversion would change: commands, groups, math, ties, ligatures.
const HAS_LATEX = /[\\{}$~]|--|''|``/;

/**
 * A marker none of `values` contains, for the math placeholders; null when the few
 * tried are all there (a file made to defeat it), and then math is not set aside.
 * A bounded number of tries: growing it until absent was quadratic in a field's length.
 */
function mathMarker(values: string[]): string | null {
  for (let marker = 'ZQMATHQZ'; marker.length <= 12; marker += 'Q') if (!values.some((v) => v.includes(marker))) return marker;
  return null;
}

/** Braces deeper than this are no title: citation-js's LaTeX reader recurses per level. */
export const MAX_BRACE_DEPTH = 32;

/** Whether `s` nests braces deeper than MAX_BRACE_DEPTH (stops there). */
function tooDeep(s: string): boolean {
  if (!s.includes('{')) return false;
  const BRACE = /\\[\s\S]|[{}]/g;
  let depth = 0;
  for (let m = BRACE.exec(s); m; m = BRACE.exec(s)) {
    if (m[0] === '{') {
      if (++depth > MAX_BRACE_DEPTH) return true;
    } else if (m[0] === '}') depth--;
  }
  return false;
}

/**
 * `s` cut to `max` characters, its open groups closed. A field far past what a paper keeps
 * (its title is cut to 1,000 characters, its abstract to 20,000, after conversion) is cut
 * before citation-js converts it: LaTeX to text costs about a microsecond a character.
 */
function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = s.slice(0, max);
  let slashes = 0;
  while (slashes < cut.length && cut[cut.length - 1 - slashes] === '\\') slashes++;
  if (slashes % 2) cut = cut.slice(0, -1);
  // A math span the cut opened is dropped, then the groups it left open are closed.
  let dollar = -1;
  for (const m of cut.matchAll(/\\[\s\S]|\$/g)) if (m[0] === '$') dollar = dollar < 0 ? m.index : -1;
  if (dollar >= 0) cut = cut.slice(0, dollar);
  let depth = 0;
  for (const m of cut.matchAll(/\\[\s\S]|[{}]/g)) depth += m[0] === '{' ? 1 : m[0] === '}' ? -1 : 0;
  return cut + '}'.repeat(Math.max(0, depth));
}

/** `s` up to its `items`-th separator (names are separated by " and ", keywords by ","). */
function firstItems(s: string, sep: RegExp, items: number): string {
  sep.lastIndex = 0;
  let k = 0;
  for (let m = sep.exec(s); m; m = sep.exec(s)) if (++k >= items) return s.slice(0, m.index);
  return s;
}

// Raw lengths read per field: a few times what PaperSchema keeps, for LaTeX that shrinks.
const RAW_MAX: Record<string, number> = { title: 4_000, abstract: 80_000, note: 4 * NOTE_MAX, annote: 4 * NOTE_MAX, author: 1_500_000, keywords: 200_000 };
// Fixed width on purpose: /\s+and\s+/ over a run of spaces backtracks quadratically.
const NAME_SEP = /\sand\s/gi;

const FORBIDDEN_FIELD_PART = /(?:^|[^a-z0-9_])(?:__proto__|constructor|prototype)(?![a-z0-9_])/;

export function parseBibTeX(text: string, now: number): ImportResult {
  const unbalanced = scanBibTeX(text);
  if (unbalanced) return fail(unbalanced);
  // Field names are checked on each entry as it is read, not by a pattern over the text (issue 18).
  // Harmless in readBibTeX's Maps, but refused: such a name is no bibliography, and
  // citation-js, which converts the fields, keeps them in plain objects (an "x+an:__proto__"
  // annotation there would reach Object.prototype).
  let forbidden = false;
  const allowed = (entry: BibEntry) => {
    for (const name of entry.fields.keys()) if (FORBIDDEN_FIELD_PART.test(name)) forbidden = true;
    return !forbidden;
  };
  let raw: BibEntry[];
  try {
    raw = readBibTeX(text, allowed);
  } catch (e) {
    // Anything else (none is known) is still an answer, not a broken options page.
    if (!(e instanceof BibSyntaxError)) return fail(t('lib_bibSyntaxError', errorText(e)));
    const errLine = lineAt(text, e.at);
    if (e.entryAt < 0) return fail(t('lib_bibSyntaxErrorLine', errLine, e.message));
    return fail(t('lib_bibSyntaxErrorEntry', errLine, e.entryLabel || t('lib_bibNoKey'), lineAt(text, e.entryAt), e.message));
  }
  if (forbidden) return fail(t('lib_bibForbiddenField'));
  if (raw.length === 0) return fail(t('lib_bibNoEntries'));

  const out = new Collector();
  for (const entry of raw) {
    const props: Record<string, string | number> = Object.create(null);
    for (const [k, value] of entry.fields) props[k] = value;
    const label = () => entryLabel(entry.label || t('lib_bibNoKey'), props.title);
    const arxiv = bibArxivId(props);
    if (!arxiv) {
      out.skipped.push({ entry: label(), reason: t('lib_skipNoArxivId') });
      continue;
    }
    // Plain text fields (most abstracts) are taken as they are; only fields with
    // LaTeX in them go through citation-js, with their math spans set aside.
    const plain: Record<string, string> = {};
    const picked: Record<string, string | number> = {};
    const math: Record<string, string[]> = {};
    let marker: string | null | undefined;
    const depthOk = [...TEXT_FIELDS, 'author', 'keywords'].every((f) => typeof props[f] !== 'string' || !tooDeep(props[f] as string));
    if (!depthOk) {
      out.skipped.push({ entry: label(), reason: t('lib_skipUnreadable', `braces nested deeper than ${MAX_BRACE_DEPTH} levels`) });
      continue;
    }
    for (const f of TEXT_FIELDS) {
      const value = props[f];
      if (value === undefined) continue;
      const s = clip(String(value), RAW_MAX[f]);
      if (!HAS_LATEX.test(s)) {
        plain[f] = s;
        continue;
      }
      if (marker === undefined) marker = mathMarker(TEXT_FIELDS.map((f) => String(props[f] ?? '')));
      if (marker === null) {
        picked[f] = s;
        continue;
      }
      const p = protectMath(s, marker);
      picked[f] = p.text;
      math[f] = p.math;
    }
    for (const f of ['year', 'month', 'date']) if (props[f] !== undefined) picked[f] = props[f];
    // One past what a paper keeps, so that too many keywords is still refused by the schema.
    if (typeof props.author === 'string') picked.author = clip(firstItems(props.author, NAME_SEP, 5001), RAW_MAX.author);
    else if (props.author !== undefined) picked.author = props.author;
    if (typeof props.keywords === 'string') picked.keywords = clip(firstItems(props.keywords, /,/g, TAGS_MAX + 2), RAW_MAX.keywords);
    else if (props.keywords !== undefined) picked.keywords = props.keywords;
    let csl: CslData = {};
    try {
      // Nothing to convert (plain title, no authors or date): citation-js's cost per call spared.
      if (Object.keys(picked).length)
        csl = (Bib.input.data([{ type: entry.type, label: entry.label, properties: picked }], '@biblatex/entries+list') as CslData[])[0];
    } catch (e) {
      out.skipped.push({ entry: label(), reason: t('lib_skipUnreadable', errorText(e).split('\n')[0]) });
      continue;
    }
    const field = (f: (typeof TEXT_FIELDS)[number]) => collapse(plain[f] ?? restoreMath(csl[f], math[f] ?? [], marker ?? ''));
    const title = field('title');
    if (!title) {
      out.skipped.push({ entry: label(), reason: t('lib_skipNoTitle') });
      continue;
    }
    out.add(
      label,
      finishPaper({
        id: arxiv.id,
        version: arxiv.version,
        title,
        authors: (csl.author ?? []).map(cslNameText).filter(Boolean),
        abstract: field('abstract') || undefined,
        published: published(csl.issued),
        savedAt: now,
        tags: out.tagKeys((csl.keyword ?? '').split(',')),
        // Our own export writes the note as `annote` (standard styles print `note` in the
        // reference list); files from elsewhere often have it in `note`.
        note: field('annote') || field('note'),
      }),
    );
  }
  return out.result('bibtex');
}
