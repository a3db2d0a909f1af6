/**
 * Optional end-to-end encryption of the folder: a passphrase, PBKDF2-SHA-256
 * (600,000 iterations, OWASP's figure for it) into an AES-GCM-256 key, all in
 * WebCrypto (extension pages and workers have it, Node 20 too). The server
 * holds `keyinfo.json` (salt, iterations, and a verifier: a known text
 * encrypted with the key) and files it cannot read. A wrong passphrase fails
 * the verifier: a clear error before anything is written.
 */
import { FORMAT, MAGIC, fromUtf8, utf8 } from './format';

export const ITERATIONS = 600_000;
const VERIFIER = 'papershelf-webdav-verifier';

export interface KeyInfo {
  papershelf: 'papershelf-webdav-keyinfo';
  format: number;
  kdf: { name: 'PBKDF2'; hash: 'SHA-256'; iterations: number; salt: string };
  cipher: 'AES-GCM';
  verifier: { iv: string; data: string };
}

export interface EncryptedFile {
  papershelf: typeof MAGIC;
  format: number;
  encrypted: { cipher: 'AES-GCM'; iv: string; data: string };
}

export class WrongPassphraseError extends Error {
  constructor() {
    super('wrong passphrase');
    this.name = 'WrongPassphraseError';
  }
}

export function b64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
export function unb64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

/** The raw key bytes for a passphrase (kept in storage.local instead of the passphrase). */
export async function deriveRaw(passphrase: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const base = await crypto.subtle.importKey('raw', utf8(passphrase.normalize('NFC')) as BufferSource, 'PBKDF2', false, ['deriveBits']);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations }, base, 256));
}

export const importKey = (raw: Uint8Array) => crypto.subtle.importKey('raw', raw as BufferSource, 'AES-GCM', false, ['encrypt', 'decrypt']);

async function seal(key: CryptoKey, plain: Uint8Array): Promise<{ iv: string; data: string }> {
  const iv = random(12);
  const data = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: iv as BufferSource }, key, plain as BufferSource));
  return { iv: b64(iv), data: b64(data) };
}

async function open(key: CryptoKey, box: { iv: string; data: string }): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: unb64(box.iv) as BufferSource }, key, unb64(box.data) as BufferSource));
}

/** A new keyinfo for a passphrase, and its raw key. */
export async function newKeyInfo(passphrase: string, iterations = ITERATIONS): Promise<{ info: KeyInfo; raw: Uint8Array }> {
  const salt = random(16);
  const raw = await deriveRaw(passphrase, salt, iterations);
  const verifier = await seal(await importKey(raw), utf8(VERIFIER));
  return {
    info: {
      papershelf: 'papershelf-webdav-keyinfo',
      format: FORMAT,
      kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations, salt: b64(salt) },
      cipher: 'AES-GCM',
      verifier,
    },
    raw,
  };
}

export function parseKeyInfo(j: unknown): KeyInfo {
  const k = j as KeyInfo;
  if (
    k?.papershelf !== 'papershelf-webdav-keyinfo' ||
    k.kdf?.name !== 'PBKDF2' ||
    k.kdf.hash !== 'SHA-256' ||
    !Number.isInteger(k.kdf.iterations) ||
    typeof k.kdf.salt !== 'string' ||
    typeof k.verifier?.iv !== 'string'
  ) {
    throw new Error('keyinfo.json is not a PaperShelf key file');
  }
  return k;
}

/** The raw key for a passphrase against the folder's keyinfo; WrongPassphraseError when the verifier says no. */
export async function unlock(info: KeyInfo, passphrase: string): Promise<Uint8Array> {
  const raw = await deriveRaw(passphrase, unb64(info.kdf.salt), info.kdf.iterations);
  try {
    if (fromUtf8(await open(await importKey(raw), info.verifier)) === VERIFIER) return raw;
  } catch {
    // AES-GCM's tag did not match: another key
  }
  throw new WrongPassphraseError();
}

export async function encryptBody(key: CryptoKey, plain: Uint8Array): Promise<Uint8Array> {
  const file: EncryptedFile = { papershelf: MAGIC, format: FORMAT, encrypted: { cipher: 'AES-GCM', ...(await seal(key, plain)) } };
  return utf8(JSON.stringify(file));
}

export const isEncrypted = (j: unknown): j is EncryptedFile => typeof j === 'object' && j !== null && 'encrypted' in j;

export async function decryptBody(key: CryptoKey, file: EncryptedFile): Promise<Uint8Array> {
  try {
    return await open(key, file.encrypted);
  } catch {
    throw new WrongPassphraseError();
  }
}
