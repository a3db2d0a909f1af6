/**
 * The folder's files against a real server (Apache mod_dav on loopback):
 * encryption (a wrong passphrase is a clear error and writes nothing; the
 * server holds nothing readable), and files that are not data (truncated,
 * renamed by the server, not ours) are never read as data. Plus the merge's
 * laws on the richer state, and the listing parser on both servers' XML.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openShelf } from '../../src/library/db';
import { savePaper, tagPapers, setNote } from '../../src/library/papers';
import { readFull } from '../../src/library/write';
import { Searcher } from '../../src/library/search';
import { DavClient, DavError, parseMultistatus } from '../../src/library/webdav/client';
import { memoryCache } from '../../src/library/webdav/cache';
import { connectFolder, syncRound } from '../../src/library/webdav/engine';
import { importKey, WrongPassphraseError } from '../../src/library/webdav/crypto';
import { applyLocal, readLocalFull } from '../../src/library/webdav/local';
import { parseName } from '../../src/library/webdav/format';
import { delta, mergeDav, metaOf, sameDav, emptyDav, type DavState } from '../../src/library/webdav/state';
import { fromLocal } from '../../src/library/sync-state';
import { filesUnder, PASSWORD, startWebDav, USER } from '../harness/webdav.mjs';
import type { Paper } from '../../src/shared/model';

const T = Date.UTC(2026, 4, 1, 12);
let n = 0;

describe('WebDAV files on Apache', () => {
  let server: Awaited<ReturnType<typeof startWebDav>>;
  beforeAll(async () => {
    server = await startWebDav('apache');
  });
  afterAll(async () => {
    await server?.close();
  });

  async function folder() {
    const name = `f${n++}`;
    await new DavClient(server.url, { user: USER, password: PASSWORD }).mkcol(`${name}/`);
    return { name, client: (password = PASSWORD) => new DavClient(`${server.url}${name}/`, { user: USER, password }) };
  }
  async function device(id: string, key: CryptoKey | null, client: DavClient) {
    const db = await openShelf(`files-${id}-${n++}`);
    const cache = memoryCache();
    return {
      db,
      round: () =>
        syncRound({ client, device: id, key, cache, readLocal: () => readLocalFull(db), applyLocal: (m, l) => applyLocal(db, m, l, T), now: () => T }),
    };
  }
  const ref = {
    id: '2601.00001',
    title: 'Secret title',
    authors: ['A. Author'],
    abstract: 'A secret abstract',
    url: 'https://arxiv.org/abs/2601.00001',
    source: 'arxiv' as const,
  };

  it('an encrypted folder holds nothing readable, and a second device with the passphrase reads it all', async () => {
    const f = await folder();
    const raw = await connectFolder(f.client(), 'correct horse battery staple', 1000);
    expect(raw).toBeInstanceOf(Uint8Array);
    const a = await device('deviceaa', await importKey(raw!), f.client());
    await savePaper(a.db, ref, T);
    await tagPapers(a.db, [ref.id], 'Private', undefined, T + 1);
    await setNote(a.db, ref.id, 'my note', T + 2);
    await a.round();
    const stored = filesUnder(join(server.data, f.name))
      .map((p: string) => readFileSync(join(server.data, f.name, p), 'utf8'))
      .join('\n');
    for (const secret of ['Secret title', 'secret abstract', 'my note', 'private', '2601.00001']) expect(stored).not.toContain(secret);
    const raw2 = await connectFolder(f.client(), 'correct horse battery staple');
    const b = await device('devicebb', await importKey(raw2!), f.client());
    await b.round();
    const [p] = await readFull(b.db);
    expect(p).toMatchObject({ id: ref.id, title: 'Secret title', abstract: 'A secret abstract', tags: ['private'], note: 'my note' });
  });

  it('a wrong passphrase is a clear error and writes nothing', async () => {
    const f = await folder();
    await connectFolder(f.client(), 'right passphrase', 1000);
    const before = filesUnder(join(server.data, f.name));
    const requests = server.proxy.stats.byMethod as Record<string, number>;
    const writes = () => (requests.PUT ?? 0) + (requests.MOVE ?? 0) + (requests.MKCOL ?? 0) + (requests.DELETE ?? 0);
    const w0 = writes();
    await expect(connectFolder(f.client(), 'wrong passphrase')).rejects.toBeInstanceOf(WrongPassphraseError);
    expect(writes()).toBe(w0);
    expect(filesUnder(join(server.data, f.name))).toEqual(before);
  });

  it('a wrong password is a 401 and writes nothing', async () => {
    const f = await folder();
    const before = filesUnder(join(server.data, f.name));
    const e = await connectFolder(f.client('wrong'), '').catch((x) => x);
    expect(e).toBeInstanceOf(DavError);
    expect((e as DavError).status).toBe(401);
    expect(filesUnder(join(server.data, f.name))).toEqual(before);
  });

  it('a round without the key of an encrypted folder fails and changes nothing here', async () => {
    const f = await folder();
    const raw = await connectFolder(f.client(), 'pass', 1000);
    const a = await device('deviceaa', await importKey(raw!), f.client());
    await savePaper(a.db, ref, T);
    await a.round();
    const b = await device('devicecc', null, f.client());
    await expect(b.round()).rejects.toThrow(/passphrase/);
    expect(await readFull(b.db)).toEqual([]);
  });

  it('truncated, renamed and foreign files are not data, and a device removes its own strays', async () => {
    const f = await folder();
    await connectFolder(f.client(), '');
    const a = await device('deviceaa', null, f.client());
    await savePaper(a.db, ref, T);
    await a.round();
    const dir = join(server.data, f.name, 'PaperShelf/v1/data');
    const [good] = readdirSync(dir);
    const parsed = parseName(good)!;
    const bytes = readFileSync(join(dir, good));
    // Another device's file truncated at its real name, a renamed copy, a foreign file, and a file
    // whose content claims another paper under a valid-looking name.
    const evil = JSON.parse(bytes.toString());
    evil.device = 'deviceee';
    evil.papers = { '2601.99999': { ...(Object.values(evil.papers)[0] as object) } };
    writeFileSync(join(dir, good.replace('deviceaa', 'deviceee')), bytes.subarray(0, bytes.length - 10));
    writeFileSync(join(dir, good.replace('.json', ' (1).json').replace('deviceaa', 'deviceff')), bytes);
    writeFileSync(join(dir, good.replace('.json', ' (1).json')), bytes);
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    writeFileSync(join(dir, `d-deviceee-log-${parsed.hash}.json`), JSON.stringify(evil));
    writeFileSync(join(dir, '.tmp-deviceaa-0123'), 'half an upl');
    const b = await device('devicebb', null, f.client());
    const report = await b.round();
    expect(report.ignored).toBe(2); // the truncated one and the one whose hash is not its name
    expect((await readFull(b.db)).map((p) => p.id)).toEqual([ref.id]);
    // Device a's next round removes what is its own and not data: its renamed copy and its old upload.
    await a.round();
    const left = readdirSync(dir).sort();
    expect(left.filter((x) => x.includes('deviceaa'))).toEqual([good]);
    expect(left).toContain('notes.txt'); // not ours: left alone
  });

  it('a truncated upload is never moved into place; the next round writes it whole', async () => {
    const f = await folder();
    await connectFolder(f.client(), '');
    const a = await device('deviceaa', null, f.client());
    await savePaper(a.db, ref, T);
    server.proxy.add({ kind: 'truncate' });
    await expect(a.round()).rejects.toThrow(/kept/);
    const dir = join(server.data, f.name, 'PaperShelf/v1/data');
    expect(readdirSync(dir)).toEqual([]);
    await a.round();
    expect(readdirSync(dir).map((x) => parseName(x)?.device)).toEqual(['deviceaa']);
  });

  it('a first download writes every paper whole (titles past 80 characters, abstracts, tags, notes), searchable, and writes nothing back', async () => {
    const f = await folder();
    await connectFolder(f.client(), '');
    const a = await device('deviceaa', null, f.client());
    // Past sync's 80-character title hint, ending in letters that sort before its "…".
    const long = (i: number) => ({
      ...ref,
      id: `2601.0010${i}`,
      url: `https://arxiv.org/abs/2601.0010${i}`,
      title: `Lock-free synchronisation of research libraries across devices whose clocks disagree, part ${i}`,
      abstract: `Abstract ${i} with the word zanzibarite${i}`,
    });
    for (let i = 0; i < 5; i++) await savePaper(a.db, long(i), T + i);
    await tagPapers(a.db, [long(1).id], 'Reading group', undefined, T + 10);
    await setNote(a.db, long(2).id, 'a note', T + 11);
    await a.round();
    const b = await device('devicebb', null, f.client());
    const report = await b.round();
    expect(report.pulled.upserts).toBe(5);
    expect(report.wrote.files).toBe(0);
    const strip = (p: Paper) => ({
      id: p.id,
      title: p.title,
      abstract: p.abstract,
      authors: p.authors,
      tags: p.tags,
      note: p.note,
      status: p.status,
      savedAt: p.savedAt,
    });
    expect((await readFull(b.db)).map(strip)).toEqual((await readFull(a.db)).map(strip));
    expect(await new Searcher(async () => b.db).search('zanzibarite3')).toEqual([long(3).id]);
    expect(await b.db.get('meta', 'reindex')).toBeUndefined();
    // Settled: neither device has anything to say.
    expect((await a.round()).wrote.files).toBe(0);
    expect((await b.round()).wrote.files).toBe(0);
  });

  it('a failed round changes nothing here', async () => {
    const f = await folder();
    await connectFolder(f.client(), '');
    const a = await device('deviceaa', null, f.client());
    await savePaper(a.db, ref, T);
    await a.round();
    const b = await device('devicebb', null, f.client());
    await savePaper(b.db, { ...ref, id: '2601.00002', title: 'Other' }, T);
    server.proxy.add({ kind: 'status', method: 'PUT', status: 507 });
    await expect(b.round()).rejects.toMatchObject({ status: 507 });
    expect((await readFull(b.db)).map((p) => p.id)).toEqual(['2601.00002']);
  });
});

describe('the richer state', () => {
  const paper = (id: string, over: Partial<Paper> = {}): Paper => ({
    id,
    title: `T ${id}`,
    authors: [],
    url: `https://arxiv.org/abs/${id}`,
    source: 'arxiv',
    savedAt: T,
    updatedAt: T,
    tags: [],
    status: 'to-read',
    note: '',
    ...over,
  });
  const state = (papers: Paper[]): DavState => ({ core: fromLocal(papers, [], []), meta: new Map(papers.map((p) => [p.id, metaOf(p)])), marks: new Map() });

  it('metadata: the later record wins field by field, an empty field never erases one, in any order', () => {
    const a = state([paper('1', { title: 'arXiv:1', authors: ['X'], abstract: 'old', updatedAt: T })]);
    const b = state([paper('1', { title: 'Real title', authors: [], updatedAt: T + 5 })]);
    const c = state([paper('1', { abstract: 'newest', authors: [], updatedAt: T + 9 })]);
    const abc = mergeDav(mergeDav(a, b), c);
    expect(sameDav(abc, mergeDav(a, mergeDav(b, c)))).toBe(true);
    expect(sameDav(abc, mergeDav(mergeDav(c, a), b))).toBe(true);
    expect(sameDav(abc, mergeDav(abc, b))).toBe(true);
    expect(abc.meta.get('1')!.v).toMatchObject({ title: 'T 1', authors: ['X'], abstract: 'newest' });
    expect(sameDav(mergeDav(emptyDav(), a), a)).toBe(true);
  });

  it('delta: a metadata record differs by any field, its time, or one author; an equal record held apart does not', () => {
    const base = state([paper('1', { authors: ['X', 'Y'], abstract: 'text', version: 'v2' })]);
    const like = state([paper('1', { authors: ['X', 'Y'], abstract: 'text', version: 'v2' })]);
    expect(delta(like, base).meta.size).toBe(0);
    for (const over of [{ authors: ['X', 'Z'] }, { authors: ['X'] }, { abstract: 'text.' }, { version: 'v3' }, { upvotes: 1 }, { updatedAt: T + 1 }])
      expect([over, [...delta(state([paper('1', { authors: ['X', 'Y'], abstract: 'text', version: 'v2', ...over })]), base).meta.keys()]]).toEqual([
        over,
        ['1'],
      ]);
  });

  it("reads both servers' listings", () => {
    const apache =
      '<D:multistatus xmlns:D="DAV:"><D:response xmlns:lp1="DAV:"><D:href>/x/a%20(1).json</D:href><D:propstat><D:prop><lp1:resourcetype/><lp1:getcontentlength>7</lp1:getcontentlength></D:prop></D:propstat></D:response><D:response><D:href>/x/sub/</D:href><D:propstat><D:prop><lp1:resourcetype><D:collection/></lp1:resourcetype></D:prop></D:propstat></D:response></D:multistatus>';
    expect(parseMultistatus(apache)).toEqual([
      { href: '/x/a%20(1).json', size: 7, dir: false },
      { href: '/x/sub/', size: -1, dir: true },
    ]);
  });
});
