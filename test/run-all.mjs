#!/usr/bin/env node
/**
 * `npm test`: builds both targets, then runs every test there is: unit tests
 * (Vitest, happy-dom), browser tests (the built extension in real Chromium and
 * Firefox), Biome's format check and linter, and web-ext lint of the Firefox build. Ends with one line
 * "N passed, N failed" counting all of them; exits non-zero if any failed.
 * Set BROWSERS=chromium (or firefox) to run the browser tests in one only.
 *
 * What does not depend on each other runs side by side, so that both cores of a small machine stay
 * busy: the two builds; then the unit tests beside readme.e2e.ts (which rebuilds dist/), web-ext lint
 * and Biome; then the other browser files, E2E_WORKERS at a time (default 2). A step run beside the
 * unit tests writes its log to test-results/<label>.log, printed whole once it is done, so that logs
 * do not interleave.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { browserPath, tempDir } from './harness/browsers.mjs';

const OUT = 'test-results';
mkdirSync(OUT, { recursive: true });
let passed = 0;
let failed = 0;
const failures = [];

/**
 * Runs a command; resolves to { status, stdout } (stdout only with `capture`). With `log` (a label) its
 * output goes to test-results/<label>.log and is printed once the command is done; without, to this console.
 */
function run(cmd, args, { capture = false, log, env } = {}) {
  const line = `\n$ ${cmd} ${args.join(' ')}`;
  if (!log) console.log(line);
  return new Promise((resolve) => {
    const file = log && `${OUT}/${log}.log`;
    const out = file && createWriteStream(file);
    const child = spawn(cmd, args, { stdio: ['ignore', capture || out ? 'pipe' : 'inherit', out ? 'pipe' : 'inherit'], env: env ?? process.env });
    let stdout = '';
    if (capture) child.stdout.on('data', (d) => (stdout += d));
    else if (out) child.stdout.pipe(out, { end: false });
    if (out) child.stderr.pipe(out, { end: false });
    const done = (status) => {
      if (!out) return resolve({ status, stdout });
      out.end(() => {
        console.log(`${line}\n${readFileSync(file, 'utf8')}`);
        resolve({ status, stdout });
      });
    };
    child.on('error', (e) => {
      console.log(`${cmd}: ${e.message}`);
      done(127);
    });
    child.on('close', (code, signal) => done(code ?? (signal ? 128 : 1)));
  });
}

/**
 * Runs one Vitest mode and adds its counts. A suite that failed before any test ran counts as one failure.
 * `label` names the report (test-results/<label>.json); `args` and `env` go to Vitest.
 */
async function vitest(mode, { label = mode, args = [], env = {}, log } = {}) {
  const file = `${OUT}/${label}.json`;
  rmSync(file, { force: true });
  const r = await run('npx', ['vitest', 'run', '--mode', mode, '--reporter=default', '--reporter=json', `--outputFile=${file}`, ...args], {
    env: { ...process.env, ...env },
    log,
  });
  if (!existsSync(file)) {
    failed++;
    failures.push(`${label}: vitest produced no report (exit ${r.status})`);
    return;
  }
  const j = JSON.parse(readFileSync(file, 'utf8'));
  passed += j.numPassedTests;
  failed += j.numFailedTests;
  if (j.numFailedTests) {
    failures.push(`${label}: ${j.numFailedTests} failed`);
    // Named here, at the end of the log, where a CI summary that keeps only the tail still shows them.
    for (const file of j.testResults ?? []) {
      for (const t of file.assertionResults ?? []) {
        if (t.status !== 'failed') continue;
        const why = String(t.failureMessages?.[0] ?? '')
          .split('\n')[0]
          .slice(0, 300);
        failures.push(`  ${file.name.replace(`${process.cwd()}/`, '')} › ${t.fullName}: ${why}`);
      }
      if (file.status === 'failed' && !(file.assertionResults ?? []).length) {
        failures.push(
          `  ${file.name.replace(`${process.cwd()}/`, '')}: ${String(file.message ?? '')
            .split('\n')[0]
            .slice(0, 300)}`,
        );
      }
    }
  }
  if (r.status !== 0 && j.numFailedTests === 0) {
    failed++;
    failures.push(`${label}: vitest exited ${r.status} with no failed test (a suite failed to load or a hook failed)`);
  }
}

// dist/ is what users get; dist-test/ adds the hooks the browser tests need (vite.config.ts). Two
// separate output folders: both builds at once.
const [build, testBuild] = await Promise.all([
  run('npm', ['run', 'build', '--silent'], { log: 'build' }),
  run('npm', ['run', 'build:test', '--silent'], { log: 'build-test' }),
]);
if (build.status !== 0 || testBuild.status !== 0) {
  failed++;
  failures.push('build failed');
} else {
  // The unit tests (which read no build) beside readme.e2e.ts: it runs `npm start` and `npm run package`,
  // which rebuild dist/, which some of the other browser tests load. Beside these, the Firefox profile
  // template the other browser files' Firefoxes start from (e2e-setup.mjs); then the checks of
  // dist/firefox (web-ext lint) and of the sources (Biome).
  const [template] = await Promise.all([
    firefoxTemplate(),
    vitest('test'),
    (async () => {
      await vitest('e2e', { label: 'e2e-readme', args: ['test/e2e/readme.e2e.ts'], log: 'e2e-readme', env: { FIREFOX_PROFILE_TEMPLATE: 'none' } });
      await lints();
    })(),
  ]);
  // Then the other browser tests, alone: E2E_WORKERS files at a time (vite.config.ts), longest first
  // (test/harness/sequencer.mjs). Not beside the unit tests: on two cores, both slow down until the
  // unit tests' 5 s timeouts fail. Two files keep two cores busy: three took as long (537 s against
  // 538 s on a fresh clone), with the machine's load at 15 instead of 11.
  const workers = process.env.E2E_WORKERS ?? '2';
  await vitest('e2e', { args: ['--exclude', 'test/e2e/readme.e2e.ts'], env: { E2E_WORKERS: workers, ...template } });
}

/** { FIREFOX_PROFILE_TEMPLATE } for the browser tests (firefox.mjs makeProfileTemplate), or {} to let e2e-setup.mjs try. */
async function firefoxTemplate() {
  const browsers = (process.env.BROWSERS ?? 'chromium,firefox').split(',');
  if (process.env.FIREFOX_PROFILE_TEMPLATE || !browsers.includes('firefox') || !browserPath('firefox')) return {};
  const dir = tempDir('firefox-template'); // removed when this process exits
  try {
    const { makeProfileTemplate } = await import('./harness/firefox.mjs');
    await makeProfileTemplate(dir.path);
    return { FIREFOX_PROFILE_TEMPLATE: dir.path };
  } catch (e) {
    console.log(`No Firefox profile template (${e?.message ?? e}); the browser tests' setup tries again`);
    dir.remove();
    return {};
  }
}

async function lints() {
  // Biome: the formatter's check and the linter (biome.json); a finding that is an error fails it, a warning does
  // not (warnings are listed by `npm run lint`, not here, so that they do not bury the test log).
  const biome = await run('npx', ['biome', 'ci', '--colors=off', '--diagnostic-level=error', '.'], { log: 'biome' });
  if (biome.status === 0) passed++;
  else {
    failed++;
    failures.push('biome ci (format and lint): run `npm run format` and `npm run lint`');
  }
  const lint = await run('npx', ['web-ext', 'lint', '--source-dir', 'dist/firefox', '--output', 'json'], { capture: true, log: 'web-ext-lint' });
  try {
    const j = JSON.parse(lint.stdout);
    for (const m of [...j.errors, ...j.warnings]) console.log(`web-ext lint ${m._type}: ${m.code} ${m.message} ${m.file ?? ''}`);
    if (j.summary.errors === 0) passed++;
    else {
      failed++;
      failures.push(`web-ext lint: ${j.summary.errors} errors`);
    }
  } catch {
    failed++;
    failures.push(`web-ext lint did not run (exit ${lint.status})`);
  }
}

if (failures.length) console.log(`\nFailures:\n- ${failures.join('\n- ')}`);
const line = `${passed} passed, ${failed} failed`;
const summary = `npm test summary (unit, browser, lint) = ${line}`;
writeFileSync(`${OUT}/summary.txt`, line + '\n');
console.log(`\n${summary}`);
process.exit(failed ? 1 : 0);
