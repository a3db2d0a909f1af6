import { it } from 'vitest';
import { readImport } from '../../src/library/import-json';
import { planMerge } from '../../src/library/merge';
// @ts-ignore
import { backupOf } from '../bench/library.mjs';
it('times', () => {
  const text: string = backupOf(10000);
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const data = JSON.parse(text);
    const t1 = performance.now();
    const r = readImport(text, 'b.json', Date.now()) as any;
    const t2 = performance.now();
    const plan = planMerge([], [], r);
    const t3 = performance.now();
    console.log(`parse ${(t1 - t0).toFixed(0)} readImport ${(t2 - t1).toFixed(0)} plan ${(t3 - t2).toFixed(0)} len ${text.length} ${data.papers.length} ${plan ? 'ok' : ''}`);
  }
}, 120000);
