/** What the options page and the background share of WebDAV sync, kept in storage.local. */
import * as v from 'valibot';
import { stored } from './stored';

export const WEBDAV_SETTINGS_KEY = 'papershelf.webdav.settings';
export const WEBDAV_STATUS_KEY = 'papershelf.webdav.status';

/**
 * The connection. The password and the encryption key (derived from the passphrase, never the
 * passphrase itself) stay in this browser's storage.local; see the README's Privacy section.
 */
export interface WebDavSettings {
  url: string;
  user: string;
  password: string;
  /** AES-GCM key (base64) when the folder is encrypted. */
  key?: string;
  /** This browser's name in the folder (its files are d-<device>-…). */
  device: string;
}

/** What kind of failure, so the page can say what the user can do. */
export type WebDavErrorKind = 'auth' | 'full' | 'busy' | 'unreachable' | 'passphrase' | 'encrypted' | 'newer' | 'permission' | 'other';

export interface WebDavStatus {
  at: number;
  ok?: {
    sentFiles: number;
    sentBytes: number;
    receivedFiles: number;
    receivedBytes: number;
    requests: number;
    papers: number;
    devices: number;
    pulled: number;
  };
  error?: { kind: WebDavErrorKind; status?: number; message: string };
  /** After a failure: when the next try is due. */
  retryAt?: number;
}

const n = v.number();
const KINDS = ['auth', 'full', 'busy', 'unreachable', 'passphrase', 'encrypted', 'newer', 'permission', 'other'] as const satisfies readonly WebDavErrorKind[];
/** The stored values, read through their schemas (stored.ts). */
export const WEBDAV_SETTINGS = stored(
  WEBDAV_SETTINGS_KEY,
  v.object({ url: v.string(), user: v.string(), password: v.string(), key: v.optional(v.string()), device: v.string() }) satisfies v.GenericSchema<
    unknown,
    WebDavSettings
  >,
  null,
);
export const WEBDAV_STATUS = stored(
  WEBDAV_STATUS_KEY,
  v.object({
    at: n,
    ok: v.optional(v.object({ sentFiles: n, sentBytes: n, receivedFiles: n, receivedBytes: n, requests: n, papers: n, devices: n, pulled: n })),
    error: v.optional(v.object({ kind: v.picklist(KINDS), status: v.optional(n), message: v.string() })),
    retryAt: v.optional(n),
  }) satisfies v.GenericSchema<unknown, WebDavStatus>,
  null,
);

/** The kind of an error thrown by a round or a connect (by class name and HTTP status, never by text). */
export function errorKind(e: unknown): { kind: WebDavErrorKind; status?: number } {
  const name = e instanceof Error ? e.name : '';
  const status = (e as { status?: number })?.status;
  if (name === 'WrongPassphraseError') return { kind: 'passphrase' };
  if (name === 'EncryptedFolderError') return { kind: 'encrypted' };
  if (name === 'FormatError') return { kind: 'newer' };
  if (name === 'DavError') {
    if (status === 401 || status === 403) return { kind: 'auth', status };
    if (status === 507) return { kind: 'full', status };
    if (status === 0) return { kind: 'unreachable', status };
    if (status === 423 || (status !== undefined && status >= 500)) return { kind: 'busy', status };
    return { kind: 'other', status };
  }
  if (e instanceof TypeError) return { kind: 'unreachable' };
  return { kind: 'other' };
}
