/**
 * The JSON formats an import reads: a PaperShelf backup (strict schemas, every
 * record as a backup's) and a PaperMemory export. `readImport` tells the format
 * by the content and hands BibTeX back as text, for import-bibtex.ts: the
 * options page loads that parser (citation-js) only for a BibTeX file.
 */
import * as v from 'valibot';
import { PaperSchema, TagSchema } from '../shared/messages';
import { arxivIdFromUrl, cleanText, parseArxivId, tagHue, type ArxivId, type Paper, type Tag } from '../shared/model';
import { t } from '../shared/i18n';
import { BACKUP_FORMAT, BACKUP_VERSION } from './export';
import { combine } from './merge';
import { checkJsonTree, Collector, describeIssue, entryLabel, fail, finishPaper, idMonth, isObject, type ImportOk, type ImportResult } from './import-common';
import { errorText } from '../shared/errors';
import { compileSchema, INVALID } from './import-fast';
import { checkSize, MAX_IMPORT_BYTES } from './import-size';

export { checkSize, MAX_IMPORT_BYTES };

export const BackupSchema = v.strictObject({
  format: v.literal(BACKUP_FORMAT),
  version: v.literal(BACKUP_VERSION),
  exportedAt: v.pipe(v.string(), v.maxLength(40)),
  papers: v.array(PaperSchema),
  tags: v.array(TagSchema),
});

/** BackupSchema's check without valibot's per-field cost (import-fast.ts); null: valibot only. */
export const fastBackupCheck = compileSchema(BackupSchema);

/**
 * BackupSchema's output for `data`, as v.safeParse gives it: a valid backup through the compiled
 * check, anything else through valibot, which says what is wrong.
 */
export function parseBackupSchema(data: unknown): v.SafeParseResult<typeof BackupSchema> {
  const out = fastBackupCheck ? fastBackupCheck(data) : INVALID;
  if (out !== INVALID) return { typed: true, success: true, output: out as v.InferOutput<typeof BackupSchema>, issues: undefined };
  return v.safeParse(BackupSchema, data, { abortEarly: true });
}

// ---------------------------------------------------------------- backup

// An old-style id written with its subject class, as PaperShelf kept them before issue 18.
const OLD_ID_WITH_CLASS = /^[a-z-]+\.[A-Za-z-]+\/\d{7}$/;

function parseBackup(data: Record<string, unknown>): ImportResult {
  if (typeof data.version !== 'number') return fail(t('lib_importNoVersion'));
  if (data.version !== BACKUP_VERSION) {
    return fail(t('lib_importWrongVersion', data.version, BACKUP_VERSION));
  }
  // Backups made before issue 18 may key an old-style paper with its subject class
  // ("math.GT/0309136"): read as the paper's id now ("math/0309136"), one paper with it.
  const renamed = new Set<number>();
  if (Array.isArray(data.papers)) {
    data = {
      ...data,
      papers: data.papers.map((p: unknown, i) => {
        if (!isObject(p) || typeof p.id !== 'string' || !OLD_ID_WITH_CLASS.test(p.id)) return p;
        renamed.add(i);
        return { ...p, id: parseArxivId(p.id)?.id ?? p.id };
      }),
    };
  }
  const r = parseBackupSchema(data);
  if (!r.success) return fail(t('lib_importInvalidBackup', describeIssue(r.issues[0])));
  const { tags } = r.output as { papers: Paper[]; tags: Tag[] };
  let { papers } = r.output as { papers: Paper[]; tags: Tag[] };
  const seen = new Map<string, number>();
  const merged = new Map<number, Paper>();
  for (let i = 0; i < papers.length; i++) {
    const first = seen.get(papers[i].id);
    if (first === undefined) seen.set(papers[i].id, i);
    else if (renamed.has(i) || renamed.has(first)) merged.set(first, combine(merged.get(first) ?? papers[first], papers[i]));
    else return fail(t('lib_importDuplicateId', i, papers[i].id, first));
  }
  if (merged.size) papers = papers.flatMap((p, i) => (seen.get(p.id) !== i ? [] : [merged.get(i) ?? p]));
  const tagMap = new Map<string, Tag>();
  for (let i = 0; i < tags.length; i++) {
    if (tagMap.has(tags[i].key)) return fail(t('lib_importDuplicateTag', i, tags[i].key));
    tagMap.set(tags[i].key, tags[i]);
  }
  // A paper's tag without a tag record still imports, named by its key.
  for (const p of papers) for (const k of p.tags) if (!tagMap.has(k)) tagMap.set(k, { key: k, name: k, hue: tagHue(k) });
  return { ok: true, source: 'backup', papers, tags: [...tagMap.values()], skipped: [] };
}

// ---------------------------------------------------------------- PaperMemory

// PaperMemory stores arXiv titles as an HTML parser read them, so they can hold entities.
const decodeEntities = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|#39|apos);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" })[e]!);

/** The object of PaperMemory entries, when `data` is a PaperMemory export (plain or wrapped in {papers}). */
function paperMemoryEntries(data: Record<string, unknown>): Record<string, unknown> | null {
  const box = isObject(data.papers) && data.format === undefined ? data.papers : data;
  let entries = 0;
  for (const [k, e] of Object.entries(box)) {
    if (k.startsWith('__')) continue;
    if (!isObject(e) || typeof e.title !== 'string' || !('pdfLink' in e || 'addDate' in e || 'author' in e)) return null;
    entries++;
  }
  return entries > 0 || '__dataVersion' in box ? box : null;
}

/** PaperMemory ids of arXiv papers: "Arxiv-2106.09685", old-style "Arxiv-hep-th_9901001". */
function fromPaperMemoryId(id: unknown): ArxivId | null {
  if (typeof id !== 'string') return null;
  const m = /^arxiv-(.+)$/i.exec(id);
  return m ? parseArxivId(m[1].replace('_', '/')) : null;
}

const str = (x: unknown) => (typeof x === 'string' ? x : '');

function parsePaperMemory(box: Record<string, unknown>, now: number): ImportOk {
  const out = new Collector();
  for (const [key, raw] of Object.entries(box)) {
    if (key.startsWith('__') || !isObject(raw)) continue;
    const e = raw;
    const label = entryLabel(typeof e.id === 'string' ? e.id : key, e.title);
    const arxiv =
      (typeof e.url === 'string' && arxivIdFromUrl(e.url)) ||
      (typeof e.pdfLink === 'string' && arxivIdFromUrl(e.pdfLink)) ||
      fromPaperMemoryId(e.id) ||
      fromPaperMemoryId(key);
    if (!arxiv) {
      out.skipped.push({ entry: label, reason: typeof e.source === 'string' ? t('lib_skipNotArxivSource', e.source.slice(0, 40)) : t('lib_skipNotArxiv') });
      continue;
    }
    const title = cleanText(decodeEntities(str(e.title)));
    if (!title) {
      out.skipped.push({ entry: label, reason: t('lib_skipNoTitle') });
      continue;
    }
    const year = /^\d{4}$/.exec(str(e.year).trim())?.[0];
    const byId = idMonth(arxiv.id);
    const added = Date.parse(str(e.addDate));
    out.add(
      () => label,
      finishPaper({
        id: arxiv.id,
        version: arxiv.version,
        title,
        authors: str(e.author)
          .split(/\s+and\s+/i)
          .map((a) => cleanText(decodeEntities(a)))
          .filter(Boolean),
        abstract: cleanText(str(e.abstract)) || undefined,
        published: byId && (!year || byId.startsWith(year)) ? byId : year,
        savedAt: Number.isFinite(added) && added >= 0 ? added : now,
        tags: out.tagKeys(Array.isArray(e.tags) ? e.tags.filter((x): x is string => typeof x === 'string') : []),
        // PaperMemory has no reading status and no edit time (see ImportOk.papers).
        note: str(e.note).trim(),
      }),
    );
  }
  return out.result('papermemory');
}

// ---------------------------------------------------------------- entry point

const BIBTEX_START = /^\s*(?:%[^\n]*\n\s*)*@[ \t]*[A-Za-z]+\s*[{(]/;

/** The text of a BibTeX import, for import-bibtex.ts's parseBibTeX. */
export interface BibTeXText {
  bibtex: string;
}

/**
 * Reads an import file: a PaperShelf backup, a PaperMemory export (JSON keyed by
 * paper id) or BibTeX; the format is told by the content, the file name only
 * breaks ties. `now` stamps savedAt where the source has no date. BibTeX (also
 * PaperMemory's "BibTeX JSON") comes back as its text: import.ts's parseImport
 * reads it at once, the options page after loading the BibTeX parser.
 */
export function readImport(text: string, fileName = '', now = Date.now()): ImportResult | BibTeXText {
  // A UTF-16 length past the byte limit means the UTF-8 file was past it too.
  if (text.length > MAX_IMPORT_BYTES) return fail(checkSize(text.length)!);
  const body = text.replace(/^\ufeff/, '');
  const trimmed = body.trimStart();
  if (!trimmed) return fail(t('lib_importEmpty'));
  const bibName = /\.(bib|bibtex|biblatex)$/i.test(fileName);

  if (!bibName && (trimmed[0] === '{' || trimmed[0] === '[')) {
    let data: unknown;
    try {
      data = JSON.parse(body);
    } catch (e) {
      // V8 throws RangeError on absurdly deep input; both mean "not JSON we read".
      return fail(t('lib_importBadJson', errorText(e)));
    }
    const unsafe = checkJsonTree(data);
    if (unsafe) return fail(unsafe);
    if (!isObject(data)) return fail(t('lib_importJsonNotObject'));
    if (data.format === BACKUP_FORMAT) return parseBackup(data);
    if (typeof data.format === 'string') return fail(t('lib_importOtherFormat', data.format));
    const pm = paperMemoryEntries(data);
    if (pm) return parsePaperMemory(pm, now);
    // PaperMemory's "BibTeX JSON" export: an object of BibTeX strings.
    const values = Object.entries(data)
      .filter(([k]) => !k.startsWith('__'))
      .map(([, x]) => x);
    if (values.length && values.every((x) => typeof x === 'string') && values.some((x) => /^\s*@/.test(x as string))) {
      return { bibtex: values.join('\n\n') };
    }
    return fail(t('lib_importUnknownJson'));
  }
  if (bibName || BIBTEX_START.test(body)) return { bibtex: body };
  return fail(t('lib_importUnknownFile'));
}
