/**
 * The ranking core as the page of test/bench/rank.mjs sees it: bundled as an IIFE with the
 * synthetic library of data.mjs, exposed on `globalThis.__rankBench`. Each function does its
 * preparation untimed and returns only durations (ms) and small counts, so nothing large crosses
 * the DevTools protocol.
 */
import { makePapers, rng } from './data.mjs';
import { evaluateSeeds, joinLabels } from '../../src/rank/eval';
import { paperText, vectorize, vectorizeAll, type SparseVec, type Vocab } from '../../src/rank/features';
import { trainLogreg } from '../../src/rank/logreg';
import { train } from '../../src/rank/model';
import { rankCards, trainTags, type LibraryPaper, type TagModel } from '../../src/rank/rank';

interface BenchPaper {
  id: string;
  title: string;
  authors: string[];
  abstract: string;
  tags: string[];
}

let texts: string[] = [];
let papers: BenchPaper[] = [];
let vocab: Vocab;
let vecs: SparseVec[] = [];
let library: LibraryPaper[] = [];
let models: TagModel[] = [];
let cards: { id: string; vec: SparseVec }[] = [];
let cardTexts: { id: string; text: string }[] = [];

/**
 * 'synthetic': data.mjs's papers (a ~90-word abstract vocabulary). 'seedtext': the same papers with
 * abstracts of 150 words drawn from the seed papers' own word stream, for a real word-frequency
 * spread (a few thousand distinct words, more terms per row).
 */
function makeLibrary(n: number, kind: 'synthetic' | 'seedtext', seedWords: string[], seed: number): BenchPaper[] {
  const base = makePapers(n, seed) as BenchPaper[];
  if (kind === 'synthetic') return base;
  const r = rng(seed + 100);
  return base.map((p) => {
    const start = Math.floor(r() * seedWords.length);
    const words: string[] = [];
    for (let k = 0; k < 150; k++) words.push(r() < 0.5 ? seedWords[(start + k) % seedWords.length] : seedWords[Math.floor(r() * seedWords.length)]);
    return { ...p, abstract: words.join(' ') };
  });
}

const time = (fn: () => void) => {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
};

(globalThis as any).__rankBench = {
  /** Makes the library and its texts (untimed). */
  prepare(n: number, kind: 'synthetic' | 'seedtext', seedWords: string[]) {
    papers = makeLibrary(n, kind, seedWords, 3);
    texts = papers.map(paperText);
    const cardPapers = makeLibrary(1000, kind, seedWords, 9);
    cardTexts = cardPapers.map((p) => ({ id: `c${p.id}`, text: paperText(p) }));
    return { papers: papers.length, tagged: papers.filter((p) => p.tags.length).length };
  },
  /** rank.vectorize.5k: fit the vocabulary and vectorise every paper. */
  vectorize() {
    let nnz = 0;
    const ms = time(() => {
      ({ vocab, vecs } = vectorizeAll(texts));
    });
    for (const v of vecs) nnz += v.idx.length;
    library = papers.map((p, i) => ({ id: p.id, vec: vecs[i], tags: p.tags }));
    return { ms, terms: vocab.terms.length, nnzPerRow: nnz / vecs.length };
  },
  /** rank.train.5k: one tag's model against all 5,000 papers. */
  train(tag: string, kind: 'svm' | 'logreg' = 'svm') {
    const pos = library.filter((p) => p.tags.includes(tag)).map((p) => p.vec);
    const neg = library.filter((p) => !p.tags.includes(tag)).map((p) => p.vec);
    let ok = false;
    const ms = time(() => {
      ok = (kind === 'logreg' ? trainLogreg : train)(pos, neg, { dim: vocab.terms.length }) !== null;
    });
    if (!ok) throw new Error(`no model for ${tag}`);
    return { ms, pos: pos.length, neg: neg.length };
  },
  /** Every tag's model (what a cold start costs): reported, no budget. */
  trainAll() {
    let n = 0;
    const ms = time(() => {
      models = trainTags(vocab, library);
      n = models.filter((m) => m.model).length;
    });
    return { ms, models: n };
  },
  /** rank.score.1k: 1,000 vectorised cards against every tag model, with suggestions and why-terms. */
  score() {
    if (!cards.length) cards = cardTexts.map((c) => ({ id: c.id, vec: vectorize(vocab, c.text) }));
    let suggested = 0;
    const ms = time(() => {
      for (const r of rankCards(vocab, models, cards)) suggested += r.suggested.length;
    });
    return { ms, suggested };
  },
  /** The same, vectorising the cards' texts first (title, authors, abstract): reported, no budget. */
  scoreTexts() {
    const ms = time(() => {
      const v = cardTexts.map((c) => ({ id: c.id, vec: vectorize(vocab, c.text) }));
      rankCards(vocab, models, v);
    });
    return { ms };
  },
  /** The evaluation of src/rank/eval.ts, in the page. */
  evaluate(seed: unknown[], labels: Record<string, string[]>) {
    const ps = joinLabels(seed as Parameters<typeof joinLabels>[0], labels);
    const model = evaluateSeeds(ps);
    const baseline = evaluateSeeds(ps, { method: 'baseline' });
    return { model, baseline };
  },
};
