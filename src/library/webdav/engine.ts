/**
 * One WebDAV round, lock-free: every device writes only its own files, reads
 * everyone's, and merges them with the library's one merge (state.ts).
 *
 * 1. List the data folder (one PROPFIND, Depth 1): every device's files.
 * 2. Read the files not read before (immutable, named by their hash: the cache
 *    keeps them by name). A file whose bytes do not match its name (truncated,
 *    partial, renamed by the server), or that is not our JSON, is not data.
 * 3. folder = join of every file; merged = join(this device's library, folder);
 *    what the folder lacks = delta(merged, folder).
 * 4. Write it: a log file with just that, or (first time, once a day, or after
 *    LOG_MAX logs) a snapshot of the whole merged library, after which this
 *    device's older logs and snapshots (beyond one a day for HISTORY_DAYS) go.
 *    A write that fails ends the round before anything here changed.
 * 5. Only then write the merge into the library (local.ts).
 * 6. Remove this device's strays: uploads of an interrupted round, copies a
 *    server renamed on conflict, unreadable files of its own.
 *
 * Because every round writes what the folder lacks (not what this device
 * believes it wrote), a file lost or rejected by the server is written again
 * by the next round: no read-back of logs is needed for correctness, which
 * keeps a round after one edit at four requests (list, put, read back, move).
 */
import type { DavClient } from './client';
import {
  DATA_DIR,
  FormatError,
  KEYINFO,
  ROOT_DIR,
  VERSION_DIR,
  dayOf,
  fromJson,
  fromUtf8,
  logName,
  ownedBy,
  parseName,
  sha256Hex,
  snapshotName,
  toJson,
  tmpPrefix,
  utf8,
  type FileName,
} from './format';
import { decryptBody, encryptBody, isEncrypted, newKeyInfo, parseKeyInfo, unlock, type KeyInfo } from './crypto';
import type { FileCache } from './cache';
import { delta, emptyDav, fromLocalFull, isEmptyDav, mergeAll, mergeDav, type DavState, type FullLocal, type Mark } from './state';
import { DAY } from '../clock';
import type { Paper } from '../../shared/model';

/** Logs a device keeps before it compacts them into a snapshot. */
export const LOG_MAX = 16;
/** Days of daily snapshots kept (history). */
export const HISTORY_DAYS = 30;

export class EncryptedFolderError extends Error {
  constructor() {
    super('the folder is encrypted: a passphrase is needed');
    this.name = 'EncryptedFolderError';
  }
}

export interface RoundDeps {
  client: DavClient;
  device: string;
  /** AES-GCM key when the folder is encrypted (crypto.ts). */
  key?: CryptoKey | null;
  cache: FileCache;
  readLocal(): Promise<FullLocal>;
  /**
   * Writes the merged state into the library; returns counts for the report, and the papers it
   * created whole from the merge (`created`, local.ts createNew), which need no reading back.
   */
  applyLocal(merged: DavState, local: FullLocal): Promise<{ upserts: number; deletes: number; created?: readonly Paper[] }>;
  now(): number;
}

export interface RoundReport {
  at: number;
  /** Files written, their bytes; requests of the round and bytes sent (headers included). */
  wrote: { files: number; bytes: number; snapshot: boolean };
  read: { files: number; bytes: number };
  requests: number;
  sent: number;
  /** Papers created or changed here, and removed here. */
  pulled: { upserts: number; deletes: number };
  /** Papers in the merged library. */
  papers: number;
  devices: number;
  /** Files that are not data (bad hash, not our JSON), and files of a newer PaperShelf. */
  ignored: number;
  newer: number;
}

const random = () => Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');

/** Makes PaperShelf/v1/data/ (a new folder, or one the user emptied). */
export async function ensureFolders(client: DavClient): Promise<void> {
  for (const d of [ROOT_DIR, VERSION_DIR, DATA_DIR]) await client.mkcol(d);
}

/** The folder's keyinfo.json, or null when it is not encrypted. */
export async function readKeyInfo(client: DavClient): Promise<KeyInfo | null> {
  const b = await client.get(KEYINFO);
  return b ? parseKeyInfo(JSON.parse(fromUtf8(b))) : null;
}

/** Encodes a state as a file's bytes (encrypted when there is a key). */
/**
 * Connect: checks the credentials and the passphrase before anything is written.
 * The folder's keyinfo.json is read first (a 401 says the password is wrong; a
 * verifier that fails says the passphrase is); only then are folders made, and
 * with a passphrase and no keyinfo yet, one is written. Returns the raw key
 * (null: not encrypted).
 */
export async function connectFolder(client: DavClient, passphrase: string, iterations?: number): Promise<Uint8Array | null> {
  let info = await readKeyInfo(client);
  if (info) {
    if (!passphrase) throw new EncryptedFolderError();
    return unlock(info, passphrase);
  }
  await ensureFolders(client);
  if (!passphrase) return null;
  const made = await newKeyInfo(passphrase, iterations);
  const bytes = utf8(JSON.stringify(made.info, null, 1));
  const tmp = `${VERSION_DIR}.tmp-keyinfo-${random()}`;
  await client.put(tmp, bytes);
  if ((await client.size(tmp)) !== bytes.byteLength) {
    await client.delete(tmp).catch(() => {});
    throw new Error('keyinfo.json could not be written whole');
  }
  if (await client.move(tmp, KEYINFO)) return made.raw;
  // Another device made one meanwhile: use that one.
  await client.delete(tmp);
  info = await readKeyInfo(client);
  if (!info) throw new Error('keyinfo.json could not be read back');
  return unlock(info, passphrase);
}

export async function encodeFile(s: DavState, kind: 'log' | 'snapshot', device: string, at: number, key?: CryptoKey | null): Promise<Uint8Array> {
  const plain = utf8(JSON.stringify(toJson(s, kind, device, at)));
  return key ? encryptBody(key, plain) : plain;
}

/** A file's bytes back into a state: checks the hash against the name, decrypts, validates. */
export async function decodeFile(f: FileName, bytes: Uint8Array, key?: CryptoKey | null): Promise<DavState> {
  if ((await sha256Hex(bytes)) !== f.hash) throw new FormatError('its content does not match its name (truncated or altered)');
  let j: unknown;
  try {
    j = JSON.parse(fromUtf8(bytes));
  } catch {
    throw new FormatError('not JSON');
  }
  if (isEncrypted(j)) {
    if (!key) throw new EncryptedFolderError();
    j = JSON.parse(fromUtf8(await decryptBody(key, j)));
  }
  const r = fromJson(j);
  if (r.device !== f.device || r.kind !== f.kind) throw new FormatError('its name and content disagree');
  return r.state;
}

const sameMarks = (a: Map<string, Mark>, b: Map<string, Mark>) =>
  a.size === b.size && [...a].every(([id, m]) => b.get(id)?.on === m.on && b.get(id)?.at === m.at);

export async function syncRound(deps: RoundDeps): Promise<RoundReport> {
  const { client, device, cache } = deps;
  const c0 = { ...client.counters };
  const now = deps.now();
  // The library is read while the folder is listed and read (10,000 papers with abstracts: seconds
  // in IndexedDB); applyLocal checks what it writes against the store as it is by then.
  const reading = deps.readLocal();
  reading.catch(() => {}); // a round that fails before it needs the library does not leave this unhandled
  let listed = await client.list(DATA_DIR);
  if (!listed) {
    await ensureFolders(client);
    listed = (await client.list(DATA_DIR)) ?? [];
  }
  const files = listed.filter((e) => !e.dir);
  const valid: { f: FileName; size: number }[] = [];
  const strays: string[] = [];
  for (const e of files) {
    const f = parseName(e.name);
    if (f) valid.push({ f, size: e.size });
    else if (ownedBy(e.name, device)) strays.push(e.name);
  }

  // Read what is new. Own files first: they are this device's memory of the folder.
  const states: DavState[] = [];
  let readFiles = 0;
  let readBytes = 0;
  let ignored = 0;
  let newer = 0;
  const devices = new Set<string>();
  const usable = new Set<string>();
  for (const { f, size } of valid) {
    let hit = await cache.get(f.name);
    if (hit?.bad && hit.size !== size) hit = undefined; // a bad read of a file that changed since: read again
    if (!hit) {
      const bytes = await client.get(DATA_DIR + f.name);
      if (!bytes) continue; // gone since the listing (its device compacted)
      readFiles++;
      readBytes += bytes.byteLength;
      try {
        hit = { name: f.name, size, state: await decodeFile(f, bytes, deps.key) };
      } catch (e) {
        if (!(e instanceof FormatError)) throw e; // no key, wrong key: the round fails and says so
        hit = { name: f.name, size, bad: e.message, ...(e.newer ? { newer: e.newer } : {}) };
      }
      await cache.put(hit);
    }
    if (hit.state) {
      states.push(hit.state);
      devices.add(f.device);
      usable.add(f.name);
    } else if ((hit as { newer?: number }).newer) newer++;
    else {
      ignored++;
      if (f.device === device) strays.push(f.name);
    }
  }
  await cache.keepOnly(new Set(valid.map((v) => v.f.name)));

  const folder = states.length ? mergeAll(states) : emptyDav();
  const local = await reading;
  const lastMarks = await cache.lastMarks();
  const merged = mergeDav(fromLocalFull(local, lastMarks, now), folder);
  const missing = delta(merged, folder);

  const own = valid.filter((v) => v.f.device === device && usable.has(v.f.name));
  const ownLogs = own.filter((v) => v.f.kind === 'log');
  const ownSnaps = own.filter((v) => v.f.kind === 'snapshot').sort((a, b) => (a.f.day! < b.f.day! ? -1 : a.f.day! > b.f.day! ? 1 : 0));
  const today = dayOf(now);
  const latestDay = ownSnaps.at(-1)?.f.day;
  let wroteFiles = 0;
  let wroteBytes = 0;
  let snapshot = false;
  const write = async (name: (hash: string) => string, bytes: Uint8Array, state: DavState) => {
    const hash = await sha256Hex(bytes);
    const final = name(hash);
    await client.putVerified(DATA_DIR, final, bytes, `${tmpPrefix(device)}${random()}`, hash);
    // What this device wrote it need not read back next round (a snapshot is megabytes).
    await cache.put({ name: final, size: bytes.byteLength, state });
    wroteFiles++;
    wroteBytes += bytes.byteLength;
    return final;
  };
  if (!isEmptyDav(missing)) {
    if (!latestDay || latestDay < today || ownLogs.length >= LOG_MAX) {
      // A snapshot: the whole library as merged, so this device's older files are no longer needed.
      const bytes = await encodeFile(merged, 'snapshot', device, now, deps.key);
      const final = await write((h) => snapshotName(device, today, h), bytes, merged);
      snapshot = true;
      const keepFrom = dayOf(now - HISTORY_DAYS * DAY);
      const byDay = new Map<string, string>();
      for (const s of ownSnaps) byDay.set(s.f.day!, s.f.name); // the last listed per day
      const old = [
        ...ownLogs.map((l) => l.f.name),
        ...ownSnaps.filter((s) => s.f.day === today || s.f.day! < keepFrom || byDay.get(s.f.day!) !== s.f.name).map((s) => s.f.name),
      ];
      const gone = old.filter((n) => n !== final);
      // Read back what matters: the old files go only once the snapshot is there, whole (with none
      // to delete, as on a first upload, putVerified's checks suffice: one request less).
      if (gone.length && (await client.size(DATA_DIR + final)) !== bytes.byteLength)
        throw new Error(`the snapshot ${final} is not on the server after its upload`);
      for (const n of gone) await client.delete(DATA_DIR + n);
    } else {
      await write((h) => logName(device, h), await encodeFile(missing, 'log', device, now, deps.key), missing);
    }
  }

  // Written (or nothing to write): now the library may change.
  const applied = await deps.applyLocal(merged, local);
  // Stored only when they changed: most rounds end with the marks they began with (a request to
  // IndexedDB each, which after a first download's 17 MB waited most of a second).
  if (!sameMarks(merged.marks, lastMarks)) await cache.setLastMarks(merged.marks);
  if (applied.upserts) {
    // Writing the merge here can make what it did not say: a paper restored elsewhere after a
    // removal known here comes back with a save date made from its newest write (sync-patch.ts
    // placeholder). Said now, the folder holds this library when the round ends. When every
    // paper written was created whole (a first download), they are what was written: the
    // library need not be read again (at 10,000 papers with abstracts, seconds).
    const created = applied.created ?? [];
    const onlyCreated = created.length === applied.upserts;
    const after = onlyCreated
      ? fromLocalFull({ papers: [...created], tags: [], tombstones: [], marks: new Map() }, new Map(), now)
      : fromLocalFull(await deps.readLocal(), merged.marks, now);
    const more = delta(mergeDav(after, merged), merged);
    if (!isEmptyDav(more)) await write((h) => logName(device, h), await encodeFile(more, 'log', device, now, deps.key), more);
  }

  for (const n of strays) await client.delete(DATA_DIR + n);
  return {
    at: now,
    wrote: { files: wroteFiles, bytes: wroteBytes, snapshot },
    read: { files: readFiles, bytes: readBytes },
    requests: client.counters.requests - c0.requests,
    sent: client.counters.sent - c0.sent,
    pulled: { upserts: applied.upserts, deletes: applied.deletes },
    papers: merged.core.papers.size,
    devices: devices.size,
    ignored,
    newer,
  };
}

/** The library as it was on `day` (YYYY-MM-DD): each device's last snapshot of that day or before, joined. */
export async function stateOnDay(client: DavClient, day: string, key?: CryptoKey | null): Promise<{ state: DavState; days: string[] }> {
  const listed = (await client.list(DATA_DIR)) ?? [];
  const snaps = listed.map((e) => parseName(e.name)).filter((f): f is FileName => !!f && f.kind === 'snapshot');
  const days = [...new Set(snaps.map((s) => s.day!))].sort();
  const best = new Map<string, FileName>();
  for (const s of snaps) if (s.day! <= day && (!best.has(s.device) || best.get(s.device)!.day! < s.day!)) best.set(s.device, s);
  const states: DavState[] = [];
  for (const f of best.values()) {
    const b = await client.get(DATA_DIR + f.name);
    if (!b) continue;
    try {
      states.push(await decodeFile(f, b, key));
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
    }
  }
  return { state: states.length ? mergeAll(states) : emptyDav(), days };
}
