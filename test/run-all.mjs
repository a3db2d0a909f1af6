#!/usr/bin/env node
/**
 * `npm test`: builds both targets, then runs every test there is: unit tests
 * (Vitest, happy-dom), browser tests (the built extension in real Chromium and
 * Firefox), Biome's format check and linter, and web-ext lint of the Firefox build. Ends with one line
 * "N passed, N failed" counting all of them; exits non-zero if any failed.
 * Set BROWSERS=chromium (or firefox) to run the browser tests in one only.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';

const OUT = 'test-results';
mkdirSync(OUT, { recursive: true });
let passed = 0;
let failed = 0;
const failures = [];

function run(cmd, args, opts = {}) {
  console.log(`\n$ ${cmd} ${args.join(' ')}`);
  return spawnSync(cmd, args, { stdio: opts.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', encoding: 'utf8', ...opts });
}

/**
 * Runs one Vitest mode and adds its counts. A suite that failed before any test ran counts as one failure.
 * `label` names the report (test-results/<label>.json); `args` and `env` go to Vitest.
 */
function vitest(mode, { label = mode, args = [], env = {} } = {}) {
  const file = `${OUT}/${label}.json`;
  rmSync(file, { force: true });
  const r = run('npx', ['vitest', 'run', '--mode', mode, '--reporter=default', '--reporter=json', `--outputFile=${file}`, ...args], {
    env: { ...process.env, ...env },
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

// dist/ is what users get; dist-test/ adds the hooks the browser tests need (vite.config.ts).
const build = run('npm', ['run', 'build', '--silent']);
const testBuild = build.status === 0 ? run('npm', ['run', 'build:test', '--silent']) : build;
if (build.status !== 0 || testBuild.status !== 0) {
  failed++;
  failures.push('build failed');
} else {
  vitest('test');
  // The browser tests, two files at a time (E2E_WORKERS, vite.config.ts), then readme.e2e.ts alone:
  // it runs `npm start` and `npm run package`, which rebuild dist/ under the other files' browsers.
  const workers = process.env.E2E_WORKERS ?? '2';
  vitest('e2e', { args: ['--exclude', 'test/e2e/readme.e2e.ts'], env: { E2E_WORKERS: workers } });
  vitest('e2e', { label: 'e2e-readme', args: ['test/e2e/readme.e2e.ts'] });
  // Biome: the formatter's check and the linter (biome.json); a finding that is an error fails it, a warning does
  // not (warnings are listed by `npm run lint`, not here, so that they do not bury the test log).
  const biome = run('npx', ['biome', 'ci', '--colors=off', '--diagnostic-level=error', '.']);
  if (biome.status === 0) passed++;
  else {
    failed++;
    failures.push('biome ci (format and lint): run `npm run format` and `npm run lint`');
  }
  const lint = run('npx', ['web-ext', 'lint', '--source-dir', 'dist/firefox', '--output', 'json'], { capture: true });
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
