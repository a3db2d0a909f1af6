/**
 * Offline evaluation of the ranking core on hand-labelled papers (test/fixtures/rank/labels.json
 * over test/fixtures/seed-papers.json). Pure: the caller reads the files.
 *
 * Protocol: k-fold cross-validation with folds assigned by a hash of the id (deterministic, and a
 * different `seed` gives a different split). Per fold, everything is fitted on the training papers
 * only, vocabulary and idf included (cards arrive after the library is vectorised, so test words
 * the library never used must not help). Each tag with ≥ 2 training papers gets a model trained
 * against all other training papers, labelled or not, as in the extension.
 *
 * Metrics, over the out-of-fold scores of every paper:
 * - top1: share of labelled papers whose best tag (highest margin / scale) is one of its labels.
 *   top1Suggested also requires that tag to be suggested (margin > 0; overlap > 0 for the baseline).
 * - map: mean over tags of the average precision of ranking all papers by that tag's score
 *   (out-of-fold scores pooled across folds, as scikit-learn's cross_val_predict does; margins are
 *   divided by each model's scale so folds compare). Ties are broken by a hash of the id, so an
 *   integer-valued baseline gets no help from the input order.
 */
import { hashString, paperText, tokenize, vectorize, vectorizeAll, type TfidfOptions } from './features';
import { trainLogreg } from './logreg';
import { MIN_POSITIVES, score, train, type TrainOptions } from './model';
import { keywordModels, keywordScore } from './rank';

export interface EvalPaper {
  id: string;
  title: string;
  authors?: string[];
  abstract?: string;
  /** Topic labels; may be empty (an untagged paper, a negative for every tag). */
  labels: string[];
}

export interface EvalConfig {
  method?: 'model' | 'baseline';
  folds?: number;
  seed?: number;
  features?: TfidfOptions;
  model?: TrainOptions;
  /** Leave the authors out of the text (the seed's author names are invented). */
  noAuthors?: boolean;
}

export interface EvalResult {
  top1: number;
  top1Suggested: number;
  map: number;
  ap: Record<string, number>;
  /** Labelled papers scored for top1. */
  n: number;
}

/** Joins seed-papers.json records with labels.json's `papers` map. */
export function joinLabels(
  seed: readonly { id: string; title: string; summary?: string; abstract?: string; authors?: (string | { name: string })[] }[],
  labels: Record<string, string[]>,
): EvalPaper[] {
  return seed.map((p) => ({
    id: p.id,
    title: p.title,
    authors: (p.authors ?? []).map((a) => (typeof a === 'string' ? a : a.name)),
    abstract: p.abstract ?? p.summary ?? '',
    labels: labels[p.id] ?? [],
  }));
}

/** The fold of a paper: a hash of its id, so adding a paper never moves the others. */
export function foldOf(id: string, folds: number, seed = 0): number {
  return parseInt(hashString(id, seed), 36) % folds;
}

/** Average precision of `scores` (higher first) against the `relevant` flags. */
export function averagePrecision(scores: readonly number[], relevant: readonly boolean[], tieBreak: readonly number[]): number {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || tieBreak[a] - tieBreak[b]);
  let hits = 0;
  let sum = 0;
  order.forEach((i, rank) => {
    if (relevant[i]) {
      hits++;
      sum += hits / (rank + 1);
    }
  });
  return hits ? sum / hits : 0;
}

export function evaluate(papers: readonly EvalPaper[], cfg: EvalConfig = {}): EvalResult {
  const folds = cfg.folds ?? 5;
  const seed = cfg.seed ?? 0;
  const tags = [...new Set(papers.flatMap((p) => p.labels))].sort();
  const text = (p: EvalPaper) => paperText(cfg.noAuthors ? { ...p, authors: [] } : p);
  // oof[t][i]: paper i's out-of-fold score for tag t (−∞ when the fold had no model for t).
  const oof = tags.map(() => new Float64Array(papers.length).fill(-Infinity));
  const fold = papers.map((p) => foldOf(p.id, folds, seed));
  for (let f = 0; f < folds; f++) {
    const trainIdx = papers.flatMap((_, i) => (fold[i] !== f ? [i] : []));
    const testIdx = papers.flatMap((_, i) => (fold[i] === f ? [i] : []));
    if (!testIdx.length) continue;
    if (cfg.method === 'baseline') {
      const titleTokens = papers.map((p) => tokenize(p.title));
      const models = keywordModels(trainIdx.map((i) => ({ titleTokens: titleTokens[i], tags: papers[i].labels })));
      for (const m of models) {
        const t = tags.indexOf(m.tag);
        if (trainIdx.filter((i) => papers[i].labels.includes(m.tag)).length < MIN_POSITIVES) continue;
        for (const i of testIdx) oof[t][i] = keywordScore(m, titleTokens[i]);
      }
      continue;
    }
    const { vocab, vecs } = vectorizeAll(
      trainIdx.map((i) => text(papers[i])),
      cfg.features,
    );
    const testVecs = testIdx.map((i) => vectorize(vocab, text(papers[i])));
    tags.forEach((tag, t) => {
      const pos = vecs.filter((_, k) => papers[trainIdx[k]].labels.includes(tag));
      const neg = vecs.filter((_, k) => !papers[trainIdx[k]].labels.includes(tag));
      const model = (cfg.model?.kind === 'logreg' ? trainLogreg : train)(pos, neg, { ...cfg.model, dim: vocab.terms.length });
      if (!model) return;
      testIdx.forEach((i, k) => (oof[t][i] = score(model, testVecs[k]) / model.scale));
    });
  }
  const tieBreak = papers.map((p) => parseInt(hashString(p.id, 7919), 36));
  let n = 0;
  let top1 = 0;
  let top1Suggested = 0;
  papers.forEach((p, i) => {
    if (!p.labels.length) return;
    n++;
    let best = -1;
    for (let t = 0; t < tags.length; t++) if (oof[t][i] > -Infinity && (best < 0 || oof[t][i] > oof[best][i])) best = t;
    // The baseline has no opinion on a card that shares no title word with any tag.
    const decided = best >= 0 && !(cfg.method === 'baseline' && oof[best][i] <= 0);
    if (decided && p.labels.includes(tags[best])) {
      top1++;
      if (oof[best][i] > 0) top1Suggested++;
    }
  });
  const ap: Record<string, number> = {};
  tags.forEach((tag, t) => {
    const s = Array.from(oof[t], (x) => (x === -Infinity ? -1e9 : x));
    ap[tag] = averagePrecision(
      s,
      papers.map((p) => p.labels.includes(tag)),
      tieBreak,
    );
  });
  const aps = Object.values(ap);
  return { top1: top1 / n, top1Suggested: top1Suggested / n, map: aps.reduce((a, b) => a + b, 0) / aps.length, ap, n };
}

/** `evaluate` averaged over several fold assignments (seeds), to steady figures from 44 papers. */
export function evaluateSeeds(papers: readonly EvalPaper[], cfg: EvalConfig = {}, seeds: readonly number[] = [0, 1, 2, 3, 4]): EvalResult {
  const rs = seeds.map((seed) => evaluate(papers, { ...cfg, seed }));
  const mean = (f: (r: EvalResult) => number) => rs.reduce((a, r) => a + f(r), 0) / rs.length;
  const ap: Record<string, number> = {};
  for (const tag of Object.keys(rs[0].ap)) ap[tag] = mean((r) => r.ap[tag]);
  return { top1: mean((r) => r.top1), top1Suggested: mean((r) => r.top1Suggested), map: mean((r) => r.map), ap, n: rs[0].n };
}
