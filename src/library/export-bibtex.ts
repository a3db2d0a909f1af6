/**
 * BibTeX export: arXiv-style `@misc` entries with `eprint`, the note in `annote`,
 * tags as `keywords`, LaTeX escaped so BibTeX, biber and Better BibTeX's parser
 * read back the text as it was (test/unit/export.test.ts). Pure.
 */
import { absUrl, type Paper, type Tag } from '../shared/model';
import { citationKeys, MONTHS, oneLine, paperDate, primaryClass, tagNameMap, tagNamesOf } from './export-cite';

const LATEX_SPECIAL: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  // The OT1 font prints < and > as ¡ and ¿.
  '<': '\\textless{}',
  '>': '\\textgreater{}',
};

function bracesBalanced(s: string): boolean {
  // Most text has no brace at all: two native scans instead of a loop over every character.
  if (s.indexOf('{') < 0 && s.indexOf('}') < 0) return true;
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 123) depth++;
    else if (c === 125 && --depth < 0) return false;
  }
  return depth === 0;
}

// One pass over the text: LaTeX specials, and the first character of each ligature TeX
// would make of -- `` '' ?` !` (a title's "--" stays two hyphens, as written).
const TO_ESCAPE = /[\\&%$#_~^<>{}]|-(?=-)|[`'?!](?=`)|'(?=')/g;

/**
 * Escapes text for a braced BibTeX field. Braces become \{ \} when they pair up,
 * else \textbraceleft{} so the field's own braces still balance for BibTeX.
 */
function escapeText(s: string, balanced: boolean): string {
  return s.replace(TO_ESCAPE, (c) => {
    if (c === '{') return balanced ? '\\{' : '\\textbraceleft{}';
    if (c === '}') return balanced ? '\\}' : '\\textbraceright{}';
    return LATEX_SPECIAL[c] ?? `${c}{}`;
  });
}

/**
 * Inline math as pandoc reads it: `$` followed by a non-space, closed by a `$`
 * preceded by a non-space and not followed by a digit ("costs $5 and $6" is not math).
 */
const MATH = /\$(?=\S)(?:\\.|[^$\\])*?\S\$(?!\d)/g;

/** Splits text into [text, math, text, math, …]; only math spans with balanced braces count. */
function splitMath(s: string): string[] {
  if (!s.includes('$')) return [s];
  const out: string[] = [];
  let last = 0;
  for (const m of s.matchAll(MATH)) {
    if (!bracesBalanced(m[0])) continue;
    out.push(s.slice(last, m.index), m[0]);
    last = m.index + m[0].length;
  }
  out.push(s.slice(last));
  return out;
}

/** Words with a capital after a letter or digit, or a digit after a capital (BERT, LLaMA, iPhone, 3D, T5). */
const NEEDS_CASE = /[\p{L}\d]\p{Lu}|\p{Lu}\d/u;

/**
 * A field value in LaTeX: specials escaped, `$math$` kept as math. `protectCase`
 * wraps words with inner capitals in braces, as titles need under styles that
 * lowercase (the parsers drop those braces again).
 */
export function latex(text: string, protectCase = false): string {
  const parts = splitMath(oneLine(text));
  const balanced = parts.every((part, i) => i % 2 === 1 || bracesBalanced(part));
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (i % 2 === 1) out += part;
    else if (!protectCase) out += escapeText(part, balanced);
    else out += part.replace(/\S+/g, (w) => (NEEDS_CASE.test(w) ? `{${escapeText(w, balanced)}}` : escapeText(w, balanced)));
  }
  return out;
}

/** An author for `author = {A and B}`: names with a comma or " and " are braced so BibTeX keeps them whole. */
function bibName(name: string): string {
  const n = latex(name);
  return /,|\sand\s/i.test(name) ? `{${n}}` : n;
}

/** One `@misc` entry, as arXiv's own "Export BibTeX citation" writes them; `key` from citationKeys. */
function bibEntry(p: Paper, names: Map<string, string>, key: string | undefined): string {
  // Written field by field into one string (the fields in this order, each "  name = value",
  // separated by ",\n"): an array of pairs joined twice per entry cost a third of the export.
  const { year, month } = paperDate(p);
  let s = `@misc{${key},\n  title = {${latex(p.title, true)}}`;
  if (p.authors.length) s += `,\n  author = {${p.authors.map(bibName).join(' and ')}}`;
  if (year) s += `,\n  year = {${year}}`;
  // The month macro, so each style prints the month in its own language.
  if (month) s += `,\n  month = ${MONTHS[month - 1]}`;
  s += `,\n  eprint = {${p.id}},\n  archivePrefix = {arXiv}`;
  const primary = primaryClass(p.id);
  if (primary) s += `,\n  primaryClass = {${primary}}`;
  s += `,\n  url = {${absUrl(p.id)}}`;
  const abstract = p.abstract ? latex(p.abstract) : '';
  if (abstract) s += `,\n  abstract = {${abstract}}`;
  const tagNames = tagNamesOf(p, names);
  // Readers split keywords at every comma (braced or not) and some at ";": a comma in a tag name becomes " / ".
  if (tagNames.length) s += `,\n  keywords = {${tagNames.map((t) => latex(t.replace(/\s*[,;]\s*/g, ' / '))).join(', ')}}`;
  // The note is the reader's own: `annote`, which only annotated bibliography styles print.
  // Standard styles (plain, alpha, biblatex's) print `note` in the reference list.
  const note = p.note ? latex(p.note) : '';
  if (note) s += `,\n  annote = {${note}}`;
  return `${s}\n}\n`;
}

/**
 * The entries of `papers` as toBibTeX writes them, for a part of an export: `keys` and the
 * tag `names` are those of the whole export (citationKeys of all its papers, tagNameMap), so
 * the parts of an export put together are exactly toBibTeX of all of it, each part joined to
 * the next by "\n".
 */
export function bibTeXEntries(papers: readonly Paper[], names: Map<string, string>, keys: Map<string, string>): string {
  return papers.map((p) => bibEntry(p, names, keys.get(p.id))).join('\n');
}

/** BibTeX (BibLaTeX-compatible) arXiv entries, as arXiv's own "Export BibTeX citation" writes them. */
export function toBibTeX(papers: Paper[], tags: Tag[]): string {
  return bibTeXEntries(papers, tagNameMap(tags), citationKeys(papers));
}
