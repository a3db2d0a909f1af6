/**
 * Export of a library a chunk at a time (issue 20): the file as Blob parts.
 * The papers' records come without abstracts (what a scope filters and citation
 * keys are made from); the abstracts are read in their pages (abstracts.ts) while
 * the citation keys are made, and joined a chunk at a time as each is written, so
 * the file is never one 15 MB string beside every abstract.
 * The parts put together are exactly what the whole-file exporters of export.ts
 * write (test/unit/export.test.ts compares them); exportBlob makes each part bytes as it is written.
 */
import type { Paper, Tag } from '../shared/model';
import type { Shelf } from './db';
import { abstractsOf, joinAbstracts } from './abstracts';
import { bibTeXEntries } from './export-bibtex';
import { citationKeys, tagNameMap } from './export-cite';
import { cslJsonItems, toBackup, toCsv, toMarkdown, type ExportFormat } from './export';

/** Papers written per part: a few hundred kB of text. */
export const EXPORT_CHUNK = 1000;

/** Saved papers without their abstracts, newest first (the order readFull gives, ties included). */
export async function paperRecords(db: Shelf): Promise<Paper[]> {
  return (await db.getAllFromIndex('papers', 'savedAt')).reverse();
}

/**
 * Writes each chunk of `papers` (abstracts joined) with `write`, in order. The abstracts are read
 * first, each page that holds one of them once (abstracts.ts: 256 reads at most, where they were
 * 10,000); `meanwhile` runs while they are read (what every chunk's writing needs, such as the
 * citation keys).
 */
async function eachChunk(db: Shelf, papers: Paper[], write: (chunk: Paper[], first: boolean) => void, meanwhile?: () => void): Promise<void> {
  const reading = abstractsOf(
    db.transaction('abstracts').store,
    papers.map((p) => p.id),
  );
  if (meanwhile) {
    // Run after the reads are queued; should it throw, the read's own failure is not left unhandled.
    reading.catch(() => {});
    meanwhile();
  }
  const texts = await reading;
  for (let i = 0; i < papers.length; i += EXPORT_CHUNK) {
    write(joinAbstracts(papers.slice(i, i + EXPORT_CHUNK), texts), i === 0);
  }
}

// What JSON.stringify(value, null, 1) puts around an array's items when it is the value of a
// top-level key, as "papers" is in a backup.
const PAPERS_EMPTY = '"papers": []';
const PAPERS_OPEN = '{\n "papers": [\n';
const PAPERS_CLOSE = '\n ]\n}';

/**
 * The file of an export of `papers` (records as paperRecords gives them, in the file's order)
 * in `format`, as parts for a Blob; `tags` are the tags the file names (a backup lists them all).
 */
export async function exportParts(db: Shelf, papers: Paper[], tags: Tag[], format: ExportFormat, now: number | Date = Date.now()): Promise<string[]> {
  const parts: string[] = [];
  await writeExport(db, papers, tags, format, now, (part) => parts.push(part));
  return parts;
}

/**
 * The file of exportParts as a Blob of `type`, byte for byte. Each part becomes bytes as soon as
 * it is written: made from every part at the end, the Blob was a tenth of a 10,000-paper
 * BibTeX export.
 */
export async function exportBlob(db: Shelf, papers: Paper[], tags: Tag[], format: ExportFormat, type: string, now: number | Date = Date.now()): Promise<Blob> {
  const blobs: Blob[] = [];
  await writeExport(db, papers, tags, format, now, (part) => {
    if (part) blobs.push(new Blob([part]));
  });
  return new Blob(blobs, { type });
}

/** Writes the file of exportParts a part at a time, in order, through `push`. */
async function writeExport(db: Shelf, papers: Paper[], tags: Tag[], format: ExportFormat, now: number | Date, push: (part: string) => void): Promise<void> {
  // Neither writes an abstract.
  if (format === 'csv') return void push(toCsv(papers, tags));
  if (format === 'markdown') return void push(toMarkdown(papers, tags));
  if (format === 'backup') {
    // The backup's shell around its papers, written as JSON.stringify(toBackup(…), null, 1) does:
    // its papers, two levels in, are what a {papers} object of each chunk holds at the same depth.
    const shell = JSON.stringify(toBackup([], tags, now), null, 1);
    if (!papers.length) return void push(shell);
    const at = shell.indexOf(PAPERS_EMPTY);
    push(shell.slice(0, at));
    push('"papers": [\n');
    await eachChunk(db, papers, (chunk, first) => {
      const s = JSON.stringify({ papers: chunk }, null, 1);
      push(first ? '' : ',\n');
      push(s.slice(PAPERS_OPEN.length, -PAPERS_CLOSE.length));
    });
    push('\n ]');
    push(shell.slice(at + PAPERS_EMPTY.length));
    return;
  }
  const names = tagNameMap(tags);
  // The citation keys (every paper's, for their uniqueness) are made while the abstracts are read.
  let keys = new Map<string, string>();
  const makeKeys = () => void (keys = citationKeys(papers));
  // CSL-JSON is one array (its items joined by commas); BibTeX is entries one after another.
  const csl = format === 'csl';
  if (csl && !papers.length) return void push('[]\n');
  if (csl) push('[\n');
  await eachChunk(
    db,
    papers,
    (chunk, first) => {
      push(first ? '' : csl ? ',\n' : '\n');
      push(csl ? cslJsonItems(chunk, names, keys) : bibTeXEntries(chunk, names, keys));
    },
    makeKeys,
  );
  if (csl) push('\n]\n');
}
