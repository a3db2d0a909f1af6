/**
 * WebDAV sync against real servers (Apache mod_dav and rclone, on loopback,
 * test/harness/webdav.mjs), three devices on the real library (fake-indexeddb),
 * clocks a year behind, right and a year ahead, faults on.
 *
 * The oracle is epochs: in each epoch every paper belongs to one device (the
 * only one that touches it: saves, tags, status, notes, removals, restores,
 * "not relevant" marks), devices run rounds at random moments while the fault
 * proxy truncates uploads, answers 423/507/500, drops connections, renames on
 * conflict and restarts the server; then faults stop and every device runs
 * rounds until the folder holds everything. At that point every device must
 * hold exactly what the owners' actions say (nothing lost, nothing
 * resurrected), and a further round writes nothing. Across epochs ownership
 * moves, so a device a year behind edits what one a year ahead wrote last.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openShelf, type Shelf } from '../../src/library/db';
import { removePapers, savePaper, setNote, setStatus, tagPapers, untagPaper } from '../../src/library/papers';
import { listTrash, restoreFromTrash } from '../../src/library/trash';
import { readFull } from '../../src/library/write';
import { setNotRelevant } from '../../src/library/corpus';
import { DavClient } from '../../src/library/webdav/client';
import { memoryCache } from '../../src/library/webdav/cache';
import { syncRound, type RoundReport } from '../../src/library/webdav/engine';
import { applyLocal, readLocalFull } from '../../src/library/webdav/local';
import { DATA_DIR, parseName } from '../../src/library/webdav/format';
import { READING_STATUSES, tagKey, type PaperRef, type ReadingStatus } from '../../src/shared/model';
import { filesUnder, PASSWORD, startWebDav, USER } from '../harness/webdav.mjs';
import { rng } from './rng';

const DAY = 86_400_000;
const YEAR = 365 * DAY;
const OFFSETS = [-YEAR, 0, YEAR];
// 400 edits a device in `npm test` (about 25 s a server), to keep CI within its 10 minutes;
// WEBDAV_OPS=1000 runs the full 1,000 (about 63 s a server on this machine).
const OPS = Number(process.env.WEBDAV_OPS ?? 400);
const EPOCHS = 20;
const PAPERS = 30;
const TAGS = ['Vision', 'NLP', 'Theory'];

const ids = Array.from({ length: PAPERS }, (_, i) => `2601.${String(10000 + i)}`);
const ref = (id: string): PaperRef => ({
  id,
  title: `A study of ${id}`,
  authors: [`Author ${id.slice(-2)}`, 'Second Author'],
  abstract: `Abstract of ${id}. `.repeat(20),
  url: `https://arxiv.org/abs/${id}`,
  source: 'arxiv',
});

interface Want {
  tags: string[];
  status: ReadingStatus;
  note: string;
}

interface Device {
  name: string;
  id: string;
  db: Shelf;
  offset: number;
  cache: ReturnType<typeof memoryCache>;
}

async function libraryOf(d: Device) {
  const papers = await readFull(d.db);
  const out: Record<string, Want & { title: string; abstract?: string; authors: string[] }> = {};
  for (const p of papers.sort((a, b) => (a.id < b.id ? -1 : 1)))
    out[p.id] = { tags: p.tags, status: p.status, note: p.note, title: p.title, abstract: p.abstract, authors: p.authors };
  const marked = (await d.db.getAllFromIndex('corpus', 'notRelevant')).map((e) => e.id).sort();
  return { papers: out, marked };
}

describe.each(['apache', 'rclone'] as const)('WebDAV sync through %s', (kind) => {
  let server: Awaited<ReturnType<typeof startWebDav>>;
  let now = Date.UTC(2026, 2, 1, 9);
  let run = 0;
  beforeAll(async () => {
    server = await startWebDav(kind);
  });
  afterAll(async () => {
    await server?.close();
  });

  const client = (url = server.url) => new DavClient(`${url}${kind}-${run}/`, { user: USER, password: PASSWORD });
  const round = (d: Device, c = client()): Promise<RoundReport> =>
    syncRound({
      client: c,
      device: d.id,
      cache: d.cache,
      readLocal: () => readLocalFull(d.db),
      applyLocal: (m, l) => applyLocal(d.db, m, l, now + d.offset),
      now: () => now + d.offset,
    });

  async function devices(): Promise<Device[]> {
    run++;
    await new DavClient(server.url, { user: USER, password: PASSWORD }).mkcol(`${kind}-${run}/`);
    return Promise.all(
      OFFSETS.map(async (offset, i) => ({
        name: 'abc'[i],
        id: `dev${kind}${run}${'abc'[i]}`,
        db: await openShelf(`webdav-${kind}-${run}-${i}`),
        offset,
        cache: memoryCache(),
      })),
    );
  }

  it(`three devices a year apart converge through ${OPS} edits each, with faults`, async () => {
    const r = rng(kind === 'apache' ? 19 : 91);
    const devs = await devices();
    const want = new Map<string, Want>();
    const marks = new Map<string, boolean>();
    const opsPer = Math.ceil(OPS / EPOCHS);
    let failures = 0;
    let rounds = 0;
    const faults = [
      () => server.proxy.add({ kind: 'truncate' }),
      () => server.proxy.add({ kind: 'status', method: 'PUT', status: 507 }),
      () => server.proxy.add({ kind: 'status', method: 'PROPFIND', status: 423 }),
      () => server.proxy.add({ kind: 'status', method: 'MOVE', status: 500 }),
      () => server.proxy.add({ kind: 'status', method: 'GET', status: 503 }),
      () => server.proxy.add({ kind: 'drop' }),
      () => server.proxy.add({ kind: 'rename' }),
      () => server.proxy.add({ kind: 'restart' }),
    ];
    const tryRound = async (d: Device) => {
      rounds++;
      try {
        await round(d);
      } catch {
        failures++;
      }
    };

    for (let epoch = 0; epoch < EPOCHS; epoch++) {
      const owner = new Map(ids.map((id) => [id, r.pick(devs)]));
      for (let step = 0; step < opsPer; step++) {
        for (const d of devs) {
          now += 1000;
          const wall = now + d.offset;
          const mineIds = ids.filter((id) => owner.get(id) === d);
          if (!mineIds.length) continue;
          const id = r.pick(mineIds);
          const w = want.get(id);
          const op = r.int(0, 9);
          if (!w || op === 0) {
            if (!w) {
              const trash = (await listTrash(d.db)).find((e) => e.id === id);
              if (trash && r.next() < 0.5) {
                await restoreFromTrash(d.db, [id], wall);
                want.set(id, { tags: [...trash.paper.tags], status: trash.paper.status, note: trash.paper.note });
              } else {
                await savePaper(d.db, ref(id), wall);
                want.set(id, { tags: [], status: 'to-read', note: '' });
              }
            } else {
              await removePapers(d.db, [id], wall);
              want.delete(id);
            }
          } else if (op <= 3) {
            const name = r.pick(TAGS);
            const key = tagKey(name);
            if (w.tags.includes(key)) {
              await untagPaper(d.db, id, key, wall);
              w.tags = w.tags.filter((k) => k !== key);
            } else {
              await tagPapers(d.db, [id], name, undefined, wall);
              w.tags = [...w.tags, key];
            }
          } else if (op <= 5) {
            const s = r.pick(READING_STATUSES.filter((x) => x !== w.status));
            await setStatus(d.db, [id], s, wall);
            w.status = s;
          } else if (op <= 7) {
            // Notes of any length: up to 20,000 characters.
            const note = r.next() < 0.1 ? `long ${epoch} ${step} `.repeat(r.int(100, 1500)) : `note ${d.name} ${epoch}.${step}`;
            await setNote(d.db, id, note, wall);
            w.note = note;
          } else {
            const on = !marks.get(id);
            await setNotRelevant(d.db, { id, title: ref(id).title, authors: ref(id).authors }, on, wall);
            marks.set(id, on);
          }
          if (r.next() < 0.15) {
            if (r.next() < 0.5) r.pick(faults)();
            await tryRound(r.pick(devs));
          }
        }
      }
      // The end of an epoch: faults off, every device reads and writes until the folder holds everything.
      server.proxy.clear();
      for (let pass = 0; pass < 2; pass++) for (const d of devs) await round(d);
      const expected = Object.fromEntries(
        [...want]
          .sort((a, b) => (a[0] < b[0] ? -1 : 1))
          .map(([id, w]) => [id, { ...w, title: ref(id).title, abstract: ref(id).abstract, authors: ref(id).authors }]),
      );
      const expectedMarks = [...marks]
        .filter(([, on]) => on)
        .map(([id]) => id)
        .sort();
      for (const d of devs) {
        const lib = await libraryOf(d);
        expect(lib.papers, `device ${d.name} after epoch ${epoch}`).toEqual(expected);
        expect(lib.marked, `marks on device ${d.name} after epoch ${epoch}`).toEqual(expectedMarks);
      }
      // Settled: a round that has nothing to say writes nothing.
      for (const d of devs) expect((await round(d)).wrote.files, `device ${d.name} writes nothing once settled (epoch ${epoch})`).toBe(0);
      now += 2 * DAY; // days pass: daily snapshots, and after 30 days their expiry
    }
    // Faults happened and were survived.
    expect(failures).toBeGreaterThan(0);
    expect(rounds).toBeGreaterThan(EPOCHS);
    // No stray files: only well-named data files of the three devices, no uploads left behind.
    const files: string[] = filesUnder(server.data, `${kind}-${run}`).map((f: string) => f.slice(`${kind}-${run}/`.length));
    const data = files.filter((f) => f.startsWith('PaperShelf/v1/data/')).map((f) => f.slice('PaperShelf/v1/data/'.length));
    expect(files.filter((f) => !f.startsWith('PaperShelf/v1/data/'))).toEqual([]);
    expect(data.filter((n) => !parseName(n))).toEqual([]);
    expect(new Set(data.map((n) => parseName(n)!.device))).toEqual(new Set(devs.map((d) => d.id)));
    // History: no device keeps more than one snapshot a day for 30 days, plus its logs.
    for (const d of devs) expect(data.filter((n) => n.startsWith(`d-${d.id}-snapshot-`)).length).toBeLessThanOrEqual(31);
    expect(DATA_DIR).toBe('PaperShelf/v1/data/');
  }, 600_000);
});
