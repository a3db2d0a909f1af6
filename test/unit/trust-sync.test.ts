/**
 * Import, restore, rename and concurrent edits, then sync, with the real
 * library end to end: each "device" is its own fake-indexeddb database, all
 * share one in-memory storage.sync. Every scenario runs several rounds,
 * alternating devices, so that a write undone only on the 2nd or 3rd round
 * (an old tombstone, an older remote copy, a name flipping back) shows.
 */
import { describe, expect, it } from 'vitest';
import { openShelf, type Shelf } from '../../src/library/db';
import { importLibrary } from '../../src/library/import-write';
import { parseImport } from '../../src/library/import';
import { toBackup } from '../../src/library/export';
import { getPapers, listPapers, removePapers, restorePapers, savePaper, setNote, setStatus, tagPapers } from '../../src/library/papers';
import { renameTag } from '../../src/library/tags';
import { applySync, collectTombstones, markTombstonesSynced, readForSync } from '../../src/library/sync-local';
import { lastWrite } from '../../src/library/stamps';
import { syncOnce, TOMBSTONE_TTL, type SyncArea, type SyncReport } from '../../src/library/sync';
import type { Paper, PaperRef, Tag } from '../../src/shared/model';
import { sortedObject } from './chromium-storage';

// ---------------------------------------------------------------------------
// The world: a clock, a shared sync area, devices

const T0 = Date.UTC(2026, 0, 5, 9);
const DAY = 86_400_000;

/** storage.sync in memory: values stored as JSON, as the browser does (no shared references). */
class FakeArea implements SyncArea {
  data = new Map<string, string>();
  /** When set, the next `set` throws this (after any `remove` of the same round went through). */
  failNextSet: string | null = null;
  log: { op: 'get' | 'set' | 'remove'; keys: string[] }[] = [];

  async get(_keys?: null): Promise<Record<string, unknown>> {
    this.log.push({ op: 'get', keys: [] });
    // Objects come back with their keys sorted, as Chromium's storage gives them (sync-read.ts sortedJson).
    return Object.fromEntries([...this.data].map(([k, v]) => [k, JSON.parse(v, sortedObject)]));
  }
  async set(items: Record<string, unknown>): Promise<void> {
    this.log.push({ op: 'set', keys: Object.keys(items) });
    if (this.failNextSet) {
      const m = this.failNextSet;
      this.failNextSet = null;
      throw new Error(m);
    }
    for (const [k, v] of Object.entries(items)) this.data.set(k, JSON.stringify(v));
  }
  async remove(keys: string[]): Promise<void> {
    this.log.push({ op: 'remove', keys: [...keys] });
    for (const k of keys) this.data.delete(k);
  }
}

let worldN = 0;

function world(names = ['a', 'b']) {
  const n = worldN++;
  let t = T0;
  const clock = {
    /** One step of time: every write and every round takes its own millisecond stamp. */
    tick: () => (t += 1000),
    jump: (ms: number) => (t += ms),
    get now() {
      return t;
    },
  };
  const area = new FakeArea();
  const devices = Promise.all(names.map(async (name) => ({ name, db: await openShelf(`dev-${name}-${n}`) })));
  const round = (d: Device): Promise<SyncReport> =>
    syncOnce({
      area,
      readLocal: () => readForSync(d.db),
      writeLocal: (changes, merged) => applySync(d.db, changes, merged, clock.tick()).then(() => {}),
      markSynced: (ids) => markTombstonesSynced(d.db, ids),
      now: clock.tick,
      device: d.name,
    });
  const rounds = async (...order: Device[]) => {
    for (const d of order) await round(d);
  };
  return { clock, area, devices, round, rounds };
}

interface Device {
  name: string;
  db: Shelf;
}

const ref = (id: string): PaperRef => ({
  id,
  title: `The paper ${id}`,
  authors: ['Ada Lovelace', 'Alan Turing'],
  abstract: `Abstract of ${id}.`,
  url: `https://huggingface.co/papers/${id}`,
  source: 'hf',
});

const P1 = '2501.00001';
const P2 = '2501.00002';
const P3 = '2501.00003';

/** What sync promises to agree on: per paper its tags, status and note; the names of the tags in use. */
async function view(d: Device) {
  const { papers, tags } = await readForSync(d.db);
  const names = new Map(tags.map((t) => [t.key, t.name]));
  const out: Record<string, { tags: string[]; status: string; note: string }> = {};
  const tagNames: Record<string, string | undefined> = {};
  for (const p of [...papers].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    out[p.id] = { tags: [...p.tags], status: p.status, note: p.note };
    for (const k of p.tags) tagNames[k] = names.get(k);
  }
  return { papers: out, tagNames };
}

async function expectConverged(...ds: Device[]) {
  const views = await Promise.all(ds.map(view));
  for (let i = 1; i < views.length; i++) expect(views[i], `${ds[i].name} vs ${ds[0].name}`).toEqual(views[0]);
  return views[0];
}

const one = async (d: Device, id: string): Promise<Paper | undefined> => (await getPapers(d.db, [id]))[0];

/** A backup file as the options page exports and imports it: through JSON and the real parser. */
function throughBackupFile(papers: Paper[], tags: Tag[], at: number) {
  const r = parseImport(JSON.stringify(toBackup(papers, tags, at)), 'papershelf-backup.json', at);
  if (!r.ok) throw new Error(r.error);
  return r;
}

const tombstones = async (d: Device) => (await d.db.getAll('tombstones')).map((t) => t.id).sort();

// ---------------------------------------------------------------------------

describe('trust: import and restore, then sync', () => {
  it('a. a backup imported after a removal brings the paper back on every device, with its tags, and it stays', async () => {
    const w = world();
    const [A, B] = await w.devices;
    await savePaper(A.db, ref(P1), w.clock.tick());
    await savePaper(A.db, ref(P2), w.clock.tick());
    await tagPapers(A.db, [P1], 'Diffusion', undefined, w.clock.tick());
    await tagPapers(A.db, [P1], 'to cite', undefined, w.clock.tick());
    await setNote(A.db, P1, 'key result in §3', w.clock.tick());
    await w.rounds(A, B);
    expect((await one(B, P1))?.tags).toEqual(['diffusion', 'to cite']);

    // The backup, exported before the removal.
    const backupAt = w.clock.tick();
    const file = throughBackupFile(await listPapers(A.db), await A.db.getAll('tags'), backupAt);

    await removePapers(A.db, [P1], w.clock.tick());
    await w.rounds(A, B, A, B);
    expect(await one(A, P1)).toBeUndefined();
    expect(await one(B, P1)).toBeUndefined();
    expect(await tombstones(A)).toEqual([P1]);

    // Days later, the user imports the backup on A.
    w.clock.jump(3 * DAY);
    const summary = await importLibrary(A.db, file.papers, file.tags, w.clock.tick());
    expect(summary).toMatchObject({ added: 1, ids: [P1] });
    expect(await tombstones(A)).toEqual([]);

    for (const [i, d] of [A, B, A, B, A, B].entries()) {
      await w.round(d);
      // After every round, never only at the end: a paper removed again by an old tombstone at round 3 fails here.
      expect(await one(A, P1), `A after round ${i + 1}`).toMatchObject({ tags: ['diffusion', 'to cite'], note: 'key result in §3' });
    }
    expect(await one(B, P1)).toMatchObject({ tags: ['diffusion', 'to cite'], note: 'key result in §3' });
    expect(await tombstones(A)).toEqual([]);
    // B may still remember the removal, but only as older than every write of the paper it holds.
    const back = (await one(B, P1))!;
    for (const g of await B.db.getAll('tombstones')) expect(g.deletedAt).toBeLessThan(lastWrite(back));
    const v = await expectConverged(A, B);
    expect(v.tagNames).toEqual({ diffusion: 'Diffusion', 'to cite': 'to cite' });
    expect(Object.keys(v.papers)).toEqual([P1, P2]);
  });

  it('a2. the same restore made on the other device (B imports what A removed) also holds', async () => {
    const w = world();
    const [A, B] = await w.devices;
    await savePaper(A.db, ref(P1), w.clock.tick());
    await tagPapers(A.db, [P1], 'LLM', undefined, w.clock.tick());
    await w.rounds(A, B);
    const file = throughBackupFile(await listPapers(A.db), await A.db.getAll('tags'), w.clock.tick());
    await removePapers(A.db, [P1], w.clock.tick());
    await w.rounds(A, B);
    expect(await one(B, P1)).toBeUndefined();

    await importLibrary(B.db, file.papers, file.tags, w.clock.tick());
    await w.rounds(B, A, B, A, B);
    expect(await one(A, P1)).toMatchObject({ tags: ['llm'] });
    expect(await one(B, P1)).toMatchObject({ tags: ['llm'] });
    expect((await expectConverged(A, B)).tagNames).toEqual({ llm: 'LLM' });
  });

  it('b. undo of a removal (restorePapers) keeps the paper on both devices', async () => {
    const w = world();
    const [A, B] = await w.devices;
    await savePaper(A.db, ref(P1), w.clock.tick());
    await tagPapers(A.db, [P1], 'RLHF', undefined, w.clock.tick());
    await setStatus(A.db, [P1], 'reading', w.clock.tick());
    await w.rounds(A, B);
    expect(await one(B, P1)).toMatchObject({ tags: ['rlhf'], status: 'reading' });

    const removed = await removePapers(A.db, [P1], w.clock.tick());
    expect(removed).toHaveLength(1);
    const restored = await restorePapers(A.db, removed, w.clock.tick());
    expect(restored).toEqual([P1]);
    expect(await tombstones(A)).toEqual([]);

    for (const [i, d] of [A, B, A, B, A].entries()) {
      await w.round(d);
      expect(await one(A, P1), `A after round ${i + 1}`).toMatchObject({ tags: ['rlhf'], status: 'reading' });
    }
    expect(await one(B, P1)).toMatchObject({ tags: ['rlhf'], status: 'reading' });
    await expectConverged(A, B);
  });

  it('b2. undo after the removal already reached the other device brings it back there too', async () => {
    const w = world();
    const [A, B] = await w.devices;
    await savePaper(A.db, ref(P1), w.clock.tick());
    await tagPapers(A.db, [P1], 'RLHF', undefined, w.clock.tick());
    await w.rounds(A, B);
    const removed = await removePapers(A.db, [P1], w.clock.tick());
    await w.rounds(A, B);
    expect(await one(B, P1)).toBeUndefined();
    await restorePapers(A.db, removed, w.clock.tick());
    await w.rounds(A, B, A, B, A);
    expect(await one(A, P1)).toMatchObject({ tags: ['rlhf'] });
    expect(await one(B, P1)).toMatchObject({ tags: ['rlhf'] });
    await expectConverged(A, B);
  });

  it('c. tags an import adds to a paper already synced are not reverted by the older copy elsewhere', async () => {
    const w = world();
    const [A, B] = await w.devices;
    const oldSave = w.clock.tick();
    await savePaper(A.db, ref(P1), oldSave);
    await tagPapers(A.db, [P1], 'x', undefined, w.clock.tick());
    await w.rounds(A, B, A);
    expect((await one(B, P1))?.tags).toEqual(['x']);

    // A backup from another profile, older than A's record: the paper has x and y.
    const backup: Paper = {
      ...ref(P1),
      savedAt: oldSave - 10 * DAY,
      updatedAt: oldSave - 5 * DAY,
      tags: ['x', 'y'],
      status: 'to-read',
      note: '',
    };
    const file = throughBackupFile([backup], [{ key: 'y', name: 'Y', hue: 40 }], oldSave - 5 * DAY);
    const summary = await importLibrary(A.db, file.papers, file.tags, w.clock.tick());
    expect(summary).toMatchObject({ added: 0, updated: 1 });
    expect((await one(A, P1))?.tags).toEqual(['x', 'y']);

    for (const [i, d] of [B, A, B, A, B].entries()) {
      await w.round(d);
      expect((await one(A, P1))?.tags, `A after round ${i + 1}`).toEqual(['x', 'y']);
    }
    expect((await one(B, P1))?.tags).toEqual(['x', 'y']);
    expect((await expectConverged(A, B)).tagNames).toEqual({ x: 'x', y: 'Y' });
  });

  it('d. a case-only rename reaches the other device and does not flip back', async () => {
    const w = world();
    const [A, B] = await w.devices;
    await savePaper(A.db, ref(P1), w.clock.tick());
    await savePaper(A.db, ref(P2), w.clock.tick());
    await tagPapers(A.db, [P1, P2], 'llm', undefined, w.clock.tick());
    await w.rounds(A, B, A, B);
    expect((await B.db.get('tags', 'llm'))?.name).toBe('llm');

    await renameTag(A.db, 'llm', 'LLM', w.clock.tick());
    expect((await A.db.get('tags', 'llm'))?.name).toBe('LLM');
    for (const [i, d] of [A, B, A, B, A, B].entries()) {
      await w.round(d);
      expect((await A.db.get('tags', 'llm'))?.name, `A after round ${i + 1}`).toBe('LLM');
    }
    expect((await B.db.get('tags', 'llm'))?.name).toBe('LLM');
    expect((await expectConverged(A, B)).tagNames).toEqual({ llm: 'LLM' });
    // And the papers kept the tag.
    expect((await one(B, P1))?.tags).toEqual(['llm']);
    expect((await one(B, P2))?.tags).toEqual(['llm']);
  });

  it('d2. a case-only rename made on the device that received the tag through sync also holds', async () => {
    const w = world();
    const [A, B] = await w.devices;
    await savePaper(A.db, ref(P1), w.clock.tick());
    await tagPapers(A.db, [P1], 'llm', undefined, w.clock.tick());
    await w.rounds(A, B);
    await renameTag(B.db, 'llm', 'LLM', w.clock.tick());
    await w.rounds(B, A, B, A, B, A);
    expect((await A.db.get('tags', 'llm'))?.name).toBe('LLM');
    expect((await B.db.get('tags', 'llm'))?.name).toBe('LLM');
    // Renamed back later on A: the later rename wins everywhere.
    await renameTag(A.db, 'llm', 'Llm', w.clock.tick());
    await w.rounds(A, B, A, B);
    expect((await B.db.get('tags', 'llm'))?.name).toBe('Llm');
    expect((await A.db.get('tags', 'llm'))?.name).toBe('Llm');
  });

  it('e. two devices editing the same paper between rounds converge to the last write of each field', async () => {
    const w = world();
    const [A, B] = await w.devices;
    await savePaper(A.db, ref(P1), w.clock.tick());
    await savePaper(A.db, ref(P2), w.clock.tick());
    await tagPapers(A.db, [P1], 'Agents', undefined, w.clock.tick());
    await w.rounds(A, B);

    // Neither has synced since: A changes the status, B adds a tag.
    await setStatus(A.db, [P1], 'read', w.clock.tick());
    await tagPapers(B.db, [P1], 'Reasoning', undefined, w.clock.tick());
    await w.rounds(A, B, A, B);
    await expectConverged(A, B);
    expect((await view(A)).papers[P1]).toEqual({ tags: ['agents', 'reasoning'], status: 'read', note: '' });

    // Then both edit the note, B later; meanwhile B also edits P2's status and A tags P2.
    await setNote(A.db, P1, 'A: skim', w.clock.tick());
    await tagPapers(A.db, [P2], 'Agents', undefined, w.clock.tick());
    await setNote(B.db, P1, 'B: read closely', w.clock.tick());
    await setStatus(B.db, [P2], 'reading', w.clock.tick());
    // A goes first: its older note reaches the area first, B's must still win.
    await w.rounds(A, B, A, B, A);
    const v = await expectConverged(A, B);
    expect(v.papers).toEqual({
      [P1]: { tags: ['agents', 'reasoning'], status: 'read', note: 'B: read closely' },
      [P2]: { tags: ['agents'], status: 'reading', note: '' },
    });
    expect(v.tagNames).toEqual({ agents: 'Agents', reasoning: 'Reasoning' });
  });

  it('e2. three devices: edits on each between rounds, every device ends with the same records', async () => {
    const w = world(['a', 'b', 'c']);
    const [A, B, C] = await w.devices;
    for (const id of [P1, P2, P3]) await savePaper(A.db, ref(id), w.clock.tick());
    await w.rounds(A, B, C);
    await tagPapers(B.db, [P1], 'Survey', undefined, w.clock.tick());
    await setStatus(C.db, [P1], 'reading', w.clock.tick());
    await setNote(A.db, P2, 'from A', w.clock.tick());
    await removePapers(C.db, [P3], w.clock.tick());
    await w.rounds(C, B, A, C, B, A);
    const v = await expectConverged(A, B, C);
    expect(v.papers).toEqual({
      [P1]: { tags: ['survey'], status: 'reading', note: '' },
      [P2]: { tags: [], status: 'to-read', note: 'from A' },
    });
  });

  it('f. tombstones older than TOMBSTONE_TTL are collected by a round and by collectTombstones; recent ones stay', async () => {
    const w = world();
    const [A, B] = await w.devices;
    const P4 = '2501.00004';
    for (const id of [P1, P2, P3, P4]) await savePaper(A.db, ref(id), w.clock.tick());
    await w.rounds(A, B);
    await removePapers(A.db, [P1], w.clock.tick());
    await removePapers(B.db, [P3], w.clock.tick());
    await w.rounds(A, B, A, B);
    expect(await tombstones(A)).toContain(P1);
    expect(await tombstones(B)).toContain(P3);

    // Past the TTL of the first removals. B edits P4, A removes P2: each next round has something to write.
    w.clock.jump(TOMBSTONE_TTL + DAY);
    await setStatus(B.db, [P4], 'read', w.clock.tick());
    await w.round(B);
    await removePapers(A.db, [P2], w.clock.tick());
    await w.round(A);
    expect(await tombstones(A)).toEqual([P2]);
    // B collects its own old tombstone in its round.
    await w.round(B);
    expect(await tombstones(B)).not.toContain(P3);
    expect(await tombstones(B)).not.toContain(P1);
    // The old removals do not come back through the area either.
    await w.rounds(A, B, A);
    expect(await tombstones(A)).toEqual([P2]);
    expect(Object.keys((await expectConverged(A, B)).papers)).toEqual([P4]);
    const remote = JSON.stringify(await w.area.get(null));
    expect(remote).not.toContain(P1);
    expect(remote).not.toContain(P3);
    expect(remote).toContain(P2);

    // collectTombstones alone, at startup.
    const C = { name: 'c', db: await openShelf(`dev-c-collect-${worldN++}`) };
    for (const id of [P1, P2, P3]) await savePaper(C.db, ref(id), T0);
    await removePapers(C.db, [P1], T0);
    await removePapers(C.db, [P2], T0 + 10 * DAY);
    await removePapers(C.db, [P3], T0 + 30 * DAY);
    const now = T0 + TOMBSTONE_TTL + 20 * DAY; // P1 and P2 expired, P3 not
    // Never written to a sync area: nothing is collected, however old (another browser still has to learn it).
    expect(await collectTombstones(C.db, now)).toBe(0);
    await markTombstonesSynced(C.db, [P1, P2, P3]);
    expect(await collectTombstones(C.db, now)).toBe(2);
    expect(await tombstones(C)).toEqual([P3]);
    expect(await collectTombstones(C.db, now)).toBe(0);
    // The boundary: exactly TOMBSTONE_TTL old stays.
    expect(await collectTombstones(C.db, T0 + 30 * DAY + TOMBSTONE_TTL)).toBe(0);
    expect(await collectTombstones(C.db, T0 + 30 * DAY + TOMBSTONE_TTL + 1)).toBe(1);
  });

  // BUG (sync-local.ts applySync + sync.ts syncOnce): a device that learns a removal through sync
  // deletes the paper but never stores the tombstone: applySync skips tombstones of ids it
  // just deleted (`!touched.includes(id)`), and later rounds with nothing else to change never
  // call writeLocal at all. The removal then lives only in the area.
  it('f2. a device that receives a removal through sync keeps its tombstone', async () => {
    const w = world();
    const [A, B] = await w.devices;
    await savePaper(A.db, ref(P1), w.clock.tick());
    await savePaper(A.db, ref(P2), w.clock.tick());
    await w.rounds(A, B);
    const at = w.clock.tick();
    await removePapers(A.db, [P1], at);
    await w.rounds(A, B);
    expect(await one(B, P1)).toBeUndefined();
    expect(await B.db.getAll('tombstones'), 'right after the round that removed it').toEqual([
      { id: P1, deletedAt: at, synced: true, learntAt: expect.any(Number) },
    ]);
    await w.rounds(A, B, A, B);
    expect(await B.db.getAll('tombstones'), 'after more rounds').toEqual([{ id: P1, deletedAt: at, synced: true, learntAt: expect.any(Number) }]);
  });

  it('f3. ...so that, once the area is reset, an old copy from an offline device does not come back there', async () => {
    const w = world(['a', 'b', 'c']);
    const [A, B, C] = await w.devices;
    await savePaper(A.db, ref(P1), w.clock.tick());
    await tagPapers(A.db, [P1], 'Old', undefined, w.clock.tick());
    await w.rounds(A, B, C); // C goes offline holding P1
    await removePapers(A.db, [P1], w.clock.tick());
    await w.rounds(A, B, A, B);
    expect(await one(B, P1)).toBeUndefined();
    // The synced data is reset (the user cleared it from the account); A is not around any more.
    w.area.data.clear();
    await w.rounds(B, C, B, C);
    expect(await one(B, P1), 'B removed P1: an older copy must not bring it back').toBeUndefined();
  });

  // BUG, same root: syncOnce calls writeLocal (applySync, which collects) only when a paper or tag changes.
  it('f4. a round with nothing else to write still collects expired tombstones', async () => {
    const w = world();
    const [A, B] = await w.devices;
    await savePaper(A.db, ref(P1), w.clock.tick());
    await savePaper(A.db, ref(P2), w.clock.tick());
    await removePapers(A.db, [P1], w.clock.tick());
    await w.rounds(A, B, A);
    expect(await tombstones(A)).toEqual([P1]);
    w.clock.jump(TOMBSTONE_TTL + DAY);
    await w.round(A);
    expect(await tombstones(A)).toEqual([]);
  });

  it('g. a remote left partly written (set fails after remove) loses nothing, and rounds converge once it clears', async () => {
    const w = world();
    const [A, B] = await w.devices;
    // Enough papers with long notes that the chunks are cut by size: shortening the notes later merges
    // the pieces, so a round removes items before it writes.
    const ids = Array.from({ length: 24 }, (_, i) => `2502.${String(10000 + i * 37).padStart(5, '0')}`);
    for (const id of ids) await savePaper(A.db, ref(id), w.clock.tick());
    await tagPapers(A.db, ids.slice(0, 8), 'Long read', undefined, w.clock.tick());
    for (const id of ids) await setNote(A.db, id, `${id}: ${'a long note about the method. '.repeat(30)}`, w.clock.tick());
    await w.rounds(A, B, A);
    const before = await expectConverged(A, B);
    expect(Object.keys(before.papers)).toHaveLength(24);

    for (const id of ids) await setNote(A.db, id, `short ${id}`, w.clock.tick());
    await setStatus(A.db, ids.slice(0, 4), 'read', w.clock.tick());
    w.area.failNextSet = 'QUOTA_BYTES quota exceeded';
    w.area.log = [];
    await expect(w.round(A)).rejects.toThrow(/QUOTA_BYTES/);
    const removes = w.area.log.filter((e) => e.op === 'remove');
    // The scenario is the one meant: items went away, the new ones never arrived.
    expect(removes.length).toBe(1);
    expect(removes[0].keys.length).toBeGreaterThan(0);

    // B syncs against the half-written area: it must lose nothing of what it has.
    const bBefore = await view(B);
    await w.round(B);
    expect(await view(B)).toEqual(bBefore);
    expect(await tombstones(B)).toEqual([]);
    // A's local edits are still there too.
    expect((await one(A, ids[0]))?.note).toBe(`short ${ids[0]}`);

    // The failure clears: a few rounds and both hold A's edits.
    await w.rounds(A, B, A, B);
    const after = await expectConverged(A, B);
    expect(Object.keys(after.papers)).toHaveLength(24);
    for (const id of ids) expect(after.papers[id].note).toBe(`short ${id}`);
    for (const id of ids.slice(0, 4)) expect(after.papers[id].status).toBe('read');
    for (const id of ids.slice(0, 8)) expect(after.papers[id].tags).toEqual(['long read']);
  });

  it('g2. a round whose set fails leaves the area readable: another device reading it removes nothing', async () => {
    const w = world(['a', 'b', 'c']);
    const [A, B, C] = await w.devices;
    for (const id of [P1, P2, P3]) await savePaper(A.db, ref(id), w.clock.tick());
    await tagPapers(A.db, [P1, P2, P3], 'Shared', undefined, w.clock.tick());
    await w.rounds(A, B, C);
    // A removes one paper; its round fails to write.
    await removePapers(A.db, [P2], w.clock.tick());
    w.area.failNextSet = 'QUOTA_BYTES quota exceeded';
    await expect(w.round(A)).rejects.toThrow();
    await w.rounds(B, C);
    expect(Object.keys((await view(B)).papers)).toEqual([P1, P2, P3]);
    // Once it clears, the removal (the only intended change) reaches everyone and nothing else goes.
    await w.rounds(A, B, C, A);
    const v = await expectConverged(A, B, C);
    expect(Object.keys(v.papers)).toEqual([P1, P3]);
    expect(v.papers[P1].tags).toEqual(['shared']);
  });

  it('h. an edit made while a round runs (between its read and its write) is kept, even against a removal', async () => {
    const w = world();
    const [A, B] = await w.devices;
    await savePaper(A.db, ref(P1), w.clock.tick());
    await savePaper(A.db, ref(P2), w.clock.tick());
    await w.rounds(A, B);
    await removePapers(A.db, [P1], w.clock.tick());
    await setNote(A.db, P2, 'from A', w.clock.tick());
    await w.round(A);
    // B's round reads P1 and P2, decides to remove P1 and take A's note; the user edits both in B's popup meanwhile.
    await syncOnce({
      area: w.area,
      readLocal: () => readForSync(B.db),
      writeLocal: async (changes, merged) => {
        expect(changes.deletes).toEqual([P1]);
        await setNote(B.db, P1, 'written during the round', w.clock.tick());
        await setNote(B.db, P2, 'B, during the round', w.clock.tick());
        await applySync(B.db, changes, merged, w.clock.tick());
      },
      markSynced: (ids) => markTombstonesSynced(B.db, ids),
      now: w.clock.tick,
      device: B.name,
    });
    expect((await one(B, P1))?.note).toBe('written during the round');
    expect((await one(B, P2))?.note).toBe('B, during the round');
    // And the next rounds spread B's later edits rather than undo them.
    await w.rounds(B, A, B, A);
    const v = await expectConverged(A, B);
    expect(v.papers[P1]).toEqual({ tags: [], status: 'to-read', note: 'written during the round' });
    expect(v.papers[P2].note).toBe('B, during the round');
  });
});
