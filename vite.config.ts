/**
 * One manifest.json, two builds: `vite build --mode chrome` writes dist/chrome
 * (service worker), `--mode firefox` writes dist/firefox (event page, gecko id).
 * The version always comes from package.json.
 */
import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import base from './manifest.json' with { type: 'json' };
import pkg from './package.json' with { type: 'json' };
import { LongestFirst } from './test/harness/sequencer.mjs';

export type Target = 'chrome' | 'firefox';

export const GECKO_ID = 'papershelf@papershelf.dev';

export function manifestFor(target: Target) {
  const { background, ...rest } = structuredClone(base);
  const common = {
    ...rest,
    version: pkg.version,
    // Test builds reach the local WebDAV servers of the browser tests without a permission prompt.
    ...(TEST_HOOKS ? { host_permissions: [...rest.host_permissions, 'http://127.0.0.1/*', 'http://localhost/*'] } : {}),
  };
  if (target === 'chrome') return { ...common, background };
  return {
    ...common,
    // Firefox MV3 has no service workers for extensions: an event page.
    background: { scripts: [background.service_worker], type: background.type },
    browser_specific_settings: {
      gecko: {
        id: GECKO_ID,
        strict_min_version: '140.0',
        // Nothing goes to PaperShelf's developers or any service of ours: sync goes to the browser's own
        // account, and a link save asks the paper's own site (huggingface.co, arxiv.org) for its title.
        // Whether AMO counts that request as collection is open (see the README's Privacy section).
        data_collection_permissions: { required: ['none'] },
      },
      // data_collection_permissions needs 142 on Android; there the add-on works as on desktop.
      gecko_android: { strict_min_version: '142.0' },
    },
  };
}

/**
 * PAPERSHELF_TEST_HOOKS=1 (`npm run build:test`, which `npm test` runs) builds into dist-test/
 * with the hooks tests need and no browser gives (the link menu's action on
 * self.papershelfSaveLink). dist/ and the store packages never contain them.
 */
const TEST_HOOKS = process.env.PAPERSHELF_TEST_HOOKS === '1';

// crxjs 3.0.0 bundles the standalone content script with output.inlineDynamicImports, which
// Vite 8 ignores for an IIFE (codeSplitting: false gives the same single file) and which rolldown
// then reports on its own console logger, once per target. That logger carries only rolldown's
// notices about deprecated or ignored output options (bundle warnings still come through Vite's
// logger), so it is quieted here; drop this line once crxjs stops setting the option, or run with
// CONSOLA_LEVEL=3 to see those notices.
process.env.CONSOLA_LEVEL ??= '0';

/**
 * The popup's first-paint script (src/popup/first-paint.ts) as one classic script,
 * dist/<target>/src/popup/first-paint.js, which popup/index.html names: a classic script runs as
 * the page is parsed, where a module waits for the parse and its imports (issue 20: the first rows
 * and a search box answering before the review UI has loaded). Vite builds HTML scripts as modules
 * only, so this one is bundled apart, as an IIFE, and emitted beside the page.
 */
function firstPaintScript(define: Record<string, string>): Plugin {
  return {
    name: 'papershelf-first-paint',
    apply: 'build',
    async generateBundle() {
      const bundle = await rolldown({ input: fileURLToPath(new URL('./src/popup/first-paint.ts', import.meta.url)), transform: { define } });
      try {
        const { output } = await bundle.generate({ format: 'iife', minify: true });
        this.emitFile({ type: 'asset', fileName: 'src/popup/first-paint.js', source: output[0].code });
      } finally {
        await bundle.close();
      }
    },
  };
}

/**
 * The message catalogues as the browsers read them: public/_locales/<locale>/messages.json without
 * the translators' notes (`description`, placeholders' `example`), which no browser shows. Chrome
 * reads and parses the whole catalogue, synchronously for the page, the first time a content script
 * asks for a message on a page: measured on this machine, 53.6 kB took a median of 13 ms, the same
 * catalogue without the notes (29.5 kB) 10 ms. The sources keep the notes for translators.
 */
function lightCatalogues(): Plugin {
  const dir = fileURLToPath(new URL('./public/_locales/', import.meta.url));
  return {
    name: 'papershelf-light-catalogues',
    apply: 'build',
    generateBundle() {
      for (const locale of readdirSync(dir)) {
        const file = `${dir}${locale}/messages.json`;
        this.addWatchFile(file);
        const messages = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;
        const light = Object.fromEntries(
          Object.entries(messages).map(([key, { message, placeholders }]) => [
            key,
            placeholders
              ? { message, placeholders: Object.fromEntries(Object.entries(placeholders).map(([name, { content }]) => [name, { content }])) }
              : { message },
          ]),
        );
        this.emitFile({ type: 'asset', fileName: `_locales/${locale}/messages.json`, source: JSON.stringify(light) });
      }
    },
  };
}

export default defineConfig(({ mode }) => {
  const target: Target = mode === 'firefox' ? 'firefox' : 'chrome';
  const define = { __PAPERSHELF_TEST_HOOKS__: JSON.stringify(TEST_HOOKS || mode === 'test') };
  return {
    define,
    plugins:
      mode === 'test' || mode === 'e2e'
        ? []
        : [
            crx({
              manifest: manifestFor(target) as ManifestV3Export,
              browser: target,
              // One self-contained IIFE: no loader, and no web_accessible_resources
              // that would let huggingface.co pages probe for the extension.
              contentScripts: { standaloneFiles: ['src/content/index.ts'] },
            }),
            firstPaintScript(define),
            lightCatalogues(),
          ],
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    resolve: {
      alias: {
        // @citation-js/core imports node-fetch, which is Node-only (node:http, node:zlib…: one
        // "externalized for browser compatibility" warning each). In a browser citation-js uses
        // the global fetch anyway: the stub hands it that.
        'node-fetch': fileURLToPath(new URL('./build/stubs/node-fetch.js', import.meta.url)),
      },
    },
    build: {
      // No preload helper around dynamic imports: the popup's first-paint script stays one file
      // (its import of the review UI needs no preloading; the UI loads after the first rows).
      modulePreload: false,
      // crxjs builds the pages the manifest names (popup, options); the welcome page is named by
      // none (background/index.ts opens it on install), so it is an input of its own. An object,
      // not a string: crxjs replaces a lone "…index.html" input by its stub. (rolldownOptions is
      // Vite 8's name for rollupOptions; crxjs 3 reads either.)
      rolldownOptions: { input: { welcome: 'src/welcome/index.html' } },
      outDir: `${TEST_HOOKS ? 'dist-test' : 'dist'}/${target}`,
      emptyOutDir: true,
      // Minified: the content script's 15 kB gz budget needs it. Store review reads the source
      // archive (`npm run package`), not this output.
      minify: true,
      sourcemap: false,
    },
    test:
      mode === 'e2e'
        ? {
            // The built extension in real browsers. E2E_WORKERS (default 1) files at a time: a
            // browser test mostly waits (on the page, the worker, Undo's 10 s), so two at once
            // on 2 cores take less wall time; each file opens its own browsers and servers.
            include: ['test/e2e/**/*.e2e.ts'],
            environment: 'node',
            // A Firefox profile template for every Firefox of the run to start from a copy of.
            globalSetup: ['test/harness/e2e-setup.mjs'],
            fileParallelism: Number(process.env.E2E_WORKERS ?? 1) > 1,
            maxWorkers: Number(process.env.E2E_WORKERS ?? 1),
            testTimeout: 60_000,
            hookTimeout: 90_000,
            // With BROWSERS=chromium (or firefox), a suite written for the other browser only
            // (access.e2e.ts runs in Firefox) has no test: that file passes instead of failing.
            passWithNoTests: Boolean(process.env.BROWSERS),
            sequence: { sequencer: LongestFirst },
          }
        : {
            // Node: the library, sync and import tests touch no DOM. The files that parse pages
            // (sites, arxiv) say `// @vitest-environment happy-dom` at their top; a DOM for each of
            // the other 33 files cost ~0.6 s of CPU apiece (issue 20's CI time).
            environment: 'node',
            // happy-dom's files: fixture pages link the real sites' stylesheets: never fetched, never an error.
            environmentOptions: { happyDOM: { settings: { disableCSSFileLoading: true, handleDisabledFileLoadingAsSuccess: true } } },
            include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
            setupFiles: ['test/unit/setup.ts'],
            // Two files at a time on two cores (Vitest's default is one fewer than the cores: one
            // here), longest first (test/harness/sequencer.mjs).
            maxWorkers: Math.max(2, availableParallelism() - 1),
            sequence: { sequencer: LongestFirst },
          },
  };
});
