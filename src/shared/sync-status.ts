/** What the options page shows of sync, kept by the background in storage.local. */
export const SYNC_SETTINGS_KEY = 'papershelf.sync.settings';
export const SYNC_STATUS_KEY = 'papershelf.sync.status';

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

/** Whether a round left anything out that the user should know of. */
export const leftOut = (s: SyncStatus | null | undefined): boolean =>
  !!s && !s.error && (s.excluded > 0 || (s.notesLeftOut ?? 0) > 0 || (s.tombstonesLeftOut ?? 0) > 0);
