/**
 * Word tf-idf features, as arxiv-sanity-lite gets them from scikit-learn's TfidfVectorizer:
 * sublinear tf (1 + ln tf), smoothed idf (ln((1 + n) / (1 + df)) + 1), L2-normalised rows,
 * English stop words, a vocabulary capped to the most frequent terms.
 *
 * Pure: no DOM, no storage. Everything returned is plain data (Vocab is JSON as is; a SparseVec's
 * typed arrays survive structured clone, i.e. IndexedDB and postMessage; `Array.from` them for JSON).
 *
 * Tokens differ from arxiv-sanity's `\b[a-zA-Z_][a-zA-Z0-9_]+\b` on purpose:
 * - Runs of [a-z0-9] after lower-casing and accent folding ("Szabó" → "szabo", "Müller" → "muller").
 * - At least 2 characters, and at least one letter: pure numbers ("2024", "0", "732" from "0.732")
 *   are years, scores and table values, noise for topics; but "3d", "4k", "h100", "gpt4", "llama3"
 *   are topical, and arxiv-sanity's letter-first rule would drop "3d".
 * - Hyphens split ("self-supervised" → "self", "supervised"), as in scikit-learn; the optional
 *   bigrams keep the compound ("self supervised").
 */
import { ENGLISH_STOP_WORDS } from './stopwords';

export interface SparseVec {
  /** Term indices into the vocabulary, ascending. */
  idx: Uint32Array | number[];
  /** tf-idf weights, same length as idx; the row has L2 norm 1 (or is empty). */
  val: Float32Array | number[];
}

export interface TfidfOptions {
  /** Keep at most this many terms, the most frequent over the corpus (total count, as scikit-learn's max_features). */
  maxFeatures?: number;
  /** Drop terms in fewer documents than this. */
  minDf?: number;
  /** Drop terms in more than this fraction of documents (1 keeps all). */
  maxDf?: number;
  /** Add word bigrams (adjacent non-stop words, as scikit-learn forms n-grams after stop-word removal). */
  bigrams?: boolean;
}

/** Defaults chosen by src/rank/eval.ts (see test/fixtures/rank/README.md for the figures). */
export const TFIDF_DEFAULTS: Required<TfidfOptions> = { maxFeatures: 20_000, minDf: 1, maxDf: 1, bigrams: false };

/** A fitted vocabulary: JSON-serialisable as is. */
export interface Vocab {
  /** Changes whenever terms, idf or options change: part of every model's cache key. */
  id: string;
  terms: string[];
  idf: number[];
  bigrams: boolean;
  /** Documents it was fitted on. */
  nDocs: number;
}

// ------------------------------------------------------------------ tokens

const NON_ASCII = /[^\x00-\x7f]/;
const COMBINING = /[\u0300-\u036f]/g;

/**
 * Lower-cased tokens of `text`, stop words removed, in order. One string per token is the only
 * allocation (a Map key needs one); the scan works on char codes.
 */
export function tokenize(text: string, stop: ReadonlySet<string> = ENGLISH_STOP_WORDS): string[] {
  let s = text.toLowerCase();
  // NFKD splits "é" into "e" + U+0301 (and "ﬁ" into "fi"); dropping the marks folds accents.
  if (NON_ASCII.test(s)) s = s.normalize('NFKD').replace(COMBINING, '');
  const out: string[] = [];
  const n = s.length;
  let start = -1;
  let letter = false;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 32;
    const isLetter = c >= 97 && c <= 122;
    if (isLetter || (c >= 48 && c <= 57)) {
      if (start < 0) {
        start = i;
        letter = false;
      }
      if (isLetter) letter = true;
    } else if (start >= 0) {
      if (i - start >= 2 && letter) {
        const t = s.slice(start, i);
        if (!stop.has(t)) out.push(t);
      }
      start = -1;
    }
  }
  return out;
}

/** Unigrams, then (when asked) bigrams of adjacent kept tokens. */
function terms(text: string, bigrams: boolean): string[] {
  const t = tokenize(text);
  if (!bigrams) return t;
  const n = t.length;
  for (let i = 0; i + 1 < n; i++) t.push(t[i] + ' ' + t[i + 1]);
  return t;
}

/**
 * The text of a paper as the models see it. The title is given twice: it is the one part every card
 * has (Hugging Face cards show no abstract), and with sublinear tf a repeat lifts its words by ln 2
 * rather than doubling them. Authors follow, as arxiv-sanity-lite does (a group keeps to its topics).
 */
export function paperText(p: { title: string; authors?: readonly string[]; abstract?: string }): string {
  return `${p.title}\n${p.title}\n${(p.authors ?? []).join(', ')}\n${p.abstract ?? ''}`;
}

// ------------------------------------------------------------------ vocabulary

/** 53-bit string hash (cyrb53): short stable ids and cache keys, no crypto API needed. */
export function hashString(str: string, seed = 0): string {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** Per-document term counts, as fitting needs them (each document tokenised once). */
function fitVocabulary(docTerms: string[][], opts: TfidfOptions): Vocab {
  const o = { ...TFIDF_DEFAULTS, ...opts };
  const nDocs = docTerms.length;
  const df = new Map<string, number>();
  const total = new Map<string, number>();
  const seen = new Set<string>();
  for (const ts of docTerms) {
    seen.clear();
    for (const t of ts) {
      total.set(t, (total.get(t) ?? 0) + 1);
      if (!seen.has(t)) {
        seen.add(t);
        df.set(t, (df.get(t) ?? 0) + 1);
      }
    }
  }
  const maxDocs = o.maxDf >= 1 ? nDocs : Math.floor(o.maxDf * nDocs);
  let kept = [...df.keys()].filter((t) => {
    const d = df.get(t)!;
    return d >= o.minDf && d <= maxDocs;
  });
  if (kept.length > o.maxFeatures) {
    // Most frequent first; ties by the term, so the cut is deterministic.
    kept.sort((a, b) => total.get(b)! - total.get(a)! || (a < b ? -1 : 1));
    kept = kept.slice(0, o.maxFeatures);
  }
  kept.sort();
  const idf = kept.map((t) => Math.log((1 + nDocs) / (1 + df.get(t)!)) + 1);
  const id = hashString(`${o.bigrams ? 'b' : 'u'}|${nDocs}|${kept.join('\u0001')}|${idf.map((x) => x.toFixed(6)).join(',')}`);
  return { id, terms: kept, idf, bigrams: o.bigrams, nDocs };
}

/** Fits a vocabulary (terms and idf) on `docs` (already `paperText`-ed strings). */
export function buildVocabulary(docs: readonly string[], opts: TfidfOptions = {}): Vocab {
  const bigrams = opts.bigrams ?? TFIDF_DEFAULTS.bigrams;
  return fitVocabulary(
    docs.map((d) => terms(d, bigrams)),
    opts,
  );
}

// ------------------------------------------------------------------ vectors

/** term → index, built once per Vocab object (a Vocab read back from storage is a new object). */
const indexes = new WeakMap<Vocab, Map<string, number>>();
function indexOf(vocab: Vocab): Map<string, number> {
  let m = indexes.get(vocab);
  if (!m) {
    m = new Map(vocab.terms.map((t, i) => [t, i]));
    indexes.set(vocab, m);
  }
  return m;
}

// Scratch counts shared by every call (vectorising is synchronous, so no two calls overlap):
// a dense count per term plus the list of terms touched, so nothing is allocated per token.
let counts = new Float64Array(0);
let touched = new Uint32Array(0);

function rowOf(vocab: Vocab, ts: readonly string[]): SparseVec {
  const index = indexOf(vocab);
  if (counts.length < vocab.terms.length) counts = new Float64Array(vocab.terms.length);
  if (touched.length < ts.length) touched = new Uint32Array(Math.max(ts.length, 2 * touched.length));
  let k = 0;
  for (let i = 0; i < ts.length; i++) {
    const j = index.get(ts[i]);
    if (j === undefined) continue;
    if (counts[j] === 0) touched[k++] = j;
    counts[j]++;
  }
  const idx = touched.slice(0, k).sort();
  const val = new Float32Array(k);
  const idf = vocab.idf;
  let norm = 0;
  for (let i = 0; i < k; i++) {
    const j = idx[i];
    const v = (1 + Math.log(counts[j])) * idf[j];
    counts[j] = 0;
    val[i] = v;
    norm += v * v;
  }
  if (norm > 0) {
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < k; i++) val[i] *= inv;
  }
  return { idx, val };
}

/** The tf-idf row of `text` over `vocab`; words outside the vocabulary are ignored. */
export function vectorize(vocab: Vocab, text: string): SparseVec {
  return rowOf(vocab, terms(text, vocab.bigrams));
}

/** Fits a vocabulary on `docs` and vectorises them, tokenising each document once. */
export function vectorizeAll(docs: readonly string[], opts: TfidfOptions = {}): { vocab: Vocab; vecs: SparseVec[] } {
  const bigrams = opts.bigrams ?? TFIDF_DEFAULTS.bigrams;
  const docTerms = docs.map((d) => terms(d, bigrams));
  const vocab = fitVocabulary(docTerms, opts);
  return { vocab, vecs: docTerms.map((ts) => rowOf(vocab, ts)) };
}

/** A SparseVec as plain arrays, for JSON storage (chrome.storage, exports). */
export function vecToJSON(v: SparseVec): { idx: number[]; val: number[] } {
  return { idx: Array.from(v.idx), val: Array.from(v.val) };
}
