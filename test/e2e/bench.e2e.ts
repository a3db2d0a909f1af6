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
import { launchChromium } from '../harness/chromium.mjs';
import { libraryFigures, measureLibrary } from '../bench/library.mjs';
import { backupText, importBackup } from '../bench/seed.mjs';
import { typeQueries } from '../bench/typing.mjs';
import { makePapers, TAGS } from '../bench/data.mjs';
import { BROWSERS, DIST, POPUP, RELEASE } from './session';

const N = 1000;

/** A message to the background from one of our pages, as the popup sends it. */
function ask([name, body]: [string, unknown]): Promise<{ ok: boolean; value?: unknown[]; error?: string }> {
  type Runtime = { runtime: { sendMessage(m: unknown): Promise<unknown> } };
  const g = globalThis as unknown as { browser?: Runtime; chrome: Runtime };
  return (g.browser ?? g.chrome).runtime.sendMessage({ papershelf: 1, name, body }) as never;
}

describe.each(BROWSERS.filter((b) => b === 'chromium'))('%s: the bench measures import and export', () => {
  it(`imports ${N} papers from a backup chosen on disk and exports them as BibTeX, with a time for each step`, async () => {
    const lines: string[] = [];
    const r = await measureLibrary({ n: N, runs: 1, extension: DIST.chromium, log: (l: string) => lines.push(l) });
    expect(r.failures, lines.join('\n')).toEqual([]);
    expect(r.errors).toEqual([]);
    // What the page showed, read as the bench reads it: the preview's count, the status's numbers, the file's entries.
    expect(r.shown).toEqual([{ toAdd: N, status: [N, 0, 0], entries: N }]);

    const figures = libraryFigures(r);
    expect(figures.map((f) => [f.name, f.unit, f.runs])).toEqual([
      ['import.preview.1k', 'ms', 1],
      ['import.preview.floor.1k', 'ms', 1],
      ['import.preview.ratio.1k', 'x', 1],
      ['import.write.1k', 'ms', 1],
      ['import.write.floor.1k', 'ms', 1],
      ['import.write.ratio.1k', 'x', 1],
      ['import.total.1k', 'ms', 1],
      ['import.indexed.1k', 'ms', 1],
      ['export.bibtex.1k', 'ms', 1],
      ['export.bibtex.floor.1k', 'ms', 1],
      ['export.bibtex.ratio.1k', 'x', 1],
    ]);
    for (const f of figures) {
      expect(Number.isFinite(f.median) && Number.isFinite(f.p95), `${f.name}: ${f.median}, ${f.p95}`).toBe(true);
      expect(f.median, f.name).toBeGreaterThanOrEqual(0);
    }
  });

  it('seeds the build users install, which answers no test-only message, through its options page (seed.mjs)', async () => {
    const b = await launchChromium({ extension: RELEASE.chromium });
    try {
      const page = await b.context.newPage();
      await page.goto(b.extensionUrl(POPUP));
      const send = (name: string, body: unknown) => page.evaluate(ask, [name, body] as [string, unknown]);
      // dist/ has no seeding message (shared/messages.ts testRequests); the page's own messages still answer.
      expect(await send('library.import', { papers: [], tags: [] })).toEqual({ ok: false, error: 'unknown message "library.import"' });
      expect(await send('tags.names', {})).toEqual({ ok: true, value: [] });
      const papers = makePapers(300, 5);
      const r = await importBackup(b, {
        text: backupText(
          papers,
          TAGS.map(([name, key]) => ({ key, name, hue: 100 })),
        ),
        stepMs: 30_000,
      });
      expect(r.toAdd).toBe(300);
      const count = () =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open('papershelf');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const req = open.result.transaction('papers').objectStore('papers').count();
            req.onsuccess = () => {
              open.result.close();
              resolve(req.result);
            };
          };
        });
      expect(await page.evaluate(count)).toBe(300);
      expect((await send('tags.names', {})).value).toHaveLength(TAGS.length);
    } finally {
      await b.close();
    }
  });

  it('times keystrokes in the popup as popup.keystroke does (typing.mjs): every letter, the index answering', async () => {
    const b = await launchChromium({ extension: RELEASE.chromium });
    try {
      const page = await b.context.newPage();
      await page.goto(b.extensionUrl(POPUP));
      await importBackup(b, { text: backupText(makePapers(300, 5), []), stepMs: 30_000 });
      await page.reload();
      await page.waitForFunction(() => performance.getEntriesByName('papershelf:all-loaded').length > 0, null, { timeout: 30_000 });
      const keys = await page.evaluate(typeQueries, ['diffusion models']);
      expect(keys.map((k) => k.q)).toEqual(Array.from({ length: 16 }, (_, i) => 'diffusion models'.slice(0, i + 1)));
      for (const k of keys) expect(Number.isFinite(k.ms) && k.ms >= 0, `"${k.q}": ${k.ms}`).toBe(true);
      // From two letters on every query has a searchable word: the index answered each, none timed out (5 s).
      expect(keys.slice(1).map((k) => k.asked !== null && k.asked < 5000)).toEqual(keys.slice(1).map(() => true));
    } finally {
      await b.close();
    }
  });
});
