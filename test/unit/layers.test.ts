/**
 * Who may import whom (docs/architecture.md): a context (background, content script, popup,
 * options, welcome) imports shared code (shared/, ui/, library/, rank/) and its own folder, never
 * a sibling context's folder; shared code imports no context. What two contexts need lives in
 * shared/ (types, constants, helpers) or ui/ (components).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../../src');
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : /\.(ts|tsx)$/.test(f) ? [p] : [];
  });

/** The folders each folder of src/ may import from, besides itself. */
const MAY_IMPORT: Record<string, string[]> = {
  background: ['library', 'rank', 'shared'],
  content: ['shared'],
  popup: ['library', 'rank', 'shared', 'ui'],
  options: ['library', 'shared', 'ui'],
  welcome: ['library', 'shared', 'ui'],
  ui: ['library', 'shared'],
  library: ['rank', 'shared'],
  rank: [],
  // The locales' English messages, for the types of i18n keys.
  shared: ['public'],
};

/** Each relative import of `file` as [the folder of src/ it reaches, the line]. */
function importsOf(file: string, text = readFileSync(file, 'utf8')): [string, string][] {
  const out: [string, string][] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)['"](\.[^'"]+)['"]/gm)) {
    const target = relative(SRC, resolve(dirname(file), m[1]));
    out.push([target.startsWith('..') ? target.split('/').find((s) => s !== '..')! : target.split('/')[0], m[0]]);
  }
  return out;
}

describe('layers', () => {
  it('no folder of src/ imports from a folder it may not (a sibling context, or a context from shared code)', () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const file of sources(SRC)) {
      const from = relative(SRC, file).split('/')[0];
      if (!(from in MAY_IMPORT)) continue;
      for (const [to, line] of importsOf(file)) {
        checked++;
        if (to !== from && !MAY_IMPORT[from].includes(to)) wrong.push(`${relative(SRC, file)}: ${line}`);
      }
    }
    expect(checked).toBeGreaterThan(200);
    expect(wrong).toEqual([]);
  });

  it('sees an import across contexts where there is one', () => {
    // Positive control: the reading of imports resolves paths as the bundler does.
    const text = `import { a } from '../popup/query';\nimport { b } from './Sync';\nconst c = await import('../../src/library/db');`;
    expect(importsOf(join(SRC, 'options/x.tsx'), text).map(([to]) => to)).toEqual(['popup', 'options', 'library']);
  });
});
