/**
 * The high-level ranking: one model per tag from the user's library, then per card a relevance in
 * [0, 1], the best tag, suggested tags and the words behind the best tag.
 *
 * Who is a negative for tag T (arxiv-sanity-lite trains against "everything else"): saved papers
 * without T, every "not relevant" paper (for all tags), and papers the user saw and did not save.
 *
 * Models are kept by the caller (plain data) with a cache key per tag: the key changes when the
 * tag's papers, the negatives, the vocabulary or the training options change, so a caller retrains
 * only the tags whose key moved (`trainTags(..., previous)` does that reuse itself).
 */
import { hashString, vectorize, type SparseVec, type Vocab } from './features';
import { topTerms, toUnit, train, type Model, type TrainOptions } from './model';

export interface LibraryPaper {
  id: string;
  vec: SparseVec;
  /** Tag keys. */
  tags: readonly string[];
}

export interface SeenPaper {
  id: string;
  vec: SparseVec;
}

export interface TagModel {
  tag: string;
  /** Reuse `model` while this key is unchanged (tagCacheKey). */
  key: string;
  /** Null when the tag has fewer than 2 papers. */
  model: Model | null;
}

export interface CardRank {
  id: string;
  /** toUnit of the best tag's margin; 0 when no tag has a model. */
  relevance: number;
  bestTag: string | null;
  /** Tags whose model calls the card positive (margin > 0), best first, at most 3. */
  suggested: string[];
  /** Terms that put the card closest to its best tag. */
  why: string[];
}

export interface RankOptions extends TrainOptions {
  /** At most this many suggestions per card. */
  maxSuggested?: number;
  /** At most this many `why` terms. */
  whyTerms?: number;
}

/**
 * A tag model's cache key: the sorted positive ids, the sorted negative ids, the vocabulary and the
 * options. Hashing the negative ids (not only their count) means a swap of one seen paper for
 * another also retrains; hashing 5,000 short ids takes well under a millisecond.
 */
export function tagCacheKey(
  tag: string,
  positiveIds: readonly string[],
  negativeIds: readonly string[],
  vocab: Pick<Vocab, 'id'>,
  opts: TrainOptions = {},
): string {
  const pos = hashString([...positiveIds].sort().join('\n'));
  const neg = hashString([...negativeIds].sort().join('\n'));
  const o = hashString(JSON.stringify([opts.kind, opts.C, opts.loss, opts.balanced, opts.maxIter, opts.tol]));
  return `${tag}|${positiveIds.length}:${pos}|${negativeIds.length}:${neg}|${vocab.id}|${o}`;
}

/**
 * Trains (or reuses from `previous`) one model per tag found in `library`. `notRelevant` and `seen`
 * are negatives for every tag; a paper that is both saved and in one of those lists counts as saved.
 */
export function trainTags(
  vocab: Vocab,
  library: readonly LibraryPaper[],
  notRelevant: readonly SeenPaper[] = [],
  seen: readonly SeenPaper[] = [],
  opts: RankOptions = {},
  previous: readonly TagModel[] = [],
): TagModel[] {
  const saved = new Set(library.map((p) => p.id));
  const taken = new Set(saved);
  const extra = [...notRelevant, ...seen].filter((p) => !taken.has(p.id) && (taken.add(p.id), true));
  const tags = [...new Set(library.flatMap((p) => p.tags))].sort();
  const cached = new Map(previous.map((m) => [m.tag, m]));
  const trainOpts: TrainOptions = {
    kind: opts.kind,
    C: opts.C,
    loss: opts.loss,
    balanced: opts.balanced,
    maxIter: opts.maxIter,
    tol: opts.tol,
    seed: opts.seed,
  };
  return tags.map((tag) => {
    const pos: LibraryPaper[] = [];
    const neg: SeenPaper[] = [];
    for (const p of library) (p.tags.includes(tag) ? pos : neg).push(p);
    neg.push(...extra);
    const key = tagCacheKey(
      tag,
      pos.map((p) => p.id),
      neg.map((p) => p.id),
      vocab,
      trainOpts,
    );
    const old = cached.get(tag);
    if (old && old.key === key) return old;
    const model = train(
      pos.map((p) => p.vec),
      neg.map((p) => p.vec),
      { ...trainOpts, dim: vocab.terms.length },
    );
    return { tag, key, model };
  });
}

/**
 * All live models' weights interleaved term-major (W[j·T + t] = w_t[j], already divided by the
 * model's scale): one pass over a card's terms updates every tag's score, reading adjacent memory,
 * instead of T passes over T separate 20,000-entry arrays. Built once per models array.
 */
interface Packed {
  live: (TagModel & { model: Model })[];
  W: Float64Array;
  b: Float64Array;
  dim: number;
}
const packs = new WeakMap<readonly TagModel[], Packed>();
function pack(models: readonly TagModel[]): Packed {
  let p = packs.get(models);
  if (p) return p;
  const live = models.filter((m): m is TagModel & { model: Model } => m.model !== null);
  const T = live.length;
  const dim = live.reduce((d, m) => Math.max(d, m.model.w.length), 0);
  const W = new Float64Array(dim * T);
  const b = new Float64Array(T);
  live.forEach(({ model }, t) => {
    const inv = 1 / model.scale;
    for (let j = 0; j < model.w.length; j++) W[j * T + t] = model.w[j] * inv;
    b[t] = model.b * inv;
  });
  p = { live, W, b, dim };
  packs.set(models, p);
  return p;
}

/**
 * Ranks cards (already vectorised over the same vocabulary) against the tag models. Pass the same
 * `models` array again to reuse its packed weights.
 */
export function rankCards(vocab: Vocab, models: readonly TagModel[], cards: readonly SeenPaper[], opts: RankOptions = {}): CardRank[] {
  const { live, W, b, dim } = pack(models);
  const T = live.length;
  const maxSuggested = opts.maxSuggested ?? 3;
  const whyTerms = opts.whyTerms ?? 5;
  const want = Math.min(T, Math.max(1, maxSuggested));
  // Margins in units of each model's scale, so tags of different sizes compare (see toUnit).
  const z = new Float64Array(T);
  const picked = new Int32Array(want);
  const topJ: number[] = [];
  const topW: number[] = [];
  return cards.map((card) => {
    if (!T) return { id: card.id, relevance: 0, bestTag: null, suggested: [], why: [] };
    z.set(b);
    const { idx, val } = card.vec;
    for (let k = 0; k < idx.length; k++) {
      const j = idx[k];
      if (j >= dim) continue;
      const v = val[k];
      const row = j * T;
      for (let t = 0; t < T; t++) z[t] += W[row + t] * v;
    }
    // The best few by repeated scans: cheaper than sorting every tag for each card.
    // Ties go to the tag listed first (trainTags lists them sorted).
    for (let n = 0; n < want; n++) {
      let best = -1;
      for (let t = 0; t < T; t++) {
        let taken = false;
        for (let m = 0; m < n; m++) if (picked[m] === t) taken = true;
        if (!taken && (best < 0 || z[t] > z[best])) best = t;
      }
      picked[n] = best;
    }
    const best = picked[0];
    const suggested: string[] = [];
    for (let n = 0; n < want; n++) if (z[picked[n]] > 0 && suggested.length < maxSuggested) suggested.push(live[picked[n]].tag);
    // Why: the best tag's largest positive w_j·x_j, from the packed weights (divided by the scale: the same order).
    topTerms(card.vec, whyTerms, (j) => (j < dim ? W[j * T + best] : 0), topJ, topW);
    return { id: card.id, relevance: toUnit(z[best]), bestTag: live[best].tag, suggested, why: topJ.map((j) => vocab.terms[j]) };
  });
}

/** Convenience for callers holding texts: vectorise the cards, then rankCards. */
export function rankTexts(vocab: Vocab, models: readonly TagModel[], cards: readonly { id: string; text: string }[], opts: RankOptions = {}): CardRank[] {
  return rankCards(
    vocab,
    models,
    cards.map((c) => ({ id: c.id, vec: vectorize(vocab, c.text) })),
    opts,
  );
}

// ------------------------------------------------------------------ title-keyword baseline

/**
 * The baseline the models must beat: each tag is the set of words in its papers' titles, a card
 * scores the number of distinct title words it shares. What a user might do with a saved search.
 */
export interface KeywordModel {
  tag: string;
  words: Set<string>;
}

export function keywordModels(library: readonly { titleTokens: readonly string[]; tags: readonly string[] }[]): KeywordModel[] {
  const byTag = new Map<string, Set<string>>();
  for (const p of library) {
    for (const t of p.tags) {
      let s = byTag.get(t);
      if (!s) byTag.set(t, (s = new Set()));
      for (const w of p.titleTokens) s.add(w);
    }
  }
  return [...byTag.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([tag, words]) => ({ tag, words }));
}

export function keywordScore(m: KeywordModel, titleTokens: readonly string[]): number {
  let n = 0;
  for (const w of new Set(titleTokens)) if (m.words.has(w)) n++;
  return n;
}
