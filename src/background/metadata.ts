/**
 * A paper saved from a link or a key press has only its id: its title,
 * authors and abstract are fetched at once, from two sources only (the
 * manifest's two host permissions):
 *
 * 1. the Hugging Face paper API (metadata/hf-api.ts);
 * 2. failing that, the arXiv abstract page's `citation_*` meta tags
 *    (metadata/arxiv-abs.ts).
 *
 * This file fetches them (no cookies, no referrer, a timeout, a size cap) behind
 * the limiter (metadata/limiter.ts). Whatever either source says goes through
 * the message schema (PaperRefSchema) before it is written; anything else
 * leaves the bare record as it is, completed later when a listing shows the
 * paper (annotate.ts sends `paper.complete`).
 *
 * At most one request a second, whatever the number of saves: one queue per
 * worker. The worker may be stopped with requests queued; those papers then
 * stay bare until seen on a listing, as before.
 */
import * as v from 'valibot';
import { PaperRefSchema } from '../shared/messages';
import type { PaperRef } from '../shared/model';
import { arxivAbsUrl, parseArxivAbs } from './metadata/arxiv-abs';
import type { Metadata } from './metadata/fields';
import { hfApiUrl, parseHfPaper } from './metadata/hf-api';
import { createLimiter, type Limiter } from './metadata/limiter';

/**
 * The bare record completed with what a source said, checked against the
 * message schema (the same door every other write goes through). Where the
 * bare record was saved, its URL, source and version stay.
 */
export function completedRef(bare: PaperRef, meta: Metadata | null): PaperRef | null {
  if (!meta) return null;
  const ref: PaperRef = { ...meta, id: bare.id, url: bare.url, source: bare.source, ...(bare.version ? { version: bare.version } : {}) };
  const r = v.safeParse(PaperRefSchema, ref);
  return r.success ? (r.output as PaperRef) : null;
}

// ---------------------------------------------------------------- fetching

export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

const TIMEOUT_MS = 15_000;
const MAX_BYTES = 4_000_000;

/** The body as text, or null past `max` bytes (read in chunks, never more than that held). */
async function readText(res: Response, max = MAX_BYTES): Promise<string | null> {
  const declared = Number(res.headers.get('content-length'));
  if (declared > max) return null;
  if (!res.body) return res.text();
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let out = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out + decoder.decode();
    bytes += value.byteLength;
    if (bytes > max) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    out += decoder.decode(value, { stream: true });
  }
}

/** A GET without cookies or referrer; the body as text on a 200 from the host asked, else null. Never throws. */
async function get(fetchFn: Fetch, url: string, accept: string): Promise<string | null> {
  try {
    const res = await fetchFn(url, {
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      headers: { accept },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    // A redirect elsewhere is not the answer asked for.
    if (!res.ok || (res.url && new URL(res.url).host !== new URL(url).host)) return null;
    return await readText(res);
  } catch {
    // Offline, refused (Firefox: host permission withheld), timed out: the bare record stays.
    return null;
  }
}

/** The metadata of one paper, from Hugging Face, else arXiv; null when neither answered usefully. */
export type MetadataSource = (id: string) => Promise<Metadata | null>;

/**
 * Both sources behind one limiter. A second ask for an id already on its way
 * shares the first one's answer.
 */
export function createMetadataSource(fetchFn: Fetch, limit: Limiter = createLimiter()): MetadataSource {
  const pending = new Map<string, Promise<Metadata | null>>();
  const lookup = async (id: string): Promise<Metadata | null> => {
    // Hugging Face has pages for new-style ids only; old-style ones (hep-th/9901001) go to arXiv.
    if (!id.includes('/')) {
      const body = await limit(() => get(fetchFn, hfApiUrl(id), 'application/json'));
      if (body) {
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = null;
        }
        const meta = parseHfPaper(json, id);
        if (meta) return meta;
      }
    }
    const html = await limit(() => get(fetchFn, arxivAbsUrl(id), 'text/html'));
    return html ? parseArxivAbs(html, id) : null;
  };
  return (id) => {
    let p = pending.get(id);
    if (!p) {
      p = lookup(id).finally(() => pending.delete(id));
      pending.set(id, p);
    }
    return p;
  };
}
