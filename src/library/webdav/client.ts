/**
 * A small WebDAV client over fetch: only the methods every server does the
 * same way (PROPFIND Depth 0/1, GET, PUT, MOVE with Overwrite: F, DELETE,
 * MKCOL), no locks, no If-Match, no ETags (rclone ignores If-Match,
 * webdav-server ignores If-None-Match, nginx lists no ETag). Works in a
 * service worker (no DOMParser there: listings are read with a tolerant
 * scan of the XML). Counts requests and bytes sent, for the status line and the bench.
 *
 * A verified write (`putVerified`): the bytes go to a temporary name, are
 * checked there (read back whole when small, their size when large), then
 * moved to their final name without overwriting. A final name is the hash of
 * the content, so 412 (the name exists) is a success once its content is ours.
 */
import { sha256Hex } from './format';
import { errorText } from '../../shared/errors';

export class DavError extends Error {
  constructor(
    public status: number,
    public method: string,
    public path: string,
    detail = '',
  ) {
    super(`${method} ${path}: ${status ? `HTTP ${status}` : 'no answer'}${detail ? ` (${detail})` : ''}`);
    this.name = 'DavError';
  }
}

export interface Entry {
  /** The last segment of the path, decoded. */
  name: string;
  size: number;
  dir: boolean;
}

export interface DavAuth {
  user: string;
  password: string;
}

export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

export interface Counters {
  requests: number;
  sent: number;
  received: number;
}

/** Bytes of a header block as sent (approximate: what fetch adds is not seen). */
const headerBytes = (method: string, url: string, h: Record<string, string>) =>
  method.length + url.length + 12 + Object.entries(h).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);

function basic({ user, password }: DavAuth): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return `Basic ${btoa(s)}`;
}

const PROPFIND_BODY = '<?xml version="1.0" encoding="utf-8"?><propfind xmlns="DAV:"><prop><resourcetype/><getcontentlength/></prop></propfind>';

/** Reads a multistatus answer: one entry per <response>, whatever the namespace prefixes. */
export function parseMultistatus(xml: string): { href: string; size: number; dir: boolean }[] {
  const plain = xml.replace(/<(\/?)[A-Za-z_][\w.-]*:/g, '<$1');
  const out: { href: string; size: number; dir: boolean }[] = [];
  for (const m of plain.matchAll(/<response(?:\s[^>]*)?>([\s\S]*?)<\/response>/g)) {
    const body = m[1];
    const href = /<href(?:\s[^>]*)?>([\s\S]*?)<\/href>/.exec(body)?.[1]?.trim();
    if (!href) continue;
    const len = /<getcontentlength(?:\s[^>]*)?>\s*(\d+)\s*<\/getcontentlength>/.exec(body);
    const dir = /<resourcetype(?:\s[^>]*)?>[\s\S]*?<collection\b/.test(body);
    out.push({
      href: href
        .replace(/&amp;/g, '&')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'"),
      size: len ? Number(len[1]) : -1,
      dir,
    });
  }
  return out;
}

function lastSegment(href: string): string {
  const path = href.replace(/^[a-z]+:\/\/[^/]+/i, '').replace(/\/+$/, '');
  const seg = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(seg);
  } catch {
    return seg;
  }
}

/** Small files are read back whole after upload (hash check); larger ones by size. */
export const READ_BACK_MAX = 256 * 1024;

export class DavClient {
  readonly counters: Counters = { requests: 0, sent: 0, received: 0 };
  private readonly base: string;

  constructor(
    base: string,
    private auth: DavAuth,
    private fetcher: Fetch = (u, i) => fetch(u, i),
  ) {
    this.base = base.endsWith('/') ? base : `${base}/`;
  }

  url(path: string): string {
    return this.base + path.split('/').map(encodeURIComponent).join('/');
  }

  async request(method: string, path: string, init: { headers?: Record<string, string>; body?: Uint8Array | string } = {}): Promise<Response> {
    const headers: Record<string, string> = { Authorization: basic(this.auth), ...init.headers };
    const url = this.url(path);
    this.counters.requests++;
    const body = init.body;
    this.counters.sent += headerBytes(method, url, headers) + (body === undefined ? 0 : typeof body === 'string' ? body.length : body.byteLength);
    // Bytes go as a Blob: Chromium sends a 17 MB Uint8Array body from the worker's own thread,
    // piece by piece (7-8 s for a snapshot of 10,000 papers on a loaded machine), a Blob from
    // its blob storage (1.6 s, plus under 1 s to make the Blob).
    const sent = body instanceof Uint8Array ? new Blob([body as BlobPart]) : body;
    let res: Response;
    try {
      // credentials: 'omit': no cookies, no stored logins, and no browser login prompt on a 401.
      res = await this.fetcher(url, { method, headers, body: sent, credentials: 'omit', cache: 'no-store', redirect: 'follow' });
    } catch (e) {
      throw new DavError(0, method, path, errorText(e));
    }
    return res;
  }

  private async fail(res: Response, method: string, path: string): Promise<never> {
    await res.body?.cancel().catch(() => {});
    throw new DavError(res.status, method, path);
  }

  /** Lists a folder (Depth 1), without the folder itself; null when it does not exist. */
  async list(dir: string): Promise<Entry[] | null> {
    const res = await this.request('PROPFIND', dir, { headers: { Depth: '1', 'Content-Type': 'application/xml; charset=utf-8' }, body: PROPFIND_BODY });
    if (res.status === 404) return (await res.body?.cancel(), null);
    if (res.status !== 207) return this.fail(res, 'PROPFIND', dir);
    const text = await res.text();
    this.counters.received += text.length;
    const norm = (href: string) => {
      const p = href.replace(/^[a-z]+:\/\/[^/]+/i, '').replace(/\/+$/, '');
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    };
    const self = norm(new URL(this.url(dir)).pathname);
    return parseMultistatus(text)
      .filter((r) => norm(r.href) !== self)
      .map((r) => ({ name: lastSegment(r.href), size: r.size, dir: r.dir }));
  }

  /** The size of one file (PROPFIND Depth 0); null when it is not there. */
  async size(path: string): Promise<number | null> {
    const res = await this.request('PROPFIND', path, { headers: { Depth: '0', 'Content-Type': 'application/xml; charset=utf-8' }, body: PROPFIND_BODY });
    if (res.status === 404) return (await res.body?.cancel(), null);
    if (res.status !== 207) return this.fail(res, 'PROPFIND', path);
    const rows = parseMultistatus(await res.text());
    return rows[0]?.size ?? null;
  }

  /** A file's bytes; null when it is not there. */
  async get(path: string): Promise<Uint8Array | null> {
    const res = await this.request('GET', path);
    if (res.status === 404) return (await res.body?.cancel(), null);
    if (res.status !== 200) return this.fail(res, 'GET', path);
    // Read as a Blob first: in Chromium, arrayBuffer() of a 17 MB answer took 1.8-2.1 s on a
    // loaded machine, blob() then its arrayBuffer() 0.4-0.6 s.
    const b = new Uint8Array(await (await res.blob()).arrayBuffer());
    this.counters.received += b.byteLength;
    return b;
  }

  async put(path: string, body: Uint8Array | string, type = 'application/json'): Promise<void> {
    const res = await this.request('PUT', path, { headers: { 'Content-Type': type }, body });
    if (res.status !== 200 && res.status !== 201 && res.status !== 204) return this.fail(res, 'PUT', path);
    await res.body?.cancel().catch(() => {});
  }

  /** Moves without overwriting: true when moved, false when the destination exists (412). */
  async move(from: string, to: string): Promise<boolean> {
    const res = await this.request('MOVE', from, { headers: { Destination: this.url(to), Overwrite: 'F' } });
    await res.body?.cancel().catch(() => {});
    if (res.status === 201 || res.status === 204) return true;
    if (res.status === 412) return false;
    return this.fail(res, 'MOVE', from);
  }

  /** Deletes; a file already gone is fine. */
  async delete(path: string): Promise<void> {
    const res = await this.request('DELETE', path);
    await res.body?.cancel().catch(() => {});
    if (res.status !== 200 && res.status !== 204 && res.status !== 404) return this.fail(res, 'DELETE', path);
  }

  /** Makes a folder; one that exists is fine (405). */
  async mkcol(path: string): Promise<void> {
    const res = await this.request('MKCOL', path);
    await res.body?.cancel().catch(() => {});
    if (res.status !== 201 && res.status !== 405 && res.status !== 200) return this.fail(res, 'MKCOL', path);
  }

  /**
   * Writes `bytes` at `path` through a temporary name in the same folder, checked
   * before it is moved. Never overwrites: the names written this way are
   * immutable (named by their content), so an existing one is accepted once its
   * content is checked to be these bytes.
   */
  async putVerified(dir: string, name: string, bytes: Uint8Array, tmpName: string, hash?: string): Promise<void> {
    const tmp = dir + tmpName;
    const final = dir + name;
    await this.put(tmp, bytes);
    try {
      if (bytes.byteLength <= READ_BACK_MAX) {
        const back = await this.get(tmp);
        if (!back || back.byteLength !== bytes.byteLength || (await sha256Hex(back)) !== (hash ?? (await sha256Hex(bytes)))) {
          throw new DavError(0, 'PUT', tmp, `the server kept ${back ? back.byteLength : 'none'} of ${bytes.byteLength} bytes`);
        }
      } else {
        const size = await this.size(tmp);
        if (size !== bytes.byteLength) throw new DavError(0, 'PUT', tmp, `the server kept ${size ?? 'none'} of ${bytes.byteLength} bytes`);
      }
      if (await this.move(tmp, final)) return;
      // 412: the name exists. It is ours only if its content is these bytes.
      const there = await this.get(final);
      if (!there || (await sha256Hex(there)) !== (hash ?? (await sha256Hex(bytes)))) throw new DavError(412, 'MOVE', final, 'a different file holds this name');
      await this.delete(tmp);
    } catch (e) {
      await this.delete(tmp).catch(() => {});
      throw e;
    }
  }
}
