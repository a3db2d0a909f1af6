/**
 * The README's pictures are regenerated here from the built extension (npm run
 * screenshots into a temporary folder), so a change that breaks what they show
 * fails a test instead of leaving stale pictures. Chromium only (the script
 * drives Chromium).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BROWSERS } from './session';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe.skipIf(!BROWSERS.includes('chromium'))('screenshots', () => {
  it('npm run screenshots writes every picture the README shows', () => {
    const out = mkdtempSync(join(tmpdir(), 'papershelf-shots-'));
    try {
      execFileSync(process.execPath, ['test/harness/screenshots.mjs', out], { stdio: 'pipe', timeout: 120_000 });
      const readme = readFileSync('README.md', 'utf8');
      for (const name of ['cards-hf.png', 'cards-arxiv.png', 'popup-light.png', 'popup-dark.png', 'options.png', 'popup-zh.png']) {
        const file = join(out, name);
        expect(readFileSync(file).subarray(0, 8).equals(PNG), name).toBe(true);
        expect(statSync(file).size, name).toBeGreaterThan(20_000);
        expect(readme, `README shows docs/${name}`).toContain(`docs/${name}`);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 150_000);
});
