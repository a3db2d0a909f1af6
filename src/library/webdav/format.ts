/**
 * The folder's format (docs/sync.md says the same for people): names, JSON
 * shape, and the checks every file passes before it counts as data.
 *
 *   PaperShelf/v1/keyinfo.json                           only when encrypted: salt, iterations, verifier
 *   PaperShelf/v1/data/d-<device>-log-<sha256>.json      a device's changes (immutable)
 *   PaperShelf/v1/data/d-<device>-snapshot-<YYYY-MM-DD>-<sha256>.json   a device's whole library that day (immutable)
 *   PaperShelf/v1/data/.tmp-<device>-<random>            an upload on its way (never read)
 *
 * One flat folder for every device, so one PROPFIND (Depth 1) lists everything
 * there is. `<sha256>` is the hash of the file's bytes as stored (encrypted or
 * not): a truncated, partial or altered file, or one a server renamed
 * ("… (1).json"), does not match its name and is never read as data.
 */
import { cmpStr, type SyncPaper, type SyncState, type SyncTag } from '../sync-state';
import { READING_STATUSES } from '../../shared/model';
import { META_FIELDS, type DavState, type Mark, type MetaField, type MetaRecord } from './state';

export const ROOT_DIR = 'PaperShelf/';
export const VERSION_DIR = 'PaperShelf/v1/';
export const DATA_DIR = 'PaperShelf/v1/data/';
export const KEYINFO = 'PaperShelf/v1/keyinfo.json';
export const FORMAT = 1;
export const MAGIC = 'papershelf-webdav';

export type FileKind = 'log' | 'snapshot';

export interface FileName {
  name: string;
  device: string;
  kind: FileKind;
  /** Snapshots only: the day (UTC) it was written. */
  day?: string;
  hash: string;
}

const DEVICE = /^[a-z0-9]{6,32}$/;
const NAME = /^d-([a-z0-9]{6,32})-(?:log|snapshot-(\d{4}-\d{2}-\d{2}))-([0-9a-f]{64})\.json$/;

/** A data file's parts, or null for any other name (ignored). */
export function parseName(name: string): FileName | null {
  const m = NAME.exec(name);
  if (!m) return null;
  return { name, device: m[1], kind: m[2] ? 'snapshot' : 'log', ...(m[2] ? { day: m[2] } : {}), hash: m[3] };
}

export const isDeviceId = (d: string) => DEVICE.test(d);
export const logName = (device: string, hash: string) => `d-${device}-log-${hash}.json`;
export const snapshotName = (device: string, day: string, hash: string) => `d-${device}-snapshot-${day}-${hash}.json`;
export const tmpPrefix = (device: string) => `.tmp-${device}-`;
/** Every name this device may have left in the folder (its files, its uploads, their renamed copies). */
export const ownedBy = (name: string, device: string) => name.startsWith(`d-${device}-`) || name.startsWith(tmpPrefix(device));
export const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
  let s = '';
  for (const b of d) s += b.toString(16).padStart(2, '0');
  return s;
}

// ------------------------------------------------------------------ the JSON shape

/** A paper's synced fields in a file (sync-state.ts's, keyed by id); `note` absent: not known (noteAt 0). */
type PaperJson = Omit<SyncPaper, 'id'>;

export interface BodyJson {
  papershelf: typeof MAGIC;
  format: number;
  kind: FileKind;
  device: string;
  /** The writer's wall clock when it wrote the file. */
  writtenAt: number;
  papers: Record<string, PaperJson>;
  removed: Record<string, number>;
  tags: Record<string, Omit<SyncTag, 'key'>>;
  /** Metadata per paper: values, the time of the record (`at`), and fields written at another time (`fieldAt`). */
  meta: Record<string, { at: number; fields: Record<string, unknown>; fieldAt?: Record<string, number> }>;
  notRelevant: Record<string, { on: boolean; at: number }>;
}

export function toJson(s: DavState, kind: FileKind, device: string, writtenAt: number): BodyJson {
  const papers: BodyJson['papers'] = {};
  for (const [id, p] of s.core.papers) {
    const { id: _, ...rest } = p;
    papers[id] = rest;
  }
  const tags: BodyJson['tags'] = {};
  for (const [k, t] of s.core.tags) tags[k] = { name: t.name, hue: t.hue, at: t.at };
  const meta: BodyJson['meta'] = {};
  for (const [id, r] of s.meta) {
    let at = 0;
    for (const f of META_FIELDS) if (r.at[f] !== undefined) at = Math.max(at, r.at[f]!);
    const fieldAt: Record<string, number> = {};
    for (const f of META_FIELDS) if (r.at[f] !== undefined && r.at[f] !== at) fieldAt[f] = r.at[f]!;
    meta[id] = { at, fields: { ...r.v }, ...(Object.keys(fieldAt).length ? { fieldAt } : {}) };
  }
  const notRelevant: BodyJson['notRelevant'] = {};
  for (const [id, m] of s.marks) notRelevant[id] = { on: m.on, at: m.at };
  return { papershelf: MAGIC, format: FORMAT, kind, device, writtenAt, papers, removed: Object.fromEntries(s.core.tombstones), tags, meta, notRelevant };
}

export class FormatError extends Error {
  constructor(
    msg: string,
    /** The file was written by a newer PaperShelf (its format number). */
    public newer?: number,
  ) {
    super(msg);
    this.name = 'FormatError';
  }
}

const isTime = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 8.64e15;
const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isStrArr = (x: unknown): x is string[] => Array.isArray(x) && x.every((e) => typeof e === 'string');
const STATUSES = new Set<string>(READING_STATUSES);
const FIELDS = new Set<string>(META_FIELDS);
const MAX_TEXT = 200_000;
const okValue = (x: unknown) =>
  typeof x === 'number'
    ? Number.isFinite(x)
    : typeof x === 'string'
      ? x.length <= MAX_TEXT
      : isStrArr(x)
        ? x.length <= 5000 && x.every((a) => a.length <= 1000)
        : false;
function bad(what: string): never {
  throw new FormatError(`not a PaperShelf file: ${what}`);
}

/** Reads a file's JSON into a state; throws FormatError on anything that is not exactly our shape. */
export function fromJson(j: unknown): { state: DavState; kind: FileKind; device: string; writtenAt: number } {
  if (!isObj(j) || j.papershelf !== MAGIC) bad('no papershelf mark');
  const o = j as Record<string, unknown>;
  if (typeof o.format !== 'number') bad('no format');
  if ((o.format as number) > FORMAT) throw new FormatError(`written by a newer PaperShelf (format ${o.format})`, o.format as number);
  if (o.kind !== 'log' && o.kind !== 'snapshot') bad('kind');
  if (typeof o.device !== 'string' || !isDeviceId(o.device)) bad('device');
  if (!isTime(o.writtenAt)) bad('writtenAt');
  for (const k of ['papers', 'removed', 'tags', 'meta', 'notRelevant']) if (!isObj(o[k])) bad(k);
  const papers = new Map<string, SyncPaper>();
  for (const [id, p] of Object.entries(o.papers as Record<string, unknown>)) {
    if (
      !isObj(p) ||
      !isTime(p.savedAt) ||
      !isStrArr(p.tags) ||
      !isTime(p.tagsAt) ||
      !STATUSES.has(p.status as string) ||
      !isTime(p.statusAt) ||
      !isTime(p.noteAt)
    )
      bad(`paper ${id}`);
    const q = p as unknown as PaperJson;
    if (q.note !== undefined && (typeof q.note !== 'string' || q.note.length > MAX_TEXT)) bad(`note of ${id}`);
    if (q.title !== undefined && typeof q.title !== 'string') bad(`title of ${id}`);
    papers.set(id, {
      id,
      savedAt: q.savedAt,
      ...(q.title !== undefined ? { title: q.title } : {}),
      tags: [...q.tags],
      tagsAt: q.tagsAt,
      status: q.status,
      statusAt: q.statusAt,
      ...(q.note !== undefined ? { note: q.note } : {}),
      noteAt: q.note !== undefined ? q.noteAt : 0,
    });
  }
  const tombstones = new Map<string, number>();
  for (const [id, t] of Object.entries(o.removed as Record<string, unknown>)) {
    if (!isTime(t)) bad(`removal of ${id}`);
    tombstones.set(id, t as number);
  }
  const tags = new Map<string, SyncTag>();
  for (const [key, t] of Object.entries(o.tags as Record<string, unknown>)) {
    if (!isObj(t) || typeof t.name !== 'string' || typeof t.hue !== 'number' || !Number.isInteger(t.hue) || t.hue < 0 || t.hue > 359 || !isTime(t.at))
      bad(`tag ${key}`);
    tags.set(key, { key, name: (t as { name: string }).name, hue: (t as { hue: number }).hue, at: (t as { at: number }).at });
  }
  const meta = new Map<string, MetaRecord>();
  for (const [id, r] of Object.entries(o.meta as Record<string, unknown>)) {
    if (!isObj(r) || !isTime(r.at) || !isObj(r.fields) || (r.fieldAt !== undefined && !isObj(r.fieldAt))) bad(`metadata of ${id}`);
    const rec: MetaRecord = { v: {}, at: {} };
    for (const [f, x] of Object.entries(r.fields as Record<string, unknown>)) {
      if (!FIELDS.has(f)) continue; // a field a newer PaperShelf added: not ours to read
      if (!okValue(x)) bad(`metadata ${f} of ${id}`);
      const at = (r.fieldAt as Record<string, unknown> | undefined)?.[f] ?? r.at;
      if (!isTime(at)) bad(`metadata time of ${id}`);
      rec.v[f as MetaField] = Array.isArray(x) ? [...x] : x;
      rec.at[f as MetaField] = at as number;
    }
    meta.set(id, rec);
  }
  const marks = new Map<string, Mark>();
  for (const [id, m] of Object.entries(o.notRelevant as Record<string, unknown>)) {
    if (!isObj(m) || typeof m.on !== 'boolean' || !isTime(m.at)) bad(`mark of ${id}`);
    marks.set(id, { on: m.on as boolean, at: m.at as number });
  }
  // Files are written in key order (toJson of sorted maps): checked, and sorted only when they are not.
  const sort = <V>(m: Map<string, V>) => {
    let prev: string | undefined;
    for (const k of m.keys()) {
      if (prev !== undefined && cmpStr(prev, k) >= 0) return new Map([...m].sort((a, b) => cmpStr(a[0], b[0])));
      prev = k;
    }
    return m;
  };
  const core: SyncState = { papers: sort(papers), tombstones: sort(tombstones), tags: sort(tags) };
  return { state: { core, meta: sort(meta), marks: sort(marks) }, kind: o.kind as FileKind, device: o.device as string, writtenAt: o.writtenAt as number };
}

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });
export const utf8 = (s: string) => enc.encode(s);
export const fromUtf8 = (b: Uint8Array) => dec.decode(b);
