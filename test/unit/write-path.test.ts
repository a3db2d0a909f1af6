/**
 * One writer of the database, one way back (docs/architecture.md, "Who writes, and the way back"):
 * code outside src/library/ never writes IndexedDB itself, and every write, whoever made it,
 * is followed by the same effects (background/after-write.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createAfterWrite, type Writer } from '../../src/background/after-write';

const SRC = join(__dirname, '../../src');
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : /\.(ts|tsx)$/.test(f) ? [p] : [];
  });

/** The stores of library/db.ts: a write through idb's shortcuts names one (`db.put('papers', …)`). */
const STORES = ['papers', 'abstracts', 'tags', 'tombstones', 'words', 'corpus', 'rank', 'meta', 'trash'];
const WRITES = [
  // A read-write transaction, however it is then used (tx.store.put, objectStore(…).delete…).
  { what: 'a read-write transaction', re: /[`'"]readwrite[`'"]/g },
  // idb's one-call writes on the database.
  { what: 'a write through idb', re: new RegExp(`\\.(?:put|add|delete|clear)\\(\\s*[\`'"](?:${STORES.join('|')})[\`'"]`, 'g') },
  { what: 'a database deleted', re: /indexedDB\s*\.\s*deleteDatabase\(/g },
];

/** Every database write in `files`: file, line and what it is. */
function writesIn(files: string[]): string[] {
  const found: string[] = [];
  for (const f of files) {
    const lines = readFileSync(f, 'utf8').split('\n');
    lines.forEach((line, i) => {
      for (const { what, re } of WRITES) if (line.match(re)) found.push(`${relative(SRC, f)}:${i + 1}: ${what}`);
    });
  }
  return found;
}

describe('who writes the database', () => {
  it('only src/library/ opens a read-write transaction or writes a store', () => {
    const outside = sources(SRC).filter((f) => !relative(SRC, f).startsWith('library'));
    expect(outside.length).toBeGreaterThan(50);
    expect(writesIn(outside)).toEqual([]);
  });

  it('the scan finds the writes where they are (src/library/), of every kind it looks for', () => {
    const found = writesIn(sources(join(SRC, 'library')));
    expect(found.some((w) => w.endsWith('a read-write transaction'))).toBe(true);
    expect(found.some((w) => w.endsWith('a write through idb'))).toBe(true);
    // And a deleted database, in a line the scan is given.
    const line = "await db.put('papers', p); indexedDB.deleteDatabase('papershelf'); db.transaction(['papers'], \"readwrite\")";
    expect(WRITES.filter(({ re }) => line.match(re)).map((w) => w.what)).toEqual(WRITES.map((w) => w.what));
  });
});

describe('after a write, whoever made it', () => {
  const setUp = (fail = false) => {
    const calls: string[] = [];
    const log = vi.fn();
    const afterWrite = createAfterWrite({
      requestSync: () => void calls.push('sync'),
      invalidateRanking: () => void calls.push('ranking'),
      broadcast: async (ids, tags) => {
        calls.push(`broadcast ${ids.join(',')}${tags ? ' +tags' : ''}`);
        if (fail) throw new Error('quota');
      },
      updateBadge: async () => {
        calls.push('badge');
        if (fail) throw new Error('window closed');
      },
      log,
    });
    return { calls, log, afterWrite };
  };
  const after = async (writer: Writer) => {
    const s = setUp();
    await s.afterWrite(writer, ['2501.00001'], true);
    return s.calls;
  };

  it("the background's write: synced out, ranking redone, broadcast, badge", async () => {
    expect(await after('background')).toEqual(['sync', 'ranking', 'broadcast 2501.00001 +tags', 'badge']);
  });

  it("a page's write (it broadcast itself): the same, without a second broadcast", async () => {
    expect(await after('page')).toEqual(['sync', 'ranking', 'badge']);
  });

  it("a sync round's write: broadcast and badge, not sent back at once", async () => {
    expect(await after('sync')).toEqual(['ranking', 'broadcast 2501.00001 +tags', 'badge']);
  });

  it('a "not relevant" mark (ranking data, not the library): synced out and ranking redone; nothing to broadcast, no badge', async () => {
    expect(await after('corpus')).toEqual(['sync', 'ranking']);
  });

  it('a failed broadcast or badge is logged, never thrown: the write is stored', async () => {
    const s = setUp(true);
    await expect(s.afterWrite('background', ['2501.00001'])).resolves.toBeUndefined();
    expect(s.log.mock.calls.map(([what, e]) => `${what}: ${(e as Error).message}`)).toEqual([
      'after a stored write: quota',
      'after a stored write: window closed',
    ]);
  });
});
