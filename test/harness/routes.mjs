/**
 * Serves fixture pages at the real URLs (https://huggingface.co/papers…,
 * https://arxiv.org/list/…), so the extension's match patterns and the
 * adapters see exactly what they see in the wild. Nothing reaches the network:
 * any other request gets an empty answer.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoAnswer } from './demo.mjs';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

let expected;
/** expected.json: fixture file → { url, count, cards[] }. */
export function expectedFixtures() {
  expected ??= JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8'));
  return expected;
}

/** The fixture file for a real URL, matched on the whole URL, then on its path. */
export function fixtureFor(url) {
  const u = new URL(url);
  const all = Object.entries(expectedFixtures());
  const full = all.find(([, e]) => e.url === url);
  if (full) return full[0];
  const path = all.find(([, e]) => {
    const f = new URL(e.url);
    return f.host === u.host && f.pathname === u.pathname;
  });
  return path?.[0];
}

const PNG_1PX = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

let cardsById;
/** Every fixture card by id (title, authors): the demo draws thumbnails from them. */
function fixtureCards() {
  cardsById ??= new Map(Object.values(expectedFixtures()).flatMap((e) => e.cards.map((c) => [c.id, c])));
  return cardsById;
}

/** The Hugging Face paper API's fixtures (test/fixtures/api/, built from the seed by build.mjs there). */
const HF_API_FIXTURES = join(FIXTURES, 'api', 'hf-papers');

/**
 * `GET https://huggingface.co/api/papers/<id>`: the paper's JSON where there is a fixture for it,
 * else the API's own 404 ({"error": …}), so the caller falls back to arXiv.
 */
function hfPaperApi(id) {
  const file = /^\d{4}\.\d{4,5}$/.test(id) ? join(HF_API_FIXTURES, `${id}.json`) : null;
  if (file && existsSync(file)) return { status: 200, contentType: 'application/json; charset=utf-8', body: readFileSync(file) };
  return { status: 404, contentType: 'application/json; charset=utf-8', body: JSON.stringify({ error: 'Paper not found' }) };
}

/**
 * Decides the answer to one request. `pages` are per-test overrides
 * (url → html), checked first. `demo: true` (npm start only) also answers the
 * real sites' stylesheet and image URLs with our stand-ins (demo.mjs), so the
 * offline pages look like the real ones; tests leave it off.
 */
export function answer(url, pages = new Map(), { demo = false } = {}) {
  if (pages.has(url)) return { status: 200, contentType: 'text/html; charset=utf-8', body: pages.get(url) };
  if (demo) {
    const a = demoAnswer(url, FIXTURES, fixtureCards());
    if (a) return a;
  }
  const u = new URL(url);
  if (/\.(png|jpe?g|gif|webp|svg)$/i.test(u.pathname)) return { status: 200, contentType: 'image/png', body: PNG_1PX };
  const api = u.host === 'huggingface.co' && /^\/api\/papers\/(.+)$/.exec(u.pathname);
  if (api) return hfPaperApi(api[1]);
  if (u.host === 'huggingface.co' || u.host === 'arxiv.org') {
    const file = fixtureFor(url);
    if (file && existsSync(join(FIXTURES, file))) {
      return { status: 200, contentType: 'text/html; charset=utf-8', body: readFileSync(join(FIXTURES, file)) };
    }
    return { status: 404, contentType: 'text/html', body: `<!doctype html><title>404</title><h1>No fixture for ${u.pathname.replace(/</g, '')}</h1>` };
  }
  // Fonts, analytics, CDNs of the real pages: never fetched.
  return { status: 204, contentType: 'text/plain', body: '' };
}
