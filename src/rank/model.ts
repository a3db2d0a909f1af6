/**
 * One linear model per tag over tf-idf rows (src/rank/features.ts), as arxiv-sanity-lite trains
 * one per tag: a linear SVM with balanced class weights and a small C.
 *
 * SVM: L2-regularised, hinge (default) or squared hinge loss, solved in the dual by coordinate
 * descent with shrinking (Hsieh et al. 2008, "A Dual Coordinate Descent Method for Large-scale
 * Linear SVM"; liblinear's solve_l2r_l1l2_svc). It is exact for sparse rows, needs no learning
 * rate, and one pass costs one sweep over the nonzeros. The objective is LinearSVC's:
 *   min_w ½‖w‖² + Σ_i C·cw(y_i)·loss(y_i (w·x_i + b))
 * so C scales the summed loss (it is not divided by n), and b is learnt as the weight of a constant
 * feature 1 (liblinear's intercept_scaling = 1), so it is regularised like the rest.
 * arxiv-sanity-lite calls LinearSVC(C=0.01, class_weight='balanced'), whose default loss is the
 * squared hinge; both are here, and eval.ts compares them.
 *
 * Logistic regression (rank/logreg.ts, the evaluation's alternative): the same objective with the
 * logistic loss. Only eval.ts and the bench train it, so it lives in its own file, which the
 * extension does not bundle.
 *
 * Balanced class weights are scikit-learn's: cw(c) = n / (2·n_c). Without them a tag with 20
 * papers among 5,000 is learnt as "never", because the negatives' summed loss dominates.
 *
 * Models are plain data (w is a dense number[] over the vocabulary: ~20,000 numbers; store it as a
 * Float32Array in IndexedDB if size matters).
 */
import type { SparseVec } from './features';

export type ModelKind = 'svm' | 'logreg';

export interface TrainOptions {
  kind?: ModelKind;
  /** Loss weight; see the header for its (LinearSVC) meaning. */
  C?: number;
  /** SVM loss: 'hinge' (L1-loss SVM) or 'squared_hinge' (LinearSVC's default). */
  loss?: 'hinge' | 'squared_hinge';
  /** Balanced class weights (n / (2·n_c)). */
  balanced?: boolean;
  /** Length of w; by default the largest index seen + 1. Pass vocab.terms.length so w covers the vocabulary. */
  dim?: number;
  /** Passes over the data at most. */
  maxIter?: number;
  /** Stopping tolerance: projected-gradient gap (SVM), gradient norm relative to the start (LR). */
  tol?: number;
  /** Seed of the coordinate order (the SVM's result does not depend on it beyond the tolerance). */
  seed?: number;
}

/** Defaults chosen by src/rank/eval.ts (figures in test/fixtures/rank/README.md). */
export const TRAIN_DEFAULTS = { kind: 'svm', C: 0.01, loss: 'hinge', balanced: true, maxIter: 500, tol: 1e-3, seed: 1 } as const satisfies TrainOptions;

export interface Model {
  kind: ModelKind;
  /** Weights, dense over the vocabulary. */
  w: number[];
  b: number;
  /**
   * Half the gap between the mean training margin of positives and of negatives: margins divided by
   * it are comparable across tags (see toUnit). Always > 0.
   */
  scale: number;
  nPos: number;
  nNeg: number;
}

/** Fewer positives than this: no model (one paper is an example, not a topic). */
export const MIN_POSITIVES = 2;

// ------------------------------------------------------------------ helpers

export function dot(w: ArrayLike<number>, v: SparseVec): number {
  const { idx, val } = v;
  let s = 0;
  const n = w.length;
  for (let k = 0; k < idx.length; k++) {
    const j = idx[k];
    if (j < n) s += w[j] * val[k];
  }
  return s;
}

function axpy(a: number, v: SparseVec, w: Float64Array): void {
  const { idx, val } = v;
  for (let k = 0; k < idx.length; k++) w[idx[k]] += a * val[k];
}

function sqnorm(v: SparseVec): number {
  let s = 0;
  for (let k = 0; k < v.val.length; k++) s += v.val[k] * v.val[k];
  return s;
}

/** mulberry32: a tiny seeded PRNG, so training is reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function dimOf(xs: readonly SparseVec[], dim?: number): number {
  if (dim !== undefined) return dim;
  let d = 0;
  for (const x of xs) if (x.idx.length) d = Math.max(d, x.idx[x.idx.length - 1] + 1);
  return d;
}

// ------------------------------------------------------------------ SVM (dual coordinate descent)

function trainSvm(xs: readonly SparseVec[], y: Int8Array, Ci: Float64Array, dim: number, o: Required<Omit<TrainOptions, 'dim'>>) {
  const n = xs.length;
  const hinge = o.loss === 'hinge';
  // L1 loss: box 0 ≤ α ≤ C_i. L2 loss: no upper bound, and a diagonal 1/(2C_i) added to Q.
  const upper = new Float64Array(n);
  const diag = new Float64Array(n);
  const QD = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    upper[i] = hinge ? Ci[i] : Infinity;
    diag[i] = hinge ? 0 : 0.5 / Ci[i];
    QD[i] = diag[i] + sqnorm(xs[i]) + 1; // + 1: the bias feature
  }
  const alpha = new Float64Array(n);
  const w = new Float64Array(dim);
  let b = 0;
  const index = new Uint32Array(n);
  for (let i = 0; i < n; i++) index[i] = i;
  const rand = rng(o.seed);
  let active = n;
  let PGmaxOld = Infinity;
  let PGminOld = -Infinity;
  for (let iter = 0; iter < o.maxIter; iter++) {
    let PGmax = -Infinity;
    let PGmin = Infinity;
    for (let s = 0; s < active; s++) {
      const j = s + Math.floor(rand() * (active - s));
      const t = index[s];
      index[s] = index[j];
      index[j] = t;
    }
    for (let s = 0; s < active; s++) {
      const i = index[s];
      const yi = y[i];
      const G = yi * (dot(w, xs[i]) + b) - 1 + diag[i] * alpha[i];
      let PG = 0;
      if (alpha[i] === 0) {
        // Shrinking: a variable at a bound whose gradient points outward is set aside until the end.
        if (G > PGmaxOld) {
          active--;
          index[s] = index[active];
          index[active] = i;
          s--;
          continue;
        } else if (G < 0) PG = G;
      } else if (alpha[i] === upper[i]) {
        if (G < PGminOld) {
          active--;
          index[s] = index[active];
          index[active] = i;
          s--;
          continue;
        } else if (G > 0) PG = G;
      } else PG = G;
      if (PG > PGmax) PGmax = PG;
      if (PG < PGmin) PGmin = PG;
      if (Math.abs(PG) > 1e-12) {
        const old = alpha[i];
        alpha[i] = Math.min(Math.max(old - G / QD[i], 0), upper[i]);
        const d = (alpha[i] - old) * yi;
        if (d !== 0) {
          axpy(d, xs[i], w);
          b += d;
        }
      }
    }
    if (PGmax - PGmin <= o.tol) {
      if (active === n) break;
      // Converged on the active set: check every variable once more before stopping.
      active = n;
      PGmaxOld = Infinity;
      PGminOld = -Infinity;
      continue;
    }
    PGmaxOld = PGmax <= 0 ? Infinity : PGmax;
    PGminOld = PGmin >= 0 ? -Infinity : PGmin;
  }
  return { w, b };
}

// ------------------------------------------------------------------ public API

/**
 * Trains one tag's model: `positives` are its papers, `negatives` everything else the user has
 * (other saved papers, "not relevant" ones, papers seen and left). Null under MIN_POSITIVES
 * positives or without a negative.
 */
export function train(positives: readonly SparseVec[], negatives: readonly SparseVec[], opts: TrainOptions = {}): Model | null {
  // The other kind has its own entry (rank/logreg.ts trainLogreg), which the extension does not bundle.
  if ((opts.kind ?? TRAIN_DEFAULTS.kind) !== 'svm') throw new Error(`train() fits the SVM only, not "${opts.kind}"`);
  return fit(positives, negatives, opts, trainSvm);
}

/** What a solver is given: the rows, labels ±1, each row's C·cw, the dimension and the options; it returns w and b. */
export type Solver = (
  xs: readonly SparseVec[],
  y: Int8Array,
  Ci: Float64Array,
  dim: number,
  o: Required<Omit<TrainOptions, 'dim'>>,
) => { w: ArrayLike<number>; b: number };

/** The training around a solver: labels, balanced weights, the model's scale. `kindDefaults` go over TRAIN_DEFAULTS. */
export function fit(
  positives: readonly SparseVec[],
  negatives: readonly SparseVec[],
  opts: TrainOptions,
  solve: Solver,
  kindDefaults: TrainOptions = {},
): Model | null {
  if (positives.length < MIN_POSITIVES || negatives.length === 0) return null;
  const kind = opts.kind ?? kindDefaults.kind ?? TRAIN_DEFAULTS.kind;
  const o = {
    ...TRAIN_DEFAULTS,
    ...kindDefaults,
    kind,
    ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)),
  } as Required<Omit<TrainOptions, 'dim'>> & { dim?: number };
  const xs = [...positives, ...negatives];
  const n = xs.length;
  const nPos = positives.length;
  const nNeg = negatives.length;
  const y = new Int8Array(n);
  const Ci = new Float64Array(n);
  const cwPos = o.balanced ? n / (2 * nPos) : 1;
  const cwNeg = o.balanced ? n / (2 * nNeg) : 1;
  for (let i = 0; i < n; i++) {
    y[i] = i < nPos ? 1 : -1;
    Ci[i] = o.C * (i < nPos ? cwPos : cwNeg);
  }
  const dim = dimOf(xs, opts.dim);
  const { w, b } = solve(xs, y, Ci, dim, o);
  const wArr = Array.from(w);
  let sumPos = 0;
  let sumNeg = 0;
  for (let i = 0; i < n; i++) {
    const m = dot(w, xs[i]) + b;
    if (i < nPos) sumPos += m;
    else sumNeg += m;
  }
  const scale = Math.max((sumPos / nPos - sumNeg / nNeg) / 2, 1e-6);
  return { kind, w: wArr, b, scale, nPos, nNeg };
}

/** The model's margin for a row: > 0 means "this tag". */
export function score(model: Model, vec: SparseVec): number {
  return dot(model.w, vec) + model.b;
}

/**
 * Maps a margin to [0, 1]: sigmoid(2 · margin / scale), with the model's `scale` (half the gap
 * between its mean positive and mean negative training margins). Not a calibrated probability
 * (Platt scaling would need held-out papers a small library does not have), but:
 * the decision boundary maps to 0.5, a card that scores like an average training positive to
 * about 0.88 and like an average negative to about 0.12, whatever the tag's size or C, so values
 * from different tags' models can be compared and the best taken.
 */
export function toUnit(margin: number, scale = 1): number {
  return 1 / (1 + Math.exp((-2 * margin) / scale));
}

/**
 * Why a card fits a tag: the indices of the terms of `vec` whose weight(j)·x_j is largest, largest
 * first, positive ones only, at most k (equal contributions keep index order: idx is ascending).
 * rankCards calls it once per ranked card with the best tag's weights, so it keeps the k best in
 * place, in the arrays it is given (reused across cards), instead of sorting an object per term.
 * `weights` holds each contribution beside its term.
 */
export function topTerms(vec: SparseVec, k: number, weight: (j: number) => number, terms: number[] = [], weights: number[] = []): number[] {
  terms.length = weights.length = 0;
  const { idx, val } = vec;
  for (let i = 0; k > 0 && i < idx.length; i++) {
    const j = idx[i];
    const c = weight(j) * val[i];
    if (c <= 0 || (terms.length === k && c <= weights[k - 1])) continue;
    let p = terms.length < k ? terms.length : k - 1;
    for (; p > 0 && weights[p - 1] < c; p--) {
      terms[p] = terms[p - 1];
      weights[p] = weights[p - 1];
    }
    terms[p] = j;
    weights[p] = c;
  }
  return terms;
}
