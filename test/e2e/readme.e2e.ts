/**
 * The README is true, checked as a newcomer would: every npm command it gives exists in
 * package.json, the cheap ones run here as typed (the offline demo in Chromium and in Firefox
 * with a screenshot, a browser `--browser` does not accept, the store packages), and every
 * path in its file map is in the tree. Not run here: `npm test` (this run), `npm run bench`
 * (minutes; `npm run bench` always runs to the end on its own), `npm start` with a window.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BROWSERS } from './session';

const README = readFileSync('README.md', 'utf8');
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string; scripts: Record<string, string> };
const tmp = mkdtempSync(join(tmpdir(), 'papershelf-readme-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs a README command line through the shell, as typed; Vitest's own environment (and the test runs' Firefox profile template) stays out of it. */
function sh(command: string, timeout = 120_000) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_ENV' && k !== 'FIREFOX_PROFILE_TEMPLATE'));
  const r = spawnSync('bash', ['-c', command], { encoding: 'utf8', timeout, env });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe('README', () => {
  it('names only npm commands that exist', () => {
    const commands = [...README.matchAll(/\bnpm (run [\w:-]+|start|test|ci)\b/g)].map((m) => m[1]);
    expect(commands.length).toBeGreaterThan(10);
    for (const c of new Set(commands)) {
      if (c === 'ci') continue;
      const script = c.startsWith('run ') ? c.slice(4) : c;
      expect(pkg.scripts, `README says "npm ${c}"`).toHaveProperty([script]);
    }
  });

  it('its file map matches the tree', () => {
    const map = README.slice(README.indexOf('## How it is built'), README.indexOf('Why each dependency'));
    const paths: string[] = [];
    const stack: { indent: number; dir: string }[] = [];
    for (const line of map.split('\n')) {
      const m = /^( {4,})(\S+)\s{2,}/.exec(line) ?? /^( {4,})(\S+\/)\s*$/.exec(line);
      if (!m) continue;
      const indent = m[1].length;
      while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop();
      const path = (stack.length ? stack[stack.length - 1].dir : '') + m[2];
      paths.push(path);
      if (m[2].endsWith('/')) stack.push({ indent, dir: path });
    }
    expect(paths.length).toBeGreaterThan(20);
    expect(paths.filter((p) => !existsSync(p))).toEqual([]);
  });

  it.runIf(BROWSERS.includes('chromium'))('npm start -- --demo --headless --screenshot FILE: the offline digest with PaperShelf, in Chromium', () => {
    const shot = join(tmp, 'chromium.png');
    const r = sh(`npm start -- --demo --headless --screenshot ${shot}`);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/on the offline copy: https:\/\/huggingface\.co\/papers \(Chromium\)/);
    expect(r.out).toMatch(/\([1-9]\d* cards with PaperShelf's controls\)/);
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
  });

  it.runIf(BROWSERS.includes('firefox'))('npm start -- --browser firefox-esr …: the same in Firefox', () => {
    const shot = join(tmp, 'firefox.png');
    const r = sh(`npm start -- --browser firefox-esr --demo --headless --screenshot ${shot} --url https://arxiv.org/list/cs.LG/new`);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/on the offline copy: https:\/\/arxiv\.org\/list\/cs\.LG\/new \(Firefox\)/);
    expect(r.out).toMatch(/\([1-9]\d* cards with PaperShelf's controls\)/);
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
  });

  it('--browser accepts chromium, firefox and firefox-esr and nothing else, and says so', () => {
    const r = sh('node test/harness/start.mjs --browser opera');
    expect(r.status).toBe(2);
    expect(r.out).toMatch(/unknown browser "opera"\. --browser accepts: chromium, firefox, firefox-esr/);
  });

  it('npm run package writes the two store zips and the source archive', () => {
    const r = sh('npm run package --silent');
    expect(r.status, r.out).toBe(0);
    for (const name of ['chrome', 'firefox', 'source']) expect(existsSync(`release/papershelf-${name}-${pkg.version}.zip`), name).toBe(true);
  });
});
