/**
 * `npm run bench` keeps working: its cheapest part, import and export on the
 * options page (test/bench/library.mjs), run through the bench's own code at
 * 1,000 papers instead of 10,000, once, in the test build. 1,000 is the
 * smallest size whose counts the pages write with a grouping separator
 * ("1,000"), which is what broke the bench once. A change to the options page
 * that the bench can no longer read (a count it cannot find, a status it
 * cannot parse, an export it never sees) fails here instead of in a bench run
 * that takes minutes. Only that it measured is checked, never how fast:
 * budgets are the bench's business. Chromium only, as the bench.
 */
import { describe, expect, it } from 'vitest';
import { libraryFigures, measureLibrary } from '../bench/library.mjs';
import { BROWSERS, DIST } from './session';

const N = 1000;

describe.each(BROWSERS.filter((b) => b === 'chromium'))('%s: the bench measures import and export', () => {
  it(`imports ${N} papers from a dropped backup and exports them as BibTeX, with a time for each step`, async () => {
    const lines: string[] = [];
    const r = await measureLibrary({ n: N, runs: 1, extension: DIST.chromium, log: (l: string) => lines.push(l) });
    expect(r.failures, lines.join('\n')).toEqual([]);
    expect(r.errors).toEqual([]);
    // What the page showed, read as the bench reads it: the preview's count, the status's numbers, the file's entries.
    expect(r.shown).toEqual([{ toAdd: N, status: [N, 0, 0], entries: N }]);

    const figures = libraryFigures(r);
    expect(figures.map((f) => [f.name, f.unit, f.runs])).toEqual([
      ['import.preview.1k', 'ms', 1],
      ['import.write.1k', 'ms', 1],
      ['import.total.1k', 'ms', 1],
      ['import.indexed.1k', 'ms', 1],
      ['export.bibtex.1k', 'ms', 1],
    ]);
    for (const f of figures) {
      expect(Number.isFinite(f.median) && Number.isFinite(f.p95), `${f.name}: ${f.median}, ${f.p95}`).toBe(true);
      expect(f.median, f.name).toBeGreaterThanOrEqual(0);
    }
  });
});
