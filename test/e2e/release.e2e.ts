/**
 * What the stores check, checked here first: the source archive rebuilds
 * dist/firefox byte for byte; neither build has eval, new Function or remote
 * scripts; every permission asked for is used; one version everywhere.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve('.');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
// Vitest sets NODE_ENV=test, which makes a development build (with file paths in it).
const BUILD_ENV = Object.fromEntries(Object.entries({ ...process.env, NODE_ENV: 'production' }).filter(([k]) => !k.startsWith('VITEST')));
const build = (cwd: string) => execFileSync('npx', ['vite', 'build', '--mode', 'firefox', '--logLevel', 'error'], { cwd, stdio: 'pipe', env: BUILD_ENV });
const tree = (dir: string) => new Map(files(dir).map((f) => [relative(dir, f), readFileSync(f)]));

describe('release', () => {
  for (const target of ['chrome', 'firefox']) {
    it(`dist/${target} has no eval, no new Function, no remote script`, () => {
      const dir = join(ROOT, 'dist', target);
      expect(existsSync(dir), `${dir} missing: run npm run build`).toBe(true);
      const js = files(dir).filter((f) => /\.(js|html)$/.test(f));
      expect(js.length).toBeGreaterThan(2);
      for (const f of js) {
        const text = readFileSync(f, 'utf8');
        expect(text, f).not.toMatch(/\beval\s*\(/);
        expect(text, f).not.toMatch(/new\s+Function\s*\(/);
        expect(text, f).not.toMatch(/<script[^>]+src=["']https?:/i);
        expect(text, f).not.toMatch(/import\s*\(\s*["']https?:/);
        expect(text, f).not.toMatch(/importScripts\s*\(\s*["']https?:/);
      }
    });

    it(`dist/${target} uses every permission it asks for, and carries package.json's version`, () => {
      const dir = join(ROOT, 'dist', target);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      const code = files(dir)
        .filter((f) => f.endsWith('.js'))
        .map((f) => readFileSync(f, 'utf8'))
        .join('\n');
      // What each permission unlocks, as it appears in the bundled code.
      const uses: Record<string, RegExp> = {
        storage: /\.storage\.(local|onChanged|sync|session)/,
        contextMenus: /\.contextMenus\./,
        alarms: /\.alarms\./,
        // No API of its own: it exempts the library from eviction; the options page reports it.
        unlimitedStorage: /\.persisted\(\)/,
        // No API of its own either: pressing the save-page key grants it for the tab in front,
        // whose URL the command's listener then reads (background/commands.ts).
        activeTab: /\.commands\.onCommand\./,
      };
      for (const p of manifest.permissions as string[]) {
        expect(uses[p], `permission ${p} has no known use: add it here with its API, or drop it`).toBeDefined();
        expect(code, `permission ${p} is not used`).toMatch(uses[p]);
      }
      // Exactly the two metadata sources of papers saved from a link or a key (background/metadata.ts);
      // their hosts are the content script's, so the install prompt names no new site.
      expect(manifest.host_permissions).toEqual(['https://huggingface.co/api/papers/*', 'https://arxiv.org/abs/*']);
      expect(code).toMatch(/https:\/\/huggingface\.co\/api\/papers\//);
      const hosts = (patterns: string[]) => [...new Set(patterns.map((p) => new URL(p.replace('*', 'x')).host))].sort();
      expect(hosts(manifest.host_permissions)).toEqual(hosts(manifest.content_scripts.flatMap((c: { matches: string[] }) => c.matches)));
      expect(manifest.version).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
      expect(manifest.web_accessible_resources ?? []).toEqual([]);
      // Test hooks stay in dist-test/ (vite.config.ts).
      expect(code).not.toMatch(/papershelfSaveLink|papershelfCommand/);
    });
    it(`dist/${target} carries only what users run: no test-only message, no data-testid, no evaluation-only model`, () => {
      const code = (dir: string) =>
        files(join(ROOT, dir, target))
          .filter((f) => /\.(js|html)$/.test(f))
          .map((f) => readFileSync(f, 'utf8'))
          .join('\n');
      const shipped = code('dist');
      const testBuild = code('dist-test');
      // The messages only tests and tools send (shared/messages.ts testRequests), as the bundle quotes their names.
      for (const name of ['papers.list', 'papers.get', 'papers.restore', 'library.import', 'tags.list']) {
        const quoted = new RegExp(`[\`"']${name.replace('.', '\\.')}[\`"']`);
        expect(shipped, name).not.toMatch(quoted);
        // Positive control: the test build answers them, so the pattern finds them where they are.
        expect(testBuild, name).toMatch(quoted);
      }
      // What content Undo sends stays in both.
      expect(shipped).toMatch(/[`"']paper\.restore[`"']/);
      expect(shipped).not.toContain('data-testid');
      expect(testBuild).toContain('data-testid');
      // The L-BFGS logistic regression (rank/logreg.ts): its loss, and its kind's name. No build bundles it;
      // the markers are what the source really has, and what a minifier keeps (a global's method, a string).
      const logreg = readFileSync(join(ROOT, 'src/rank/logreg.ts'), 'utf8');
      for (const marker of [/Math\.log1p/, /[`"']logreg[`"']/]) {
        expect(logreg).toMatch(marker);
        expect(shipped, String(marker)).not.toMatch(marker);
      }
    });
    it(`dist/${target}'s content script exposes nothing to pages: closed shadow roots, none of the test builds' data attributes`, () => {
      const dir = join(ROOT, 'dist', target);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      const content = (manifest.content_scripts as { js: string[] }[])
        .flatMap((c) => c.js)
        .map((f) => readFileSync(join(dir, f), 'utf8'))
        .join('\n');
      // The mode is one constant (content/exposure.ts): "closed" here, "open" in the test build.
      expect(content).toMatch(/attachShadow\(\{mode:/);
      expect(content).toMatch(/[`"']closed[`"']/);
      expect(content).not.toMatch(/[`"']open[`"']/);
      for (const attr of [
        'data-papershelf',
        'data-papershelf-card',
        'data-papershelf-saved',
        'data-saved',
        'data-relevance',
        'data-suggested',
        'data-new',
        'data-not-relevant',
      ]) {
        expect(content, attr).not.toMatch(new RegExp(`[\`"'\\[]${attr}[\`"'=\\]]`));
      }
      // The test build keeps the contracts tests drive the cards by.
      const testDir = join(ROOT, 'dist-test', target);
      const testManifest = JSON.parse(readFileSync(join(testDir, 'manifest.json'), 'utf8'));
      const testContent = (testManifest.content_scripts as { js: string[] }[])
        .flatMap((c) => c.js)
        .map((f) => readFileSync(join(testDir, f), 'utf8'))
        .join('\n');
      for (const attr of ['data-papershelf', 'data-papershelf-card', 'data-papershelf-saved', 'data-saved', 'data-relevance', 'data-suggested'])
        expect(testContent, attr).toContain(attr);
      expect(testContent).toMatch(/[`"']open[`"']/);
    });

    it(`dist/${target}'s message catalogues hold every message of the sources, without the translators' notes`, () => {
      const locales = readdirSync(join(ROOT, 'public/_locales'));
      expect(locales).toEqual(expect.arrayContaining(['en', 'zh_CN']));
      for (const locale of locales) {
        const source = JSON.parse(readFileSync(join(ROOT, 'public/_locales', locale, 'messages.json'), 'utf8'));
        const text = readFileSync(join(ROOT, 'dist', target, '_locales', locale, 'messages.json'), 'utf8');
        const built = JSON.parse(text);
        expect(Object.keys(built), locale).toEqual(Object.keys(source));
        for (const [key, m] of Object.entries(source) as [string, { message: string; placeholders?: Record<string, { content: string }> }][]) {
          expect(built[key].message, `${locale} ${key}`).toBe(m.message);
          for (const [name, p] of Object.entries(m.placeholders ?? {}))
            expect(built[key].placeholders[name].content, `${locale} ${key} $${name}$`).toBe(p.content);
        }
        expect(text, locale).not.toContain('"description"');
        // The notes are most of a source catalogue: what Chrome parses on each page is about half of it.
        expect(text.length, locale).toBeLessThan(statSync(join(ROOT, 'public/_locales', locale, 'messages.json')).size * 0.7);
      }
    });
  }

  it('the source archive rebuilds dist/firefox byte for byte', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'papershelf-source-'));
    try {
      // What `npm run package` puts in papershelf-source-<version>.zip: the committed tree.
      execFileSync('sh', ['-c', `git archive --format=tar HEAD | tar -x -C ${tmp}`]);
      expect(existsSync(join(tmp, 'SOURCE-BUILD.md'))).toBe(true);
      // Same locked packages (package-lock.json), without a second download.
      symlinkSync(join(ROOT, 'node_modules'), join(tmp, 'node_modules'), 'dir');
      build(tmp);
      const dirty = execFileSync('git', [
        'status',
        '--porcelain',
        '--untracked-files=no',
        '--',
        'src',
        'public',
        'manifest.json',
        'vite.config.ts',
        'package.json',
      ])
        .toString()
        .trim();
      let want: Map<string, Buffer>;
      if (dirty) {
        // Uncommitted source changes: dist/ is not HEAD's. Check that HEAD builds the same twice instead.
        const again = mkdtempSync(join(tmpdir(), 'papershelf-source-'));
        execFileSync('sh', ['-c', `git archive --format=tar HEAD | tar -x -C ${again}`]);
        symlinkSync(join(ROOT, 'node_modules'), join(again, 'node_modules'), 'dir');
        build(again);
        want = tree(join(again, 'dist', 'firefox'));
        rmSync(again, { recursive: true, force: true });
      } else {
        want = tree(join(ROOT, 'dist', 'firefox'));
      }
      const got = tree(join(tmp, 'dist', 'firefox'));
      expect([...got.keys()].sort().join('\n')).toBe([...want.keys()].sort().join('\n'));
      for (const [name, bytes] of want) expect(got.get(name)!.equals(bytes), `${name} differs`).toBe(true);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 120_000);
});
