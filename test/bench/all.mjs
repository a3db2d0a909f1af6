#!/usr/bin/env node
/**
 * `npm run bench`: every part, each in its own process, always to the end.
 * Each part prints its table, marks what is over budget (OVER BUDGET: …) and
 * merges its figures into bench/results.json; a part exits non-zero only when
 * it could not measure. This exits non-zero if any part could not.
 */
import { spawnSync } from 'node:child_process';

const parts = [
  ['sizes', 'test/bench/run.mjs', { BENCH_ONLY: 'size' }],
  ['content script, HF listing and the 1,020-entry arXiv list', 'test/bench/run.mjs', { BENCH_ONLY: 'content' }],
  ['popup at 10,000 papers', 'test/bench/popup.mjs', {}],
  ['import and export of 10,000', 'test/bench/library.mjs', {}],
  ['ranking', 'test/bench/rank.mjs', {}],
];
const failed = [];
for (const [name, file, env] of parts) {
  console.log(`\n===== ${name} (${file})`);
  const r = spawnSync(process.execPath, [file], { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) failed.push(`${name}: exit ${r.status}`);
}
console.log(failed.length ? `\nbench: could not measure: ${failed.join('; ')}` : '\nbench: every part measured (see OVER BUDGET lines above for what is over)');
process.exit(failed.length ? 1 : 0);
