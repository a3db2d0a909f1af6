/**
 * What the citation formats share (export-bibtex.ts, and CSL-JSON in export.ts):
 * a paper's date, its names split into parts, its tags' names, and citation keys
 * unique within an export. Pure.
 */
import type { Paper, Tag } from '../shared/model';

export const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Year and month of a paper: from `published`, else from the arXiv id (YYMM). */
export function paperDate(p: Pick<Paper, 'id' | 'published'>): { year?: number; month?: number; day?: number } {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(p.published ?? '');
  if (m) {
    const month = m[2] ? Number(m[2]) : undefined;
    const day = m[3] ? Number(m[3]) : undefined;
    return { year: Number(m[1]), month: month && month <= 12 ? month : undefined, day: day && day <= 31 ? day : undefined };
  }
  // New-style ids start with YYMM (0704 onwards, so always 20YY); old-style ones end in YYMMNNN.
  const yymm = /^(\d{2})(\d{2})\./.exec(p.id) ?? /\/(\d{2})(\d{2})\d{3}$/.exec(p.id);
  if (!yymm) return {};
  const yy = Number(yymm[1]);
  const month = Number(yymm[2]);
  const year = p.id.includes('/') && yy >= 91 ? 1900 + yy : 2000 + yy;
  return month >= 1 && month <= 12 ? { year, month } : { year };
}

/** The primary category when the id itself says it (old-style ids: "hep-th/9901001", "math.GT/0309136"). */
export function primaryClass(id: string): string | undefined {
  const slash = id.indexOf('/');
  return slash > 0 ? id.slice(0, slash) : undefined;
}

export function tagNameMap(tags: Tag[]): Map<string, string> {
  return new Map(tags.map((t) => [t.key, t.name]));
}

export const tagNamesOf = (p: Paper, names: Map<string, string>) => p.tags.map((k) => names.get(k) ?? k);

// Replaces only runs that are not already a single space: one scan, no copy for clean text.
export const oneLine = (s: string | undefined) => (s ?? '').replace(/\s{2,}|[^\S ]/g, ' ').trim();

// Letters NFD does not decompose into a base letter plus marks.
const FOLD: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ŋ: 'n' };

/** Lowercase ASCII letters and digits only, accents folded ("Müller" → "muller"). */
function asciiWord(s: string): string {
  if (/^[A-Za-z0-9]*$/.test(s)) return s.toLowerCase();
  return s
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[ßæœøłđðþıŋ]/g, (c) => FOLD[c])
    .replace(/[^a-z0-9]/g, '');
}

const NAME_SUFFIX = /^(jr\.?|sr\.?|ii|iii|iv)$/i;
const PARTICLES = new Set([
  'von',
  'van',
  'de',
  'der',
  'den',
  'la',
  'le',
  'du',
  'di',
  'da',
  'dos',
  'das',
  'del',
  'della',
  'des',
  'ten',
  'ter',
  'zu',
  'zur',
  'bin',
  'al',
  'el',
  "d'",
]);

interface NameParts {
  given?: string;
  particle?: string;
  family?: string;
  suffix?: string;
  /** One-word or unsplittable names (organisations, mononyms). */
  literal?: string;
}

/**
 * Splits a display name ("Jean de la Fontaine", "Smith, John", "Martin Luther King Jr.")
 * into given / particle / family / suffix; a one-word name stays literal.
 */
export function splitName(name: string): NameParts {
  const clean = oneLine(name);
  if (clean.includes(',')) {
    const [family, ...rest] = clean.split(',').map((s) => s.trim());
    const given = rest.filter((r) => !NAME_SUFFIX.test(r)).join(' ');
    const suffix = rest.find((r) => NAME_SUFFIX.test(r));
    if (family && given) return { family, given, ...(suffix ? { suffix } : {}) };
  }
  const words = clean.split(' ').filter(Boolean);
  let suffix: string | undefined;
  if (words.length > 2 && NAME_SUFFIX.test(words[words.length - 1])) suffix = words.pop();
  if (words.length < 2) return { literal: clean };
  const family = words.pop()!;
  const particles: string[] = [];
  while (words.length > 1 && PARTICLES.has(words[words.length - 1])) particles.unshift(words.pop()!);
  return { given: words.join(' '), family, ...(particles.length ? { particle: particles.join(' ') } : {}), ...(suffix ? { suffix } : {}) };
}

const STOP_WORDS = new Set(['a', 'an', 'the', 'on', 'of', 'in', 'for', 'to', 'and', 'or', 'with', 'at', 'by', 'from', 'via', 'is', 'are']);

function keyBase(p: Paper): string {
  const first = p.authors[0];
  let last = '';
  if (first) {
    const parts = splitName(first);
    last = asciiWord(parts.family ?? parts.literal ?? '');
  }
  const { year } = paperDate(p);
  // Words of the title outside math and TeX commands ("$\mathcal{O}(n)$ Sorting" → "sorting").
  let word = '';
  for (const w of p.title.replace(/\$[^$]*\$|\\[a-zA-Z]+/g, ' ').split(/[\s\-–—:;,.!?/()[\]{}"'`]+/)) {
    const a = asciiWord(w);
    if (!a) continue;
    word ||= a;
    if (!STOP_WORDS.has(a)) {
      word = a;
      break;
    }
  }
  return `${last || 'anon'}${year ?? ''}${word}`;
}

/** a, b, …, z, aa, ab, … */
function suffix(n: number): string {
  let s = '';
  for (n += 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(97 + ((n - 1) % 26)) + s;
  return s;
}

/**
 * Citation keys `<firstauthorlastname><year><firstTitleWord>`, unique within the export.
 * On a clash the paper saved first keeps the plain key and later ones get a, b, c…, so
 * exporting again after saving more papers does not rename keys already cited.
 */
export function citationKeys(papers: Paper[]): Map<string, string> {
  const order = [...papers].sort((a, b) => a.savedAt - b.savedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const used = new Set<string>();
  const keys = new Map<string, string>();
  const clashes = new Map<string, number>();
  for (const p of order) {
    if (keys.has(p.id)) continue;
    const base = keyBase(p);
    let key = base;
    if (used.has(key)) {
      let n = clashes.get(base) ?? 0;
      do key = base + suffix(n++);
      while (used.has(key));
      clashes.set(base, n);
    }
    used.add(key);
    keys.set(p.id, key);
  }
  return keys;
}
