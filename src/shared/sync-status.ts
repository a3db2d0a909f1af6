/** What the options page shows of sync, kept by the background in storage.local. */
export const SYNC_SETTINGS_KEY = 'papershelf.sync.settings';
export const SYNC_STATUS_KEY = 'papershelf.sync.status';

export interface SyncSettings {
  enabled: boolean;
}

export interface SyncStatus {
  at: number;
  included: number;
  excluded: number;
  bytes?: number;
  error?: string;
  /** After a failure: when the next try is due. */
  retryAt?: number;
}
