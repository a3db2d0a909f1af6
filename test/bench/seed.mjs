/**
 * Seeds a library the way a user fills one: a backup file chosen on the
 * options page's Import, its preview read, Import clicked, then the search
 * index waited for. It sends no message of its own, so it seeds what users
 * install (dist/, which answers none of the test-only messages) as well as the
 * test build. Used by the popup bench (popup.mjs), the content bench (run.mjs)
 * and `npm run screenshots` (test/harness/screenshots.mjs).
 *
 * The page is found by what a user sees, not by test attributes (dist/ has
 * none): the import section (`section#import`), its file input, the preview's
 * count to add (`data-count="add"`), its primary button, and the status or
 * alert that ends the import.
 */

const OPTIONS = 'src/options/index.html';

/** A backup file's text, as the options page's Export writes one. */
export function backupText(papers, tags) {
  return JSON.stringify({ format: 'papershelf-backup', version: 1, exportedAt: new Date().toISOString(), papers, tags });
}

/** In the options page: chooses `text` as the file, imports it, waits for the index. Runs in the page. */
async function importInPage([text, fileName, stepMs]) {
  const body = text ?? globalThis.__papershelfBackup;
  delete globalThis.__papershelfBackup;
  const q = (selector) => document.querySelector(selector);
  const until = (what, cond) =>
    new Promise((res, rej) => {
      const t0 = performance.now();
      const tick = () => {
        const v = cond();
        if (v) res(v);
        else if (performance.now() - t0 > stepMs) rej(new Error(`${what}: nothing shown within ${stepMs / 1000} s`));
        else setTimeout(tick, 10);
      };
      tick();
    });
  const failIf = (el) => {
    if (el.matches('[role="alert"]')) throw new Error(el.textContent || 'the options page showed an error');
  };
  const t0 = performance.now();
  const input = q('section#import input[type="file"]');
  const dt = new DataTransfer();
  dt.items.add(new File([body], fileName, { type: 'application/json' }));
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  const preview = await until('the import preview', () => q('section#import [data-count="add"]') ?? q('section#import [role="alert"]'));
  failIf(preview);
  const toAdd = Number(preview.textContent.replace(/[^0-9]/g, ''));
  q('section#import .preview button.primary').click();
  failIf(await until('the import', () => q('section#import [role="status"]') ?? q('section#import [role="alert"]')));
  // The search index follows the write in its own transaction: the popup's search needs it whole.
  await until('the search index', () => performance.getEntriesByName('papershelf:import-indexed').length > 0);
  return { toAdd, ms: performance.now() - t0 };
}

/**
 * Imports a backup on the options page of the extension `b` runs (test/harness/chromium.mjs).
 * The file is `text`, or, so that nothing large crosses the DevTools protocol, what `script`
 * (source run in the page first) leaves in `globalThis.__papershelfBackup`.
 * Returns the preview's count to add and the time from choosing the file to the index (ms).
 * @param {{ extensionUrl(path: string): string, context: { newPage(): Promise<any> } }} b
 * @param {{ text?: string, script?: string, fileName?: string, stepMs?: number }} backup
 */
export async function importBackup(b, { text, script, fileName = 'papershelf-backup.json', stepMs = 180_000 }) {
  if ((text === undefined) === (script === undefined)) throw new Error('importBackup: give the file as text or as a script, one of them');
  const page = await b.context.newPage();
  try {
    await page.goto(b.extensionUrl(OPTIONS));
    await page.waitForSelector('section#import input[type="file"]', { state: 'attached', timeout: 30_000 });
    if (script !== undefined) await page.evaluate(script);
    return await page.evaluate(importInPage, [text ?? null, fileName, stepMs]);
  } finally {
    await page.close().catch(() => {});
  }
}
