#!/usr/bin/env node
/**
 * `npm run package`: the files the two stores take, in release/.
 *   papershelf-chrome-<version>.zip    dist/chrome, for the Chrome Web Store
 *   papershelf-firefox-<version>.zip   dist/firefox, for addons.mozilla.org
 *   papershelf-source-<version>.zip    the committed source (git archive), which AMO asks for
 *                                      because the add-on is bundled; SOURCE-BUILD.md inside says
 *                                      how to rebuild dist/firefox from it byte for byte.
 * The version is package.json's, which vite.config.ts also writes into both manifests.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const out = 'release';
rmSync(out, { recursive: true, force: true });
mkdirSync(out);
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });

run('npm', ['run', 'build', '--silent']);
for (const target of ['chrome', 'firefox']) {
  run('npx', [
    'web-ext',
    'build',
    '--source-dir',
    `dist/${target}`,
    '--artifacts-dir',
    out,
    '--filename',
    `papershelf-${target}-${version}.zip`,
    '--overwrite-dest',
  ]);
}
const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no']).toString().trim();
if (dirty) console.warn(`warning: uncommitted changes are not in the source archive:\n${dirty}`);
run('git', ['archive', '--format=zip', `--output=${out}/papershelf-source-${version}.zip`, 'HEAD']);
console.log(`\nrelease/: papershelf-chrome-${version}.zip, papershelf-firefox-${version}.zip, papershelf-source-${version}.zip`);
