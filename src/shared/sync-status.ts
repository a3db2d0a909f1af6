/** What the options page shows of sync, kept by the background in storage.local. */
import * as v from 'valibot';
import { stored } from './stored';

export const SYNC_SETTINGS_KEY = 'papershelf.sync.settings';
export const SYNC_STATUS_KEY = 'papershelf.sync.status';
/** This browser's name in sync ("Firefox on Linux · k3j9"), made once by the background. */
export const SYNC_DEVICE_KEY = 'papershelf.sync.device';

export interface SyncSettings {
  enabled: boolean;
}

export interface SyncStatus {
  at: number;
  /** Papers synced, and papers left out for room (the oldest). */
  included: number;
  excluded: number;
  /** Notes left out for room, and of those the ones too long to sync through the browser at all. */
  notesLeftOut?: number;
  notesTooLong?: number;
  /** Removals written, and left out for room. */
  tombstones?: number;
  tombstonesLeftOut?: number;
  bytes?: number;
  /** A device whose clock was more than a day ahead when it last wrote (its name, and by how much). */
  ahead?: { device: string; ms: number };
  error?: string;
  /** After a failure: when the next try is due. */
  retryAt?: number;
}

const n = v.number();
/** The stored values, read through their schemas (stored.ts). */
export const SYNC_SETTINGS = stored(SYNC_SETTINGS_KEY, v.object({ enabled: v.boolean() }) satisfies v.GenericSchema<unknown, SyncSettings>, { enabled: true });
export const SYNC_STATUS = stored(
  SYNC_STATUS_KEY,
  v.object({
    at: n,
    included: n,
    excluded: n,
    notesLeftOut: v.optional(n),
    notesTooLong: v.optional(n),
    tombstones: v.optional(n),
    tombstonesLeftOut: v.optional(n),
    bytes: v.optional(n),
    ahead: v.optional(v.object({ device: v.string(), ms: n })),
    error: v.optional(v.string()),
    retryAt: v.optional(n),
  }) satisfies v.GenericSchema<unknown, SyncStatus>,
  null,
);
export const SYNC_DEVICE = stored(SYNC_DEVICE_KEY, v.string(), undefined);

/** Whether a round left anything out that the user should know of. */
export const leftOut = (s: SyncStatus | null | undefined): boolean =>
  !!s && !s.error && (s.excluded > 0 || (s.notesLeftOut ?? 0) > 0 || (s.tombstonesLeftOut ?? 0) > 0);

/** Bytes of a string in UTF-8, as Chrome counts a value's JSON; never less than `.length`. */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff)
      i++, (n += 2); // a pair: 2 units, 4 bytes
    else n += 2;
  }
  return n;
}

/**
 * Whether a note is too long to sync through the browser's sync at all: a paper's record
 * must fit one storage.sync item (8 kB, of which encode uses 95%), beside its id, tags and times.
 * About 7,000 characters of plain English; fewer in Chinese (3 bytes a character).
 */
export const noteTooLongToSync = (note: string): boolean => utf8Length(JSON.stringify(note)) > 7_200;
