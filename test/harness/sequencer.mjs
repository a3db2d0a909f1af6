/**
 * The order Vitest starts test files in: longest first, from durations.json (seconds per file,
 * from a run of `npm test`), so that with two files at a time the long ones (faults, trash,
 * sync…) do not start last and leave one worker idle at the end. A file not in the table
 * (a new one) counts as the longest. The order changes only wall time, never what a test
 * checks or whether it runs. Refresh the table after a run of `npm test`:
 *   node test/harness/sequencer.mjs
 * (reads test-results/{test,e2e,e2e-readme}.json).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const TABLE = fileURLToPath(new URL('./durations.json', import.meta.url));
const durations = JSON.parse(readFileSync(TABLE, 'utf8'));

/** Vitest's TestSequencer (sequence.sequencer): sort longest first; no sharding of its own. */
export class LongestFirst {
  constructor(ctx) {
    this.root = ctx.config.root;
  }
  weight(file) {
    return durations[relative(this.root, file.moduleId).split('\\').join('/')] ?? Number.POSITIVE_INFINITY;
  }
  async shard(files) {
    return files;
  }
  async sort(files) {
    return [...files].sort((a, b) => this.weight(b) - this.weight(a));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = {};
  for (const label of ['test', 'e2e', 'e2e-readme']) {
    const j = JSON.parse(readFileSync(`test-results/${label}.json`, 'utf8'));
    for (const f of j.testResults) out[relative(process.cwd(), f.name)] = Math.round((f.endTime - f.startTime) / 100) / 10;
  }
  writeFileSync(TABLE, `${JSON.stringify(Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1])), null, 2)}\n`);
  console.log(`${TABLE}: ${Object.keys(out).length} files`);
}
