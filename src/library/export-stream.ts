/**
 * Export of a library a chunk at a time (issue 20): the file as Blob parts.
 * The papers' records come without abstracts (what a scope filters and citation
 * keys are made from); the abstracts are read a chunk at a time, the next
 * chunk's read running in the browser while this one is written, so the file is
 * never one 15 MB string beside every abstract, and the reads overlap the writing.
 * The parts put together are exactly what the whole-file exporters of export.ts
 * write (test/unit/export.test.ts compares them).
 */
import type { Paper, Tag } from '../shared/model';
import type { Shelf } from './db';
import { bibTeXEntries } from './export-bibtex';
import { citationKeys, tagNameMap } from './export-cite';
import { cslJsonItems, toBackup, toCsv, toMarkdown, type ExportFormat } from './export';

/** Papers written per part: a few hundred kB of text. */
export const EXPORT_CHUNK = 1000;

/** Saved papers without their abstracts, newest first (the order readFull gives, ties included). */
export async function paperRecords(db: Shelf): Promise<Paper[]> {
  return (await db.getAllFromIndex('papers', 'savedAt')).reverse();
}

/** `papers` with their abstracts joined back, read in one transaction. */
async function withAbstracts(db: Shelf, papers: Paper[]): Promise<Paper[]> {
  const tx = db.transaction('abstracts');
  const texts = await Promise.all(papers.map((p) => tx.store.get(p.id)));
  await tx.done;
  return papers.map((p, i) => (texts[i] ? { ...p, abstract: texts[i]!.text } : p));
}

/**
 * Writes each chunk of `papers` (abstracts joined) with `write`, in order; the next
 * chunk's abstracts are being read while `write` runs on this one.
 */
async function eachChunk(db: Shelf, papers: Paper[], write: (chunk: Paper[], first: boolean) => void): Promise<void> {
  const slice = (i: number) => papers.slice(i, i + EXPORT_CHUNK);
  let next = withAbstracts(db, slice(0));
  for (let i = 0; i < papers.length; i += EXPORT_CHUNK) {
    const chunk = await next;
    if (i + EXPORT_CHUNK < papers.length) next = withAbstracts(db, slice(i + EXPORT_CHUNK));
    write(chunk, i === 0);
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
  // Neither writes an abstract.
  if (format === 'csv') return [toCsv(papers, tags)];
  if (format === 'markdown') return [toMarkdown(papers, tags)];
  const parts: string[] = [];
  if (format === 'backup') {
    // The backup's shell around its papers, written as JSON.stringify(toBackup(…), null, 1) does:
    // its papers, two levels in, are what a {papers} object of each chunk holds at the same depth.
    const shell = JSON.stringify(toBackup([], tags, now), null, 1);
    if (!papers.length) return [shell];
    const at = shell.indexOf(PAPERS_EMPTY);
    parts.push(shell.slice(0, at), '"papers": [\n');
    await eachChunk(db, papers, (chunk, first) => {
      const s = JSON.stringify({ papers: chunk }, null, 1);
      parts.push(first ? '' : ',\n', s.slice(PAPERS_OPEN.length, -PAPERS_CLOSE.length));
    });
    parts.push('\n ]', shell.slice(at + PAPERS_EMPTY.length));
    return parts;
  }
  const names = tagNameMap(tags);
  const keys = citationKeys(papers);
  if (format === 'csl') {
    if (!papers.length) return ['[]\n'];
    parts.push('[\n');
    await eachChunk(db, papers, (chunk, first) => parts.push(first ? '' : ',\n', cslJsonItems(chunk, names, keys)));
    parts.push('\n]\n');
    return parts;
  }
  await eachChunk(db, papers, (chunk, first) => parts.push(first ? '' : '\n', bibTeXEntries(chunk, names, keys)));
  return parts;
}
