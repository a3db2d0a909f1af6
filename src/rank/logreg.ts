/**
 * Logistic regression, the evaluation's alternative to the SVM (src/rank/eval.ts, `rank.train.logreg`
 * in the bench): the objective of model.ts with the logistic loss, C·cw scaled, b unregularised
 * (scikit-learn's lbfgs convention), minimised in the primal by L-BFGS. The extension never trains
 * it: nothing in the background imports this file, so the production build does not carry it.
 */
import type { SparseVec } from './features';
import { dot, fit, type Model, type Solver, type TrainOptions } from './model';

/** C when no C is given. */
export const LOGREG_C = 1;

/** As model.ts train(), with the logistic loss. */
export function trainLogreg(positives: readonly SparseVec[], negatives: readonly SparseVec[], opts: TrainOptions = {}): Model | null {
  return fit(positives, negatives, { ...opts, kind: 'logreg' }, lbfgs, { C: LOGREG_C, maxIter: 200, tol: 1e-4 });
}

const lbfgs: Solver = (xs, y, Ci, dim, o) => {
  const n = xs.length;
  const D = dim + 1; // the last variable is b (not regularised)
  const z = new Float64Array(n);
  const coef = new Float64Array(n);
  /** Objective at x; its gradient into g. */
  const fg = (x: Float64Array, g: Float64Array): number => {
    let f = 0;
    for (let j = 0; j < dim; j++) f += 0.5 * x[j] * x[j];
    const b = x[dim];
    for (let i = 0; i < n; i++) {
      const m = y[i] * (dot(x, xs[i]) + b);
      // log(1 + e^-m) without overflow
      f += Ci[i] * (m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m)));
      z[i] = m;
      coef[i] = (-Ci[i] * y[i]) / (1 + Math.exp(m)); // d loss / d (w·x)
    }
    for (let j = 0; j < dim; j++) g[j] = x[j];
    g[dim] = 0;
    for (let i = 0; i < n; i++) {
      const { idx, val } = xs[i];
      const c = coef[i];
      for (let k = 0; k < idx.length; k++) g[idx[k]] += c * val[k];
      g[dim] += c;
    }
    return f;
  };
  const m = 7;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const x = new Float64Array(D);
  let g = new Float64Array(D);
  let f = fg(x, g);
  const g0 = Math.sqrt(g.reduce((s, v) => s + v * v, 0)) || 1;
  const d = new Float64Array(D);
  const xNew = new Float64Array(D);
  let gNew = new Float64Array(D);
  const al = new Float64Array(m);
  for (let iter = 0; iter < o.maxIter; iter++) {
    const gn = Math.sqrt(g.reduce((s, v) => s + v * v, 0));
    if (gn <= o.tol * g0) break;
    // Two-loop recursion: d = −H·g
    for (let j = 0; j < D; j++) d[j] = -g[j];
    for (let k = S.length - 1; k >= 0; k--) {
      let a = 0;
      for (let j = 0; j < D; j++) a += S[k][j] * d[j];
      a *= rho[k];
      al[k] = a;
      for (let j = 0; j < D; j++) d[j] -= a * Y[k][j];
    }
    if (S.length) {
      const k = S.length - 1;
      let yy = 0;
      for (let j = 0; j < D; j++) yy += Y[k][j] * Y[k][j];
      const gamma = 1 / (rho[k] * yy);
      for (let j = 0; j < D; j++) d[j] *= gamma;
    } else {
      for (let j = 0; j < D; j++) d[j] /= gn; // first step: unit length
    }
    for (let k = 0; k < S.length; k++) {
      let bta = 0;
      for (let j = 0; j < D; j++) bta += Y[k][j] * d[j];
      bta *= rho[k];
      for (let j = 0; j < D; j++) d[j] += S[k][j] * (al[k] - bta);
    }
    let gd = 0;
    for (let j = 0; j < D; j++) gd += g[j] * d[j];
    if (gd >= 0) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = Y.length = rho.length = 0;
      for (let j = 0; j < D; j++) d[j] = -g[j] / gn;
      gd = -gn;
    }
    // Backtracking (Armijo) line search.
    let step = 1;
    let fNew = 0;
    for (let ls = 0; ls < 30; ls++) {
      for (let j = 0; j < D; j++) xNew[j] = x[j] + step * d[j];
      fNew = fg(xNew, gNew);
      if (fNew <= f + 1e-4 * step * gd) break;
      step *= 0.5;
    }
    const s = new Float64Array(D);
    const yv = new Float64Array(D);
    let sy = 0;
    for (let j = 0; j < D; j++) {
      s[j] = xNew[j] - x[j];
      yv[j] = gNew[j] - g[j];
      sy += s[j] * yv[j];
    }
    x.set(xNew);
    [g, gNew] = [gNew, g];
    const improved = f - fNew;
    f = fNew;
    if (sy > 1e-12) {
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
      if (S.length > m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    if (improved <= 1e-10 * Math.max(1, Math.abs(f))) break;
  }
  return { w: x.subarray(0, dim), b: x[dim] };
};
