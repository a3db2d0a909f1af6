/**
 * Import: reads a PaperShelf backup, a PaperMemory export or a BibTeX file into
 * complete Paper records (issue 5), and plans how they merge into the shelf
 * (merge.ts). Pure functions: the options page parses and previews the plan,
 * then writes the records it parsed through import-write.ts, which plans again
 * inside its one transaction (a save in another tab meanwhile is not lost).
 *
 * Every input is hostile until validated: size is capped before reading, JSON is
 * refused with prototype keys or deep nesting, a backup is checked by strict
 * schemas, and every imported record passes the same schema as a backup's.
 *
 * The formats live apart: import-json.ts (backup, PaperMemory, and telling the
 * format), import-bibtex.ts (BibTeX through citation-js), import-common.ts
 * (records, tags, issues). This module puts them together for callers that
 * want every format at once; the options page loads the BibTeX one only for
 * a BibTeX file.
 */
import { parseBibTeX } from './import-bibtex';
import { readImport } from './import-json';
import type { ImportResult } from './import-common';

export { NOTE_MAX, PaperSchema, TagSchema } from '../shared/messages';
export { MAX_JSON_DEPTH, type ImportOk, type ImportResult, type ImportSource, type Skipped } from './import-common';
export { checkSize, MAX_IMPORT_BYTES, readImport, type BibTeXText } from './import-json';
export { MAX_BRACE_DEPTH, parseBibTeX } from './import-bibtex';
export { planMerge, type MergePlan } from './merge';

/** Reads an import file of any format (import-json.ts's readImport, then BibTeX here). */
export function parseImport(text: string, fileName = '', now = Date.now()): ImportResult {
  const r = readImport(text, fileName, now);
  return 'bibtex' in r ? parseBibTeX(r.bibtex, now) : r;
}
