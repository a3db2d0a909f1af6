/**
 * Dressing for the offline demo (`npm start` without network, or --demo): the
 * fixture pages link the real sites' stylesheets and images, which are never
 * fetched. For the demo only, routes.mjs answers those URLs from here: our own
 * stylesheets (test/fixtures/demo/*.css) and drawn stand-ins for thumbnails,
 * avatars and logos. The browser tests do not use any of it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** @param {string} fixtures the test/fixtures folder */
export function demoAnswer(url, fixtures, cards) {
  const u = new URL(url);
  const css = (name) => ({ status: 200, contentType: 'text/css; charset=utf-8', body: readFileSync(join(fixtures, 'demo', name)) });
  const svg = (body) => ({ status: 200, contentType: 'image/svg+xml', body });

  // huggingface.co/front/build/<build>/style.css
  if (u.host === 'huggingface.co' && /^\/front\/build\/[^/]+\/style\.css$/.test(u.pathname)) return css('hf.css');
  // static.arxiv.org/static/browse/<version>/css/arXiv.css
  if (u.host === 'static.arxiv.org' && /\/css\/arXiv\.css$/.test(u.pathname)) return css('arxiv.css');

  if (u.host === 'huggingface.co' && /huggingface_logo[^/]*\.svg$/.test(u.pathname)) return svg(HF_LOGO);
  if (u.host === 'cdn-thumbnails.huggingface.co') {
    const id = /\/papers\/(.+)\.png$/.exec(u.pathname)?.[1];
    return svg(thumbnail(cards.get(id) ?? { title: id ?? 'Untitled' }));
  }
  if (u.host === 'cdn-avatars.huggingface.co') return svg(avatar(u.pathname));
  if (u.host === 'static.arxiv.org' && /arxiv-logo-one-color-white\.svg$/.test(u.pathname)) return svg(ARXIV_LOGO);
  if (u.host === 'static.arxiv.org' && /cornell-reduced-white[^/]*\.svg$/.test(u.pathname)) return svg(CORNELL_LOGO);
  return undefined;
}

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Greedy word wrap at `width` characters, at most `max` lines. */
function wrap(text, width, max) {
  const lines = [];
  let line = '';
  for (const w of String(text).split(/\s+/)) {
    if (line && (line + ' ' + w).length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  if (lines.length > max) {
    lines.length = max;
    lines[max - 1] = lines[max - 1].replace(/\s*\S*$/, ' …');
  }
  return lines;
}

function hash(s) {
  let h = 2166136261;
  for (const c of s) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d); // spread the low bits (hues of similar paths)
  return (h ^ (h >>> 13)) >>> 0;
}

/** The first page of a paper, as Hugging Face's social thumbnails show it: title, authors, abstract, two columns. */
function thumbnail({ title, authors = [] }) {
  const W = 1200;
  const titleLines = wrap(
    title.replace(/\$[^$]*\$/g, (m) => m.slice(1, -1)),
    46,
    3,
  );
  let y = 120;
  const out = [];
  for (const l of titleLines) {
    out.push(
      `<text x="${W / 2}" y="${y}" text-anchor="middle" font-family="Georgia, 'Times New Roman', serif" font-size="44" font-weight="bold" fill="#111">${esc(l)}</text>`,
    );
    y += 56;
  }
  y += 14;
  const names = authors.slice(0, 6).join('   ');
  out.push(
    `<text x="${W / 2}" y="${y}" text-anchor="middle" font-family="Georgia, 'Times New Roman', serif" font-size="24" fill="#333">${esc(names || 'Anonymous authors')}</text>`,
  );
  y += 34;
  out.push(
    `<text x="${W / 2}" y="${y}" text-anchor="middle" font-family="Georgia, 'Times New Roman', serif" font-size="20" font-style="italic" fill="#555">University · Institute · Lab</text>`,
  );
  y += 56;
  out.push(
    `<text x="${W / 2}" y="${y}" text-anchor="middle" font-family="Georgia, 'Times New Roman', serif" font-size="26" font-weight="bold" fill="#111">Abstract</text>`,
  );
  y += 22;
  const seed = hash(title);
  // The abstract: a narrower justified block, then two columns of body text.
  for (let i = 0; i < 7; i++, y += 22) {
    const end = i === 6 ? 420 + ((seed >> i) % 300) : 900;
    out.push(`<rect x="150" y="${y}" width="${end}" height="9" rx="2" fill="#c9c9c9"/>`);
  }
  y += 24;
  out.push(`<rect x="90" y="${y}" width="240" height="14" rx="2" fill="#8a8a8a"/>`);
  out.push(`<rect x="630" y="${y}" width="200" height="14" rx="2" fill="#8a8a8a"/>`);
  y += 32;
  for (let i = 0; i < 12; i++, y += 22) {
    out.push(`<rect x="90" y="${y}" width="${i % 5 === 4 ? 300 : 480}" height="9" rx="2" fill="#d0d0d0"/>`);
    out.push(`<rect x="630" y="${y}" width="${(i + 2) % 6 === 5 ? 260 : 480}" height="9" rx="2" fill="#d0d0d0"/>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y + 40}" viewBox="0 0 ${W} ${y + 40}"><rect width="100%" height="100%" fill="#fff"/>${out.join('')}</svg>`;
}

/** Hugging Face's default avatar look: a soft two-colour gradient disc, one per user. */
function avatar(path) {
  const h = hash(path);
  const a = h % 360;
  const b = (a + 40 + ((h >> 9) % 80)) % 360;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${a} 75% 62%)"/><stop offset="1" stop-color="hsl(${b} 70% 48%)"/></linearGradient></defs><circle cx="32" cy="32" r="32" fill="url(#g)"/></svg>`;
}

/** A hugging-face emoji: yellow face, eyes, smile, two hands. */
const HF_LOGO = `<svg xmlns="http://www.w3.org/2000/svg" width="95" height="88" viewBox="0 0 95 88"><circle cx="47.5" cy="42" r="38" fill="#FFD21E"/><circle cx="47.5" cy="42" r="38" fill="none" stroke="#FF9D0B" stroke-width="3"/><ellipse cx="33" cy="34" rx="5" ry="6" fill="#3A3B45"/><ellipse cx="62" cy="34" rx="5" ry="6" fill="#3A3B45"/><path d="M30 50c5 10 30 10 35 0" fill="#3A3B45"/><path d="M36 56c6 5 17 5 23 0" fill="#FF323D"/><path d="M8 62c4-6 12-8 16-2l6 10c2 4-2 8-6 7L10 72c-4-2-5-6-2-10z" fill="#FF9D0B"/><path d="M87 62c-4-6-12-8-16-2l-6 10c-2 4 2 8 6 7l14-5c4-2 5-6 2-10z" fill="#FF9D0B"/></svg>`;

const ARXIV_LOGO = `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="50" viewBox="0 0 120 50"><text x="2" y="38" font-family="Georgia, 'Times New Roman', serif" font-size="38" fill="#fff">ar<tspan font-size="44" font-weight="bold">X</tspan>iv</text></svg>`;

const CORNELL_LOGO = `<svg xmlns="http://www.w3.org/2000/svg" width="170" height="40" viewBox="0 0 170 40"><circle cx="20" cy="20" r="15" fill="none" stroke="#fff" stroke-width="2"/><text x="20" y="26" text-anchor="middle" font-family="Georgia, serif" font-size="16" fill="#fff">C</text><text x="44" y="26" font-family="Georgia, 'Times New Roman', serif" font-size="17" fill="#fff">Cornell University</text></svg>`;
