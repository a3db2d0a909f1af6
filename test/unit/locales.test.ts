/**
 * Every string the user sees comes from public/_locales (src/shared/i18n.ts). Here: every
 * locale has every key, with the same substitutions; the manifest's __MSG_…__ names exist;
 * every key is used and every key used exists; Chinese is translated (not a copy of the
 * English); and no user-facing literal is left in the UI sources (a scan with known shapes).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parts, t, tn } from '../../src/shared/i18n';

type Messages = Record<string, { message: string; description?: string; placeholders?: unknown }>;
const DIR = 'public/_locales';
const locales = readdirSync(DIR).sort();
const read = (loc: string): Messages => JSON.parse(readFileSync(join(DIR, loc, 'messages.json'), 'utf8'));
const en = read('en');
const keys = Object.keys(en).sort();

function files(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files(p, out);
    else if (/\.(ts|tsx)$/.test(name)) out.push(p);
  }
  return out;
}
const sources = files('src').map((path) => ({ path, text: readFileSync(path, 'utf8') }));
const allSource = sources.map((s) => s.text).join('\n') + readFileSync('manifest.json', 'utf8');
const subs = (m: string) => [...new Set(m.match(/\$[1-9]/g) ?? [])].sort().join(' ');

/** Keys whose Chinese may equal the English (not words: a tag, a symbol). */
const SAME_IN_ZH = new Set<string>(['locale']);

describe('locales', () => {
  it('are English and Simplified Chinese, English the default', () => {
    expect(locales).toEqual(['en', 'zh_CN']);
    const manifest = JSON.parse(readFileSync('manifest.json', 'utf8'));
    expect(manifest.default_locale).toBe('en');
    expect(keys.length).toBeGreaterThan(100);
  });

  for (const loc of locales) {
    it(`${loc}: every key, no other, each a non-empty message with the English substitutions`, () => {
      const m = read(loc);
      expect(Object.keys(m).sort()).toEqual(keys);
      for (const k of keys) {
        expect(typeof m[k].message, k).toBe('string');
        expect(m[k].message.trim(), k).not.toBe('');
        expect(subs(m[k].message), `${loc} ${k}`).toBe(subs(en[k].message));
        // Named placeholders are not used: $1… only, the same way in both browsers.
        expect(m[k].placeholders, k).toBeUndefined();
        expect(/^[A-Za-z0-9_]+$/.test(k), k).toBe(true);
      }
    });
  }

  it('zh_CN is translated: Chinese in every message but a listed few', () => {
    const zh = read('zh_CN');
    // A message of punctuation around its substitutions (a list separator) has nothing to translate.
    const words = (k: string) => /[A-Za-z]/.test(en[k].message.replace(/\$[1-9$]/g, ''));
    const untranslated = keys.filter((k) => !SAME_IN_ZH.has(k) && words(k) && !/[\u3400-\u9fff]/.test(zh[k].message));
    expect(untranslated).toEqual([]);
  });

  it('plural pairs are whole, and $1 is their count', () => {
    for (const k of keys.filter((k) => k.endsWith('_one'))) {
      const base = k.slice(0, -4);
      expect(keys, base).toContain(`${base}_other`);
      expect(en[k].message, k).toContain('$1');
      expect(en[`${base}_other`].message, k).toContain('$1');
    }
    for (const k of keys.filter((k) => k.endsWith('_other'))) expect(keys).toContain(`${k.slice(0, -6)}_one`);
  });

  it("the manifest's __MSG_ names exist", () => {
    const names = [...readFileSync('manifest.json', 'utf8').matchAll(/__MSG_(\w+)__/g)].map((m) => m[1]);
    expect(names).toEqual(expect.arrayContaining(['extName', 'extDescription']));
    for (const n of names) expect(keys, n).toContain(n);
  });

  it('every key is used in src/ or the manifest (written out in full), and every key used exists', () => {
    const unused = keys.filter((k) => {
      const base = k.replace(/_(one|other)$/, '');
      return !new RegExp(`['"\`_]${base}['"\`_]`).test(allSource);
    });
    expect(unused).toEqual([]);
    const used = [...allSource.matchAll(/\b(?:t|tn|parts)\(\s*'(\w+)'/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(100);
    for (const k of used) expect(keys.includes(k) || keys.includes(`${k}_one`), k).toBe(true);
  });
});

describe('i18n.ts', () => {
  it('fills $1… in order, plural forms by count, and elements between the pieces', () => {
    const k = keys.find((k) => subs(en[k].message) === '$1 $2')!;
    expect(k).toBeTruthy();
    const filled = t(k as never, 'AAA', 'BBB');
    expect(filled).toContain('AAA');
    expect(filled).toContain('BBB');
    expect(filled).not.toMatch(/\$[1-9]/);
    const one = keys.find((k) => k.endsWith('_one') && subs(en[k].message) === '$1')!.slice(0, -4);
    expect(tn(one as never, 1)).toBe(en[`${one}_one`].message.replace('$1', '1'));
    expect(tn(one as never, 1234)).toContain('1,234');
    const el = { element: true };
    const pieces = parts(k as never, el, el);
    expect(pieces.filter((p) => p === el)).toHaveLength(2);
    expect(pieces.filter((p) => typeof p === 'string').join('')).toBe(en[k].message.replace(/\$[1-9]/g, ''));
  });
});

describe('i18n.ts after the extension context is gone (a content script left by a reload)', () => {
  it('still has every message it read before, and never throws', () => {
    const api = (globalThis as unknown as { chrome: { i18n: { getMessage: (...a: unknown[]) => string } } }).chrome.i18n;
    const real = api.getMessage;
    expect(t('card_reload')).toBe(en.card_reload.message);
    const unread = 'cmdOpen'; // named only in the manifest: read by nothing before
    api.getMessage = () => {
      throw new Error('Extension context invalidated.');
    };
    try {
      expect(t('card_reload')).toBe(en.card_reload.message);
      expect(t(unread as never)).toBe(unread);
    } finally {
      api.getMessage = real;
    }
    // Not kept as missing: read again once the API answers.
    expect(t(unread as never)).toBe(en[unread].message);
  });
});

/**
 * Shapes of a user-facing literal in the UI sources. A scan, not a parser: it finds the usual
 * ways a string reaches the screen. A line ending in `// i18n: not shown` is skipped.
 */
const UI = /^src\/(popup|options|welcome|ui|content|background)\//;
const SHAPES: [string, RegExp, RegExp?][] = [
  ['JSX text', /(?<![=-])>\s*[^<>{}=;&|()]*[A-Za-z]{3,}[^<>{}=;&|()]*\s*<\/?[a-zA-Z]/, /\.tsx$/],
  // A line of prose alone between JSX tags.
  ['JSX text line', /^\s*[A-Za-z][A-Za-z'’“”…—–-]*(\s+[A-Za-z'’“”…—–-]+[,.:]?){2,}[.!?…]?\s*$/, /\.tsx$/],
  ['attribute', /\b(aria-label|aria-description|title|placeholder|alt|label)=["'][^"']*[A-Za-z]{2,}/],
  ['DOM text', /\.(textContent|innerText|title|placeholder|ariaLabel|alt)\s*=\s*['"`][^'"`]*[A-Za-z]{2,}/],
  ['DOM attribute', /setAttribute\(\s*['"](aria-label|title|placeholder|alt|aria-description)['"]\s*,\s*['"`][^'"`]*[A-Za-z]{2,}/],
  ['dialog', /\b(confirm|alert|prompt)\(\s*['"`][^'"`]*[A-Za-z]{2,}/],
  ['menu/action title', /\btitle:\s*['"`][^'"`]*[A-Za-z]{3,}/],
];

describe('no user-facing literal left in the UI sources', () => {
  it('matches none of the known shapes', () => {
    const found: string[] = [];
    for (const { path, text } of sources.filter((s) => UI.test(s.path))) {
      text.split('\n').forEach((line, i) => {
        const code = line.trim();
        if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/*') || line.includes('// i18n: not shown')) return;
        for (const [what, re, only] of SHAPES) if ((!only || only.test(path)) && re.test(line)) found.push(`${path}:${i + 1} ${what}: ${code.slice(0, 100)}`);
      });
    }
    expect(found).toEqual([]);
  });
});
