/**
 * library/webdav/cache.ts idbCache on fake-indexeddb: a put is read back at once, stored only
 * at the flush (the syncer flushes after a round has answered), and what keepOnly and clear
 * drop is not stored by a later flush. A second cache on the same database is a worker started again.
 */
import { describe, expect, it } from 'vitest';
import { idbCache, type CachedFile } from '../../src/library/webdav/cache';
import { emptyDav } from '../../src/library/webdav/state';

let n = 0;
const file = (name: string): CachedFile => ({ name, size: 10, state: emptyDav() });

describe('the WebDAV file cache (IndexedDB)', () => {
  it('has a put at once, and stores it at the flush', async () => {
    const db = `webdav-cache-${n++}`;
    const cache = idbCache(db);
    await cache.put(file('a'));
    expect((await cache.get('a'))?.size).toBe(10);
    expect(await idbCache(db).get('a')).toBeUndefined(); // not stored yet
    await cache.flush();
    const again = await idbCache(db).get('a');
    expect(again?.name).toBe('a');
    expect(again?.state?.core.papers).toBeInstanceOf(Map);
  });

  it('does not store what keepOnly or clear dropped before the flush', async () => {
    const db = `webdav-cache-${n++}`;
    const cache = idbCache(db);
    await cache.put(file('a'));
    await cache.put(file('b'));
    await cache.keepOnly(new Set(['b']));
    expect(await cache.get('a')).toBeUndefined();
    await cache.flush();
    expect(await idbCache(db).get('a')).toBeUndefined();
    expect((await idbCache(db).get('b'))?.name).toBe('b');

    await cache.put(file('c'));
    await cache.clear();
    await cache.flush();
    expect(await cache.get('c')).toBeUndefined();
    expect(await idbCache(db).get('c')).toBeUndefined();
    expect(await idbCache(db).get('b')).toBeUndefined();
  });
});
