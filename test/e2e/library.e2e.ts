/**
 * Issue 5, as a user does it, on the options page: export and read the file;
 * import a backup into a fresh profile and find papers and tags in the popup;
 * a malformed file says what is wrong and changes nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedFixtures, FIXTURES } from '../harness/routes.mjs';
import { BROWSERS, openSession, type Session, type Tab } from './session';
import { cardTagsAre, controlsReady, popupTitlesAre, pressedIs, saveButton } from './page';

const digest = (expectedFixtures() as Record<string, { url: string; count: number; cards: { id: string; title: string }[] }>)['hf/digest.html'];
const [a, b] = digest.cards;
const OPTIONS = 'src/options/index.html';

/** Records what the page downloads: the Blob behind each download link it clicks. */
function captureDownloads() {
  const w = window as unknown as { __downloads: { name: string; text: Promise<string> }[] };
  w.__downloads = [];
  const blobs = new Map<string, Blob>();
  const create = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (blob: Blob) => {
    const url = create(blob);
    blobs.set(url, blob);
    return url;
  };
  // Instead of a real download (a dialog in some headless browsers), keep the file.
  HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
    const blob = blobs.get(this.href);
    if (blob && this.download) w.__downloads.push({ name: this.download, text: blob.text() });
  };
}

async function lastDownload(t: Tab): Promise<{ name: string; text: string }> {
  await t.waitFor(() => ((window as any).__downloads ?? []).length > 0);
  return t.evaluate(async () => {
    const d = (window as any).__downloads.at(-1);
    return { name: d.name, text: await d.text };
  });
}

/** Drops a file on the import zone, as dragging it from the desktop does. */
function dropFile([name, text]: [string, string]) {
  const dt = new DataTransfer();
  dt.items.add(new File([text], name));
  const zone = document.querySelector('[data-testid="dropzone"]')!;
  zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
  zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
}

describe.each(BROWSERS)('%s: export, import, backup', (name) => {
  let s: Session;
  let backup = '';
  const tabs: Tab[] = [];
  const open = async (url: string) => {
    const t = await s.open(url);
    tabs.push(t);
    return t;
  };
  const optionsUrl = () => s.popupUrl.replace('src/popup/index.html', OPTIONS);

  beforeAll(async () => {
    s = await openSession(name);
  });
  afterAll(async () => {
    for (const t of tabs) expect(t.errors, `errors on ${t.url()}`).toEqual([]);
    await s?.close();
  });

  it('exports BibTeX and a backup from the options page', async () => {
    const page = await open(digest.url);
    await page.waitFor(controlsReady, digest.count);
    await page.click(...saveButton(a.id));
    await page.waitFor(pressedIs, [a.id, 'true']);
    await page.click(`[data-papershelf="${b.id}"]`, 'button[aria-label="Add tag"]');
    await page.type('Survey');
    await page.press('Enter');
    await page.waitFor(cardTagsAre, [b.id, ['Survey']]);
    await page.waitFor(pressedIs, [b.id, 'true']);

    const opts = await open(optionsUrl());
    await opts.evaluate(captureDownloads);
    await opts.click('section#export button.primary');
    const bib = await lastDownload(opts);
    expect(bib.name).toMatch(/^papershelf-\d{4}-\d{2}-\d{2}\.bib$/);
    expect(bib.text).toContain(`eprint = {${a.id}}`);
    expect(bib.text).toContain(`eprint = {${b.id}}`);
    expect(bib.text).toMatch(/keywords = \{Survey\}/);
    await opts.waitFor(() => /Exported 2 papers/.test(document.querySelector('section#export [role="status"]')?.textContent ?? ''));

    await opts.evaluate(() => {
      const sel = document.querySelector<HTMLSelectElement>('select[aria-label="Export format"]')!;
      sel.value = 'backup';
      sel.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await opts.click('section#export button.primary');
    await opts.waitFor(() => (window as any).__downloads.length === 2);
    const file = await lastDownload(opts);
    expect(file.name).toMatch(/^papershelf-backup-\d{4}-\d{2}-\d{2}\.json$/);
    const json = JSON.parse(file.text);
    expect(json).toMatchObject({ format: 'papershelf-backup', version: 1 });
    expect(json.papers.map((p: { id: string }) => p.id).sort()).toEqual([a.id, b.id].sort());
    backup = file.text;
  });

  it('imports the backup into a fresh profile: papers and tags show in the popup', async () => {
    await s.close();
    s = await openSession(name); // a new, empty profile
    tabs.length = 0;
    const opts = await open(optionsUrl());
    await opts.evaluate(dropFile, ['papershelf-backup.json', backup]);
    await opts.waitFor(() => document.querySelector('[data-count="add"]')?.textContent === '2');
    await opts.click('.preview button.primary');
    await opts.waitFor(() => /2 added/.test(document.querySelector('section#import [role="status"]')?.textContent ?? ''));
    const popup = await open(s.popupUrl);
    await popup.waitFor(popupTitlesAre, [b.title, a.title]);
    await popup.waitFor(() => Array.from(document.querySelectorAll('li .chip')).some((c) => c.textContent?.startsWith('Survey')));
  });

  it('refuses a malformed file with a message naming what is wrong, and changes nothing', async () => {
    const opts = await open(optionsUrl());
    const broken = JSON.parse(backup);
    broken.papers[0].title = 42;
    await opts.evaluate(dropFile, ['broken.json', JSON.stringify(broken)]);
    await opts.waitFor(() => /papers\[0\]\.title/.test(document.querySelector('section#import [role="alert"]')?.textContent ?? ''));
    const bad = readFileSync(join(FIXTURES, 'import', 'unbalanced.bib'), 'utf8');
    await opts.evaluate(dropFile, ['unbalanced.bib', bad]);
    await opts.waitFor(() => /unbalanced braces/i.test(document.querySelector('section#import [role="alert"]')?.textContent ?? ''));
    await opts.evaluate(dropFile, ['notes.txt', 'not a library']);
    await opts.waitFor(() => /nothing was imported/i.test(document.querySelector('section#import [role="alert"]')?.textContent ?? ''));
    expect(await opts.evaluate(() => document.querySelector('.preview'))).toBeNull();
    const popup = await open(s.popupUrl);
    await popup.waitFor(popupTitlesAre, [b.title, a.title]);
  });
});
