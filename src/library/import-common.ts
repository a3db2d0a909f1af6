/**
 * What every import format shares (import.ts reads the formats): the result's
 * shape, schema issues in the user's language, the JSON safety check, and the
 * building of complete, schema-checked Paper records with their tags.
 */
import * as v from 'valibot';
import { NOTE_MAX, PaperSchema } from '../shared/messages';
import { ABSTRACT_MAX, absUrl, cleanText, normaliseTag, tagHue, tagKey, type Paper, type Tag } from '../shared/model';
import { t } from '../shared/i18n';
import { combine, type Skipped } from './merge';
import { isObject } from '../shared/values';

export type { Skipped };

/** JSON nested deeper than this is refused (a backup needs 4 levels). */
export const MAX_JSON_DEPTH = 12;

export type ImportSource = 'backup' | 'bibtex' | 'papermemory';

export interface ImportOk {
  ok: true;
  source: ImportSource;
  /**
   * Complete records, tags as keys. `updatedAt` is 0 where the source has no edit
   * time (BibTeX, PaperMemory): their status and note then never replace what the
   * user set here, they only fill an empty note.
   */
  papers: Paper[];
  tags: Tag[];
  skipped: Skipped[];
}

export type ImportResult = ImportOk | { ok: false; error: string };

export const fail = (error: string): ImportResult => ({ ok: false, error });

// ---------------------------------------------------------------- schema issues

type Path = (string | number)[];

/** `papers[3].title` */
function pathString(path: Path): string {
  let s = '';
  for (const k of path) s += typeof k === 'number' ? `[${k}]` : s ? `.${k}` : k;
  return s || t('lib_importPathFile');
}

/**
 * valibot's own English message for the checks the schemas use, in the user's language;
 * any other message (the schemas' own, already translated) as it is.
 */
function issueMessage(issue: v.BaseIssue<unknown>): string {
  const { expected, received } = issue;
  const label = { max_length: 'length', min_length: 'length', max_value: 'value', min_value: 'value', regex: 'format', integer: 'integer', url: 'URL' }[
    issue.type
  ];
  // valibot's default text (see its _addIssue): a schema's own message differs from it.
  if (!label || issue.message !== `Invalid ${label}: ${expected ? `Expected ${expected} but r` : 'R'}eceived ${received}`) return issue.message;
  if (expected) {
    if (label === 'length') return t('lib_importInvalidLength', expected, received);
    if (label === 'value') return t('lib_importInvalidValue', expected, received);
    if (label === 'format') return t('lib_importInvalidFormat', expected, received);
  } else {
    if (label === 'integer') return t('lib_importInvalidInteger', received);
    if (label === 'URL') return t('lib_importInvalidUrl', received);
  }
  return issue.message;
}

export function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = pathString((issue.path ?? []).map((p) => p.key as string | number));
  if (issue.type === 'strict_object' && issue.expected === 'never') return t('lib_importUnknownField', path);
  if (issue.kind === 'schema') {
    if (issue.received === 'undefined') return t('lib_importMissing', path, issue.expected ?? '');
    return t('lib_importExpectedGot', path, issue.expected ?? '', issue.received);
  }
  return t('lib_importIssue', path, issueMessage(issue));
}

// ---------------------------------------------------------------- JSON safety

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Refuses keys that could reach a prototype and nesting past MAX_JSON_DEPTH.
 * JSON.parse keeps "__proto__" as an own key (it pollutes nothing by itself),
 * but any later spread or merge of such an object could; refuse it outright.
 */
export function checkJsonTree(root: unknown): string | null {
  const path: Path = [];
  const visit = (value: unknown, depth: number): string | null => {
    if (value === null || typeof value !== 'object') return null;
    if (depth > MAX_JSON_DEPTH) {
      return t('lib_importTooDeep', MAX_JSON_DEPTH, pathString(path));
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const x: unknown = value[i];
        if (x === null || typeof x !== 'object') continue;
        path.push(i);
        const e = visit(x, depth + 1);
        path.pop();
        if (e) return e;
      }
      return null;
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) {
        return t('lib_importForbiddenKey', key, pathString([...path, key]));
      }
      const x = (value as Record<string, unknown>)[key];
      if (x === null || typeof x !== 'object') continue;
      path.push(key);
      const e = visit(x, depth + 1);
      path.pop();
      if (e) return e;
    }
    return null;
  };
  return visit(root, 1);
}

export { isObject };

// ---------------------------------------------------------------- shared record building

function tagFor(name: string): Tag | null {
  const display = normaliseTag(name);
  const key = tagKey(display);
  return key ? { key, name: display, hue: tagHue(key) } : null;
}

/** Paper from the parts an importer found; checked against PaperSchema, so it is as safe as a backup's. */
export function finishPaper(
  draft: Omit<Paper, 'url' | 'source' | 'status' | 'updatedAt'> & Partial<Pick<Paper, 'status' | 'updatedAt'>>,
): { paper: Paper } | { reason: string } {
  const paper: Paper = {
    id: draft.id,
    ...(draft.version ? { version: draft.version } : {}),
    title: draft.title.slice(0, 1000),
    authors: draft.authors.slice(0, 5000).map((a) => a.slice(0, 300)),
    ...(draft.abstract ? { abstract: draft.abstract.slice(0, ABSTRACT_MAX) } : {}),
    ...(draft.published ? { published: draft.published } : {}),
    url: absUrl(draft.id),
    source: 'arxiv',
    savedAt: draft.savedAt,
    updatedAt: draft.updatedAt ?? 0,
    tags: draft.tags,
    status: draft.status ?? 'to-read',
    note: draft.note.slice(0, NOTE_MAX),
  };
  const r = v.safeParse(PaperSchema, paper, { abortEarly: true });
  return r.success ? { paper: r.output as Paper } : { reason: describeIssue(r.issues[0]) };
}

/** A paper's tags past this are refused by PaperSchema. */
export const TAGS_MAX = 1000;

/** Collects papers and tags; the same arXiv paper twice is merged into one record. */
export class Collector {
  papers = new Map<string, Paper>();
  tags = new Map<string, Tag>();
  skipped: Skipped[] = [];

  // tagKey's locale-aware lower-casing is slow; a file repeats the same few names.
  private byName = new Map<string, Tag | null>();
  private byKey = new Map<string, Tag>();
  // Each paper's tag keys, so that merging a paper given many times stays linear.
  private tagSets = new Map<string, Set<string>>();

  /**
   * Tag keys for names (first spelling wins), in order, once each. Reads one past what
   * a paper may have, so such a paper is refused with the schema's reason, not cut.
   */
  tagKeys(names: string[]): string[] {
    const keys = new Set<string>();
    for (const n of names) {
      let tag = this.byName.get(n);
      if (tag === undefined) this.byName.set(n, (tag = tagFor(n)));
      if (!tag) continue;
      if (!this.byKey.has(tag.key)) this.byKey.set(tag.key, tag);
      keys.add(tag.key);
      if (keys.size > TAGS_MAX) break;
    }
    return [...keys];
  }

  add(entry: () => string, result: { paper: Paper } | { reason: string }) {
    if ('reason' in result) {
      this.skipped.push({ entry: entry(), reason: result.reason });
      return;
    }
    let paper = result.paper;
    let added = paper.tags;
    const prev = this.papers.get(paper.id);
    let own = this.tagSets.get(paper.id);
    if (prev && own) {
      // combine() unites tags with includes(): hand it only the new ones.
      added = paper.tags.filter((k) => !own!.has(k));
      if (own.size + added.length > TAGS_MAX) {
        // The same paper again, with tags that take it past the limit: refused with the schema's reason.
        const r = v.safeParse(PaperSchema, { ...prev, tags: [...prev.tags, ...added] }, { abortEarly: true });
        if (!r.success) this.skipped.push({ entry: entry(), reason: describeIssue(r.issues[0]) });
        return;
      }
      paper = combine(prev, { ...paper, tags: added });
    } else this.tagSets.set(paper.id, (own = new Set()));
    for (const k of added) {
      own.add(k);
      // Only tags of papers taken: a refused paper's thousand keywords are no tags.
      if (!this.tags.has(k)) this.tags.set(k, this.byKey.get(k) ?? { key: k, name: k, hue: tagHue(k) });
    }
    this.papers.set(paper.id, paper);
  }

  result(source: ImportSource): ImportOk {
    return { ok: true, source, papers: [...this.papers.values()], tags: [...this.tags.values()], skipped: this.skipped };
  }
}

export const entryLabel = (key: string, title: unknown) =>
  typeof title === 'string' && cleanText(title) ? `${key.slice(0, 100)} "${cleanText(title).slice(0, 80)}"` : key.slice(0, 100);

// Like cleanText, but replaces only runs that are not already one space: no copy of clean text.
export const collapse = (s: string | undefined) => (s ?? '').replace(/\s{2,}|[^\S ]/g, ' ').trim();

/** "2021-06" from an id's YYMM, for sources that give only a year. */
export function idMonth(id: string): string | undefined {
  const m = /^(\d{2})(\d{2})\./.exec(id);
  return m && Number(m[2]) >= 1 && Number(m[2]) <= 12 ? `20${m[1]}-${m[2]}` : undefined;
}
