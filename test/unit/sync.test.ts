import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { syncOnce, TOMBSTONE_TTL, type SyncArea, type SyncDeps } from '../../src/library/sync';
import { decode, diffItems, encode, isSyncKey, LIMITS, newerFormat, QUOTA } from '../../src/library/sync-codec';
import { emptyState, fromLocal, lastChange, merge, TITLE_MAX, type SyncPaper, type SyncState } from '../../src/library/sync-state';
import { applyPatch, changesFor, type LocalChanges } from '../../src/library/sync-patch';
import { stamp } from '../../src/library/stamps';
import type { Tombstone } from '../../src/library/db';
import { noteTooLongToSync } from '../../src/shared/sync-status';
import type { Paper as SyncedPaper } from '../../src/shared/model';
import { PaperSchema } from '../../src/shared/messages';
import { READING_STATUSES, tagHue, tagKey, type ReadingStatus, type Tag } from '../../src/shared/model';
import { rng } from './rng';
import { asChromiumReadsIt } from './chromium-storage';

const NOW = Date.UTC(2026, 10, 29, 12);
const DAY = 86_400_000;

// ---------------------------------------------------------------------------
// Realistic libraries

const TAG_NAMES = [
  'LLM',
  'Diffusion',
  'RLHF',
  'Vision-Language',
  'Agents',
  'Reasoning',
  'Benchmarks',
  'Efficient Inference',
  'Quantization',
  'Mixture of Experts',
  'Retrieval',
  'RAG',
  'Code Generation',
  'Speech',
  'Robotics',
  'Graph Neural Networks',
  'Interpretability',
  'Alignment',
  'Safety',
  'Multimodal',
  'Video Generation',
  '3D',
  'NeRF',
  'Gaussian Splatting',
  'Optimization',
  'Theory',
  'Scaling Laws',
  'Data Curation',
  'Synthetic Data',
  'Tokenization',
  'Long Context',
  'State Space Models',
  'Transformers',
  'Attention',
  'Distillation',
  'Pruning',
  'Federated Learning',
  'Privacy',
  'Medical',
  'Biology',
  'Chemistry',
  'Time Series',
  'Recommender Systems',
  'Evaluation',
  'Survey',
  'to cite',
  'read later',
  'Reading group',
  'Thesis ch. 3',
  'Reproduce',
];
const TAGS: Tag[] = TAG_NAMES.map((name) => ({ key: tagKey(name), name, hue: tagHue(tagKey(name)) }));
const WORDS = (
  'model training data language large scaling attention token reasoning benchmark results method approach propose show ' +
  'learning neural network efficient inference diffusion image video agent policy reward alignment évaluation naïve — ' +
  'we our this that with from into across baseline ablation figure table appendix limitation future work interesting'
).split(' ');

function text(r: ReturnType<typeof rng>, min: number, max: number): string {
  const len = r.int(min, max);
  let s = '';
  while (s.length < len) s += (s ? ' ' : '') + r.pick(WORDS);
  return s.slice(0, len).trimEnd() || 'x';
}

function makeLibrary(n: number, seed = 1): { papers: SyncedPaper[]; tags: Tag[] } {
  const r = rng(seed);
  const ids = new Set<string>();
  while (ids.size < n) {
    if (r.next() < 0.02)
      ids.add(`hep-th/${String(r.int(91, 99)).padStart(2, '0')}${String(r.int(1, 12)).padStart(2, '0')}${String(r.int(1, 999)).padStart(3, '0')}`);
    else ids.add(`${r.int(18, 26)}${String(r.int(1, 12)).padStart(2, '0')}.${String(r.int(1, 29999)).padStart(5, '0')}`);
  }
  const papers = [...ids].map((id): SyncedPaper => {
    const savedAt = NOW - r.int(0, 3 * 365) * DAY - r.int(0, DAY);
    const updatedAt = r.next() < 0.5 ? savedAt : Math.min(NOW, savedAt + r.int(1, 200 * DAY));
    const tags = [...new Set(Array.from({ length: r.int(0, 4) }, () => r.pick(TAGS).key))];
    return {
      id,
      title: text(r, 30, 150),
      authors: ['Ada Lovelace', 'Alan Turing'],
      url: `https://arxiv.org/abs/${id}`,
      source: 'arxiv',
      savedAt,
      updatedAt,
      tags,
      status: r.pick(READING_STATUSES),
      note: r.next() < 0.2 ? text(r, 50, 300) : '',
    };
  });
  const used = new Set(papers.flatMap((p) => p.tags));
  return { papers, tags: TAGS.filter((t) => used.has(t.key)) };
}

// ---------------------------------------------------------------------------
// Helpers

/** A stable dump for strict comparison (Map order and undefined keys included). */
const dump = (s: SyncState) =>
  JSON.stringify({
    papers: [...s.papers.entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
    tombstones: [...s.tombstones.entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
    tags: [...s.tags.entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
  });

/** Checks every quota the way the browser counts it; returns the totals. */
function checkQuotas(items: Record<string, unknown>) {
  let total = 0;
  let totalUtf8 = 0;
  let biggest = 0;
  for (const [k, value] of Object.entries(items)) {
    const json = JSON.stringify(value);
    const one = k.length + json.length;
    const oneUtf8 = new TextEncoder().encode(k + json).length;
    expect(oneUtf8, `item ${k}`).toBeLessThanOrEqual(QUOTA.perItem);
    total += one;
    totalUtf8 += oneUtf8;
    biggest = Math.max(biggest, oneUtf8);
  }
  const count = Object.keys(items).length;
  expect(total).toBeLessThanOrEqual(QUOTA.bytes);
  expect(totalUtf8).toBeLessThanOrEqual(LIMITS.bytes); // the 95% margin
  expect(biggest).toBeLessThanOrEqual(LIMITS.perItem);
  expect(count).toBeLessThanOrEqual(LIMITS.items);
  return { total, totalUtf8, biggest, count };
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** storage.sync in memory, refusing writes over the quotas as Chrome does, and reading objects back with sorted keys as Chromium does. */
class FakeArea implements SyncArea {
  data: Record<string, unknown> = {};
  writes = 0;
  async get() {
    return asChromiumReadsIt(this.data);
  }
  async set(items: Record<string, unknown>) {
    const next = { ...this.data, ...clone(items) };
    const bytes = Object.entries(next).reduce((n, [k, x]) => n + new TextEncoder().encode(k + JSON.stringify(x)).length, 0);
    if (bytes > QUOTA.bytes || Object.keys(next).length > QUOTA.items) throw new Error('QUOTA_BYTES quota exceeded');
    for (const [k, x] of Object.entries(items))
      if (new TextEncoder().encode(k + JSON.stringify(x)).length > QUOTA.perItem) throw new Error('QUOTA_BYTES_PER_ITEM quota exceeded');
    this.data = next;
    this.writes++;
  }
  async remove(keys: string[]) {
    for (const k of keys) delete this.data[k];
    this.writes++;
  }
}

/** A browser's library in memory, with a store that records per-field times as it should. */
class Device {
  papers = new Map<string, SyncedPaper>();
  tags = new Map<string, Tag>();
  tombstones = new Map<string, number>();
  constructor(
    public name: string,
    public clock: { now: number },
  ) {}
  load(papers: SyncedPaper[], tags: Tag[]) {
    for (const p of clone(papers)) this.papers.set(p.id, p);
    for (const t of tags) this.tags.set(t.key, { ...t });
  }
  private edit(id: string, field: 'tags' | 'status' | 'note', change: (p: SyncedPaper) => void, at: number) {
    const p = stamp(this.papers.get(id)!, [field], at);
    change(p);
    this.papers.set(id, p);
  }
  tag(id: string, name: string, at: number) {
    const key = tagKey(name);
    if (!this.tags.has(key)) this.tags.set(key, { key, name, hue: tagHue(key) });
    this.edit(id, 'tags', (p) => (p.tags = [...p.tags, key]), at);
  }
  setStatus(id: string, status: ReadingStatus, at: number) {
    this.edit(id, 'status', (p) => (p.status = status), at);
  }
  setNote(id: string, note: string, at: number) {
    this.edit(id, 'note', (p) => (p.note = note), at);
  }
  save(p: SyncedPaper) {
    this.papers.set(p.id, clone(p));
  }
  remove(id: string, at: number) {
    this.papers.delete(id);
    this.tombstones.set(id, at);
    this.synced.delete(id);
  }
  /** Tombstones written to the area (sync-local.ts keeps the same flag). */
  synced = new Set<string>();
  deps(area: SyncArea): SyncDeps {
    return {
      area,
      device: this.name,
      now: () => this.clock.now,
      readLocal: async () => ({
        papers: clone([...this.papers.values()]),
        tags: [...this.tags.values()],
        tombstones: [...this.tombstones].map(([id, deletedAt]): Tombstone => ({ id, deletedAt, synced: this.synced.has(id) })),
      }),
      markSynced: async (ids) => {
        for (const id of ids) this.synced.add(id);
      },
      writeLocal: async (changes: LocalChanges, merged: SyncState) => {
        for (const patch of changes.upserts) {
          const next = applyPatch(this.papers.get(patch.id), patch);
          if (next) this.papers.set(next.id, next);
        }
        for (const id of changes.deletes) this.papers.delete(id);
        for (const t of changes.tags) this.tags.set(t.key, t);
        for (const [id, t] of merged.tombstones) {
          if (this.tombstones.get(id) === t) continue;
          this.tombstones.set(id, t);
          this.synced.add(id);
        }
        for (const [id, t] of this.tombstones) if (t < this.clock.now - TOMBSTONE_TTL && this.synced.has(id)) this.tombstones.delete(id);
      },
    };
  }
  /** What the user sees of the synced fields. */
  view() {
    return [...this.papers.values()].map((p) => ({ id: p.id, tags: p.tags, status: p.status, note: p.note })).sort((a, b) => (a.id < b.id ? -1 : 1));
  }
  state() {
    return fromLocal(
      [...this.papers.values()],
      [...this.tags.values()],
      [...this.tombstones].map(([id, deletedAt]) => ({ id, deletedAt })),
    );
  }
}

const paper = (id: string, over: Partial<SyncedPaper> = {}): SyncedPaper => ({
  id,
  title: `Paper ${id}`,
  authors: ['Ada'],
  url: `https://arxiv.org/abs/${id}`,
  source: 'arxiv',
  savedAt: NOW - 10 * DAY,
  updatedAt: NOW - 10 * DAY,
  tags: [],
  status: 'to-read',
  note: '',
  ...over,
});

// ---------------------------------------------------------------------------

describe('encode within the storage.sync quotas', () => {
  const big = makeLibrary(10_000);

  it('10,000 papers: every quota holds, the newest sync, the rest are counted out', () => {
    const state = fromLocal(big.papers, big.tags, []);
    const t0 = performance.now();
    const enc = encode(state, NOW);
    const ms = performance.now() - t0;
    const t2 = performance.now();
    encode(state, NOW + 1);
    const warmMs = performance.now() - t2;
    const q = checkQuotas(enc.items);
    expect(enc.bytes).toBe(q.totalUtf8);
    expect(enc.included + enc.excluded).toBe(10_000);
    expect(enc.included).toBeGreaterThan(1_000);
    expect(enc.excluded).toBeGreaterThan(0);
    const t1 = performance.now();
    const back = decode(clone(enc.items))!;
    const decodeMs = performance.now() - t1;
    // The newest by last change, and only those.
    const newest = [...state.papers.values()].sort((a, b) => lastChange(b) - lastChange(a) || (a.id < b.id ? -1 : 1)).slice(0, enc.included);
    expect(new Set(back.papers.keys())).toEqual(new Set(newest.map((p) => p.id)));
    // Papers come before notes: none left out while notes are, so no note synced here.
    expect([...back.papers.values()].every((p) => p.note === undefined || p.note === '')).toBe(true);
    console.log(
      `sync 10,000 papers: ${enc.included} included, ${enc.excluded} excluded, ${enc.notesLeftOut} notes left out; ` +
        `${enc.bytes} bytes in ${q.count} items (largest ${q.biggest} B); encode ${ms.toFixed(1)} ms (again: ${warmMs.toFixed(1)} ms), decode ${decodeMs.toFixed(1)} ms`,
    );
  });

  it('a library over the quota loses nothing locally: excluded papers and notes left out change nothing here', () => {
    const local = big.papers.slice(0, 3_000);
    const state = fromLocal(local, big.tags, []);
    const enc = encode(state, NOW);
    expect(enc.excluded + enc.notesLeftOut).toBeGreaterThan(0);
    const merged = merge(state, decode(clone(enc.items))!);
    expect(dump(merged)).toBe(dump(state));
    expect(changesFor(local, merged, big.tags)).toEqual({ upserts: [], deletes: [], tags: [] });
  });

  it('300 papers fit whole, with notes and titles, and come back equal', () => {
    const { papers, tags } = makeLibrary(300, 7);
    const state = fromLocal(papers, tags, [{ id: '2101.00001', deletedAt: NOW - DAY }]);
    const enc = encode(state, NOW);
    checkQuotas(enc.items);
    expect(enc).toMatchObject({ included: 300, excluded: 0, notesLeftOut: 0, tombstonesLeftOut: 0 });
    expect(papers.filter((p) => p.note).length).toBeGreaterThan(30);
    const back = decode(clone(enc.items));
    expect(back).not.toBeNull();
    expect(dump(back!)).toBe(dump(state));
    const p = back!.papers.get(papers[0].id)!;
    expect(p.title!.length).toBeLessThanOrEqual(TITLE_MAX);
  });

  it('notes go before papers do, newest notes kept; a note too big for an item never syncs, and is never cut', () => {
    const { papers, tags } = makeLibrary(1_300, 3);
    for (const p of papers) if (!p.note && p.id.charCodeAt(p.id.length - 1) % 2) p.note = 'n'.repeat(120);
    const huge = paper('2601.00001', { note: 'h'.repeat(20_000), savedAt: NOW, updatedAt: NOW });
    const state = fromLocal([...papers, huge], tags, []);
    const enc = encode(state, NOW);
    checkQuotas(enc.items);
    expect(enc.excluded).toBe(0);
    expect(enc.notesLeftOut).toBeGreaterThan(0);
    const back = decode(clone(enc.items))!;
    // Left out, it still says when it was written: no browser puts an older note in its place.
    expect(back.papers.get(huge.id)).toMatchObject({ id: huge.id, noteAt: state.papers.get(huge.id)!.noteAt });
    expect(state.papers.get(huge.id)!.noteAt).toBeGreaterThan(0);
    expect(back.papers.get(huge.id)!.note).toBeUndefined();
    // The newest paper with a note that fits has it.
    const withNotes = [...state.papers.values()].filter((p) => p.note && p.note.length < 1000).sort((a, b) => lastChange(b) - lastChange(a));
    expect(back.papers.get(withNotes[0].id)!.note).toBe(withNotes[0].note);
    // On the other side, an unknown note never erases one.
    const merged = merge(fromLocal([huge], [], []), back);
    expect(merged.papers.get(huge.id)!.note).toBe(huge.note);
  });

  it('removals the area holds are dropped after 60 days; a removal not yet written is written whatever its age', async () => {
    const area = new FakeArea();
    const clock = { now: NOW };
    const a = new Device('A', clock);
    a.remove('2401.00001', NOW - 61 * DAY);
    a.remove('2401.00002', NOW - 59 * DAY);
    await syncOnce(a.deps(area));
    expect([...decode(area.data)!.tombstones.keys()]).toEqual(['2401.00001', '2401.00002']);
    expect([...a.synced].sort()).toEqual(['2401.00001', '2401.00002']);
    // Written: the next round lets the old one expire from the area, and this browser collects it.
    a.remove('2401.00003', NOW);
    await syncOnce(a.deps(area));
    expect([...decode(area.data)!.tombstones.keys()]).toEqual(['2401.00002', '2401.00003']);
    // Another browser does not put back a removal the area let expire.
    const b = new Device('B', clock);
    b.tombstones.set('2401.00001', NOW - 61 * DAY);
    b.synced.add('2401.00001');
    const r = await syncOnce(b.deps(area));
    expect(r.written + r.removed).toBe(0);
  });

  it('an empty library is a manifest alone, which decodes to an empty state', () => {
    const enc = encode(emptyState(), NOW, { device: 'Chrome on laptop' });
    expect(Object.keys(enc.items)).toEqual(['m']);
    expect(dump(decode(enc.items)!)).toBe(dump(emptyState()));
  });
});

describe('merge', () => {
  function randomState(r: ReturnType<typeof rng>): SyncState {
    const ids = ['2401.00001', '2401.00002', '2401.00003', '2401.00004', 'hep-th/9901001'];
    const times = [0, 10, 20, 30, 40];
    const s = emptyState();
    for (const id of ids) {
      if (r.next() < 0.6) {
        const note = r.pick([undefined, '', 'a', 'b']);
        const p: SyncPaper = {
          id,
          savedAt: r.pick([0, 5, 10, 25]),
          tags: r.pick([[], ['x'], ['y'], ['x', 'y'], ['y', 'x']]),
          tagsAt: r.pick(times),
          status: r.pick(READING_STATUSES),
          statusAt: r.pick(times),
          noteAt: note === undefined ? 0 : r.pick(times),
        };
        if (note !== undefined) p.note = note;
        const title = r.pick([undefined, 'T', 'Title']);
        if (title) p.title = title;
        s.papers.set(id, p);
      }
      if (r.next() < 0.3) s.tombstones.set(id, r.pick([15, 25, 35]));
    }
    for (const key of ['x', 'y'])
      if (r.next() < 0.5) s.tags.set(key, { key, name: r.pick([key, key.toUpperCase()]), hue: r.pick([1, 2]), at: r.pick([0, 10]) });
    return merge(s, emptyState()); // canonical form
  }

  it('is commutative, associative and idempotent (1,000 random triples with ties and tombstones)', () => {
    const r = rng(42);
    for (let i = 0; i < 1_000; i++) {
      const [a, b, c] = [randomState(r), randomState(r), randomState(r)];
      expect(dump(merge(a, b))).toBe(dump(merge(b, a)));
      expect(dump(merge(merge(a, b), c))).toBe(dump(merge(a, merge(b, c))));
      expect(dump(merge(a, a))).toBe(dump(a));
      expect(dump(merge(a, merge(a, b)))).toBe(dump(merge(a, b)));
    }
  });

  it('survives the wire: decode(encode(s)) is s for random states', () => {
    const r = rng(9);
    for (let i = 0; i < 300; i++) {
      const s = randomState(r);
      for (const p of s.papers.values()) for (const k of p.tags) if (!s.tags.has(k)) s.tags.set(k, { key: k, name: k, hue: tagHue(k), at: 0 });
      const used = new Set([...s.papers.values()].flatMap((p) => p.tags));
      for (const k of [...s.tags.keys()]) if (!used.has(k)) s.tags.delete(k); // encode sends only tags in use
      expect(dump(decode(clone(encode(s, 100).items))!)).toBe(dump(s));
    }
  });

  it('per field: the later write of each field wins', () => {
    const base = paper('2401.00001', { fieldsAt: { tags: 10, status: 10, note: 10 }, updatedAt: 10 });
    const a = fromLocal([{ ...base, tags: ['llm'], fieldsAt: { tags: 30, status: 10, note: 10 }, updatedAt: 30 }], [], []);
    const b = fromLocal([{ ...base, status: 'read', note: 'B', fieldsAt: { tags: 10, status: 20, note: 40 }, updatedAt: 40 }], [], []);
    const m = merge(a, b).papers.get('2401.00001')!;
    expect(m).toMatchObject({ tags: ['llm'], tagsAt: 30, status: 'read', statusAt: 20, note: 'B', noteAt: 40 });
  });

  it('a removed paper does not come back from an older copy', () => {
    const old = fromLocal([paper('2401.00001', { updatedAt: NOW - 5 * DAY, tags: ['llm'] })], [], []);
    const removed = fromLocal([], [], [{ id: '2401.00001', deletedAt: NOW - DAY }]);
    for (const m of [merge(old, removed), merge(removed, old)]) {
      expect(m.papers.has('2401.00001')).toBe(false);
      expect(m.tombstones.get('2401.00001')).toBe(NOW - DAY);
    }
    // Nor through the wire, nor when the old copy is merged again later.
    const once = merge(old, decode(encode(removed, NOW).items)!);
    expect(merge(once, old).papers.has('2401.00001')).toBe(false);
  });

  it('a paper saved again after its removal comes back, with its new date and fresh fields', () => {
    const old = fromLocal([paper('2401.00001', { savedAt: NOW - 9 * DAY, updatedAt: NOW - 5 * DAY, tags: ['old'], status: 'read' })], [], []);
    const again = fromLocal([paper('2401.00001', { savedAt: NOW, updatedAt: NOW })], [], [{ id: '2401.00001', deletedAt: NOW - DAY }]);
    const m = merge(old, again);
    expect(m.papers.get('2401.00001')).toMatchObject({ savedAt: NOW, tags: [], status: 'to-read' });
    expect(dump(merge(again, old))).toBe(dump(m));
  });

  it('an edit made elsewhere after the removal keeps the paper, with that edit only', () => {
    const edited = fromLocal(
      [paper('2401.00001', { tags: ['llm'], note: 'later', fieldsAt: { tags: NOW - 5 * DAY, status: NOW - 5 * DAY, note: NOW }, updatedAt: NOW })],
      [],
      [],
    );
    const removed = fromLocal([], [], [{ id: '2401.00001', deletedAt: NOW - DAY }]);
    const m = merge(edited, removed).papers.get('2401.00001')!;
    expect(m).toMatchObject({ savedAt: 0, tags: [], tagsAt: NOW - DAY, status: 'to-read', note: 'later', noteAt: NOW });
    const created = changesFor([], merge(edited, removed)).upserts[0].create!;
    expect(created).toMatchObject({ savedAt: NOW, note: 'later', tags: [] });
  });

  it('ties at the same millisecond are decided by value, the same on both sides', () => {
    const a = fromLocal([paper('2401.00001', { status: 'read', note: 'A', updatedAt: 50 })], [{ key: 'llm', name: 'LLM', hue: 3 }], []);
    const b = fromLocal([paper('2401.00001', { status: 'reading', note: 'B', updatedAt: 50 })], [{ key: 'llm', name: 'llm', hue: 3 }], []);
    expect(dump(merge(a, b))).toBe(dump(merge(b, a)));
    expect(merge(a, b).papers.get('2401.00001')).toMatchObject({ status: 'read', note: 'B' });
  });

  it('without per-field times a paper is one register: the later edit takes all three fields', () => {
    // Documents what the store gains by recording fieldsAt.
    const base = paper('2401.00001', { updatedAt: 10 });
    const a = fromLocal([{ ...base, tags: ['llm'], updatedAt: 30 }], [], []);
    const b = fromLocal([{ ...base, status: 'read', updatedAt: 40 }], [], []);
    expect(merge(a, b).papers.get('2401.00001')).toMatchObject({ tags: [], status: 'read' });
  });
});

describe('the status a round reports', () => {
  it('a library over the quota, a long note and a bulk removal: each counted, in the report the options page shows', async () => {
    const area = new FakeArea();
    const a = new Device('A', { now: NOW });
    const { papers, tags } = makeLibrary(3_000, 11);
    a.load(papers, tags);
    const long = 'é'.repeat(4_000); // 8,000 bytes: more than one storage.sync item can hold
    a.setNote(papers[0].id, long, NOW);
    for (const p of papers.slice(1, 1001)) a.remove(p.id, NOW + 1);
    const r = await syncOnce(a.deps(area));
    checkQuotas(area.data);
    // Every removal fits first; papers make room for them.
    expect(r.tombstones).toBe(1000);
    expect(r.tombstonesLeftOut).toBe(0);
    expect(r.included + r.excluded).toBe(2000);
    expect(r.excluded).toBeGreaterThan(0);
    expect(r.notesTooLong).toBe(1);
    expect(r.notesLeftOut).toBeGreaterThanOrEqual(1);
    expect(noteTooLongToSync(long)).toBe(true);
    expect(noteTooLongToSync('é'.repeat(3_000))).toBe(false);
    // What the area holds says the same.
    const back = decode(area.data)!;
    expect(back.tombstones.size).toBe(1000);
    expect(back.papers.size).toBe(r.included);
    // The removals are marked written, so they may be collected once old.
    expect(a.synced.size).toBe(1000);
  });

  it('a paper whose note only just fits an item syncs with it; the editor warns only past that', async () => {
    const area = new FakeArea();
    const a = new Device('A', { now: NOW });
    const note = 'x'.repeat(7_150);
    expect(noteTooLongToSync(note)).toBe(false);
    a.load(
      [paper('2601.00002', { note, tags: ['a', 'b'] })],
      [
        { key: 'a', name: 'a', hue: 1 },
        { key: 'b', name: 'b', hue: 2 },
      ],
    );
    const r = await syncOnce(a.deps(area));
    expect(r.notesLeftOut).toBe(0);
    expect(decode(area.data)!.papers.get('2601.00002')!.note).toBe(note);
  });
});

describe('two browsers', () => {
  const P1 = '2401.00001';
  const P2 = '2401.00002';
  const P3 = '2402.00003';
  const start = [paper(P1, { tags: ['llm'] }), paper(P2, { note: 'first thoughts' }), paper('2401.00009', { status: 'read' })];
  const tags: Tag[] = [{ key: 'llm', name: 'LLM', hue: tagHue('llm') }];

  function setup() {
    const clock = { now: NOW };
    const area = new FakeArea();
    const a = new Device('A', clock);
    const b = new Device('B', clock);
    a.load(start, tags);
    b.load(start, tags);
    // Concurrent edits: neither browser has synced since the common start.
    a.tag(P1, 'Reasoning', NOW + 10);
    b.setStatus(P1, 'reading', NOW + 20);
    b.setNote(P2, 'edited before the removal', NOW + 25);
    b.save(paper(P3, { title: 'A paper added on B', savedAt: NOW + 15, updatedAt: NOW + 15, tags: ['llm'] }));
    a.remove(P2, NOW + 30);
    clock.now = NOW + 100;
    return { clock, area, a, b };
  }

  it('merge(A, B) equals merge(B, A)', () => {
    const { a, b } = setup();
    expect(dump(merge(a.state(), b.state()))).toBe(dump(merge(b.state(), a.state())));
  });

  it.each([
    ['A first', ['a', 'b', 'a']],
    ['B first', ['b', 'a', 'b']],
  ] as const)('converge to the same library through storage.sync (%s)', async (_, order) => {
    const { area, a, b } = setup();
    for (const who of order) await syncOnce((who === 'a' ? a : b).deps(area));
    expect(a.view()).toEqual(b.view());
    expect(a.view()).toEqual(
      [
        { id: P1, tags: ['llm', 'reasoning'], status: 'reading', note: '' },
        { id: '2401.00009', tags: [], status: 'read', note: '' },
        { id: P3, tags: ['llm'], status: 'to-read', note: '' },
      ].sort((x, y) => (x.id < y.id ? -1 : 1)),
    );
    // The paper new to A: a placeholder completed when seen, valid for the store's schema.
    const p3 = (order[0] === 'a' ? a : b).papers.get(P3)!;
    const created = (order[0] === 'a' ? a : b) === a ? p3 : a.papers.get(P3)!;
    expect(created).toMatchObject({ title: 'A paper added on B', url: `https://arxiv.org/abs/${P3}`, source: 'arxiv', savedAt: NOW + 15 });
    const { fieldsAt: _f, ...plain } = a.papers.get(P3)!;
    expect(v.is(PaperSchema, plain)).toBe(true);
    // The tag created on A reached B with its display name.
    expect(b.tags.get('reasoning')).toEqual({ key: 'reasoning', name: 'Reasoning', hue: tagHue('reasoning') });
    // Nothing left to do: another round on each side writes nothing.
    const writes = area.writes;
    const ra = await syncOnce(a.deps(area));
    const rb = await syncOnce(b.deps(area));
    expect([ra.written, ra.removed, rb.written, rb.removed, ra.pulled.upserts + rb.pulled.upserts]).toEqual([0, 0, 0, 0, 0]);
    expect(area.writes).toBe(writes);
    expect(dump(a.state())).toBe(dump(b.state()));
  });

  it('a third browser coming back with an old copy does not bring the removed paper back', async () => {
    const { area, a, b, clock } = setup();
    const c = new Device('C', clock);
    c.load(start, tags); // offline since the start: still has P2
    await syncOnce(a.deps(area));
    await syncOnce(b.deps(area));
    await syncOnce(c.deps(area));
    await syncOnce(a.deps(area));
    await syncOnce(b.deps(area));
    for (const d of [a, b, c]) expect(d.papers.has(P2)).toBe(false);
    expect(c.view()).toEqual(a.view());
  });

  it('a paper saved again after the removal comes back everywhere', async () => {
    const { area, a, b, clock } = setup();
    await syncOnce(a.deps(area));
    await syncOnce(b.deps(area));
    clock.now += 1_000;
    a.save(paper(P2, { savedAt: clock.now, updatedAt: clock.now, title: 'Saved again' }));
    await syncOnce(a.deps(area));
    await syncOnce(b.deps(area));
    expect(b.papers.get(P2)).toMatchObject({ id: P2, savedAt: clock.now, note: '', tags: [] });
  });

  it('two libraries over the quota, partly different, settle: writes stop, nothing local is lost', { timeout: 60_000 }, async () => {
    const { papers: all, tags: allTags } = makeLibrary(4_000, 11);
    const clock = { now: NOW + 1000 };
    const area = new FakeArea();
    const a = new Device('A', clock);
    const b = new Device('B', clock);
    a.load(all.slice(0, 2_500), allTags);
    b.load(all.slice(1_500), allTags);
    const rounds: number[] = [];
    for (let i = 0; i < 6; i++) {
      for (const d of [a, b]) {
        clock.now += 1000;
        const r = await syncOnce(d.deps(area));
        rounds.push(r.written + r.removed);
      }
    }
    expect(rounds.slice(-4)).toEqual([0, 0, 0, 0]);
    console.log(`items written per round, two browsers of 2,500 papers (1,000 shared): ${rounds.join(' ')}`);
    for (const d of [a, b]) expect(d.papers.size).toBeGreaterThanOrEqual(2_500);
    // What both hold reads the same on both.
    const shared = [...a.papers.keys()].filter((id) => b.papers.has(id));
    // Notes that never fitted stay where they were written: a browser that got the paper through sync has none.
    const noteKnown = (id: string) => a.papers.get(id)!.fieldsAt?.note !== 0 && b.papers.get(id)!.fieldsAt?.note !== 0;
    const view = (d: Device) =>
      shared.map((id) => {
        const p = d.papers.get(id)!;
        return [id, p.tags, p.status, noteKnown(id) ? p.note : '?'];
      });
    expect(view(a)).toEqual(view(b));
    const notesOnlyOneSide = shared.filter((id) => !noteKnown(id) && (a.papers.get(id)!.note || b.papers.get(id)!.note)).length;
    console.log(`papers both hold: ${shared.length}; notes that stayed on one side for lack of room: ${notesOnlyOneSide}`);
    checkQuotas(area.data);
  });

  it("completing a paper's metadata later stamps no field: a note edited elsewhere meanwhile wins", () => {
    const mine = stamp(paper(P1, { note: 'old' }), ['note'], NOW);
    const completed = { ...mine, title: 'Full title', authors: ['Ada'], updatedAt: NOW + 500 }; // completePaper
    const theirs = stamp(paper(P1, { note: 'old' }), ['note'], NOW);
    theirs.note = 'edited elsewhere';
    const edited = stamp(theirs, ['note'], NOW + 100);
    const merged = merge(fromLocal([completed], [], []), fromLocal([edited], [], []));
    expect(merged.papers.get(P1)!.note).toBe('edited elsewhere');
    expect(changesFor([completed], merged).upserts).toEqual([{ id: P1, note: { value: 'edited elsewhere', at: NOW + 100 } }]);
  });

  it('a local edit made while a sync is in flight is not overwritten (applyPatch checks times)', () => {
    const mine = paper(P1, { status: 'read', fieldsAt: { tags: 10, status: 500, note: 10 }, updatedAt: 500 });
    expect(applyPatch(mine, { id: P1, status: { value: 'reading', at: 400 } })).toBeNull();
    expect(applyPatch(mine, { id: P1, status: { value: 'reading', at: 600 } })).toMatchObject({ status: 'reading', fieldsAt: { status: 600 }, updatedAt: 600 });
    expect(applyPatch(undefined, { id: P1, status: { value: 'reading', at: 600 } })).toBeNull();
  });
});

describe('diffItems: few writes', () => {
  const { papers, tags } = makeLibrary(300, 5);
  const before = encode(fromLocal(papers, tags, []), NOW).items;

  const after = (change: (ps: SyncedPaper[]) => SyncedPaper[], tombstones: Tombstone[] = []) =>
    diffItems(clone(before), encode(fromLocal(change(clone(papers)), tags, tombstones), NOW + 1000).items);

  it('the same state writes nothing, even a manifest with a new time', () => {
    expect(diffItems(clone(before), encode(fromLocal(papers, tags, []), NOW + 5000, { device: 'B' }).items)).toEqual({ set: {}, remove: [] });
  });

  it('…also when the area gives objects back with their keys sorted (Chromium)', () => {
    const area = asChromiumReadsIt(before);
    // The positive control: Chromium's order is not the order encode writes.
    expect(Object.keys(area.m as object)).not.toEqual(Object.keys(before.m as object));
    expect(diffItems(area, encode(fromLocal(papers, tags, []), NOW + 5000, { device: 'B' }).items)).toEqual({ set: {}, remove: [] });
  });

  it('a round that changes nothing writes nothing, on an area that reads back as Chromium does', async () => {
    const area = new FakeArea();
    const clock = { now: NOW };
    const a = new Device('A', clock);
    a.load(papers.slice(0, 50), tags);
    await syncOnce(a.deps(area));
    clock.now += 60_000;
    const writes = area.writes;
    expect(writes).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) {
      clock.now += 5_000;
      expect((await syncOnce(a.deps(area))).written).toBe(0);
    }
    expect(area.writes).toBe(writes);
  });

  it.each([
    ['status', (p: SyncedPaper) => ({ ...p, status: p.status === 'read' ? 'reading' : 'read', updatedAt: NOW + 1000 }) as SyncedPaper],
    ['tag', (p: SyncedPaper) => ({ ...p, tags: [...p.tags, 'survey'], updatedAt: NOW + 1000 })],
    ['note', (p: SyncedPaper) => ({ ...p, note: 'A new note on this paper, a few words long.', updatedAt: NOW + 1000 })],
  ])('one %s edit writes at most 2 items: its chunk and the manifest', { timeout: 60_000 }, (_, edit) => {
    for (let i = 0; i < papers.length; i += 3) {
      const d = after((ps) => ps.map((p, j) => (j === i ? edit(p) : p)));
      expect(Object.keys(d.set)).toContain('m');
      expect(Object.keys(d.set).length + d.remove.length).toBeLessThanOrEqual(2);
    }
  });

  it("removing a paper mostly writes its chunk, the removals' chunk and the manifest (more when the room it frees lets titles in)", () => {
    const counts: number[] = [];
    for (let i = 1; i < papers.length; i += 3) {
      const removed = after((ps) => ps.filter((_, j) => j !== i), [{ id: papers[i].id, deletedAt: NOW + 1000 }]);
      counts.push(Object.keys(removed.set).length + removed.remove.length);
    }
    expect(Math.max(...counts)).toBeLessThanOrEqual(20);
    // Most removals touch their own chunk (and the next, when the paper closed one), the removals' chunk, the manifest.
    expect(counts.filter((n) => n <= 4).length).toBeGreaterThan(counts.length * 0.9);
  }, 60_000);

  it('saving a paper writes 2 items, 3 when its id starts a new chunk', () => {
    const counts: Record<number, number> = {};
    for (let i = 0; i < 60; i++) {
      const id = `2611.${String(1000 + i * 37).padStart(5, '0')}`;
      const saved = after((ps) => [...ps, paper(id, { savedAt: NOW + 1000, updatedAt: NOW + 1000 })]);
      const n = Object.keys(saved.set).length + saved.remove.length;
      counts[n] = (counts[n] ?? 0) + 1;
    }
    console.log(`writes per save (items: saves) ${JSON.stringify(counts)}`);
    expect(Object.keys(counts).every((n) => Number(n) <= 3)).toBe(true);
    expect(counts[2]).toBeGreaterThanOrEqual(45);
  });

  it('removes only its own keys; other settings in storage.sync stay', () => {
    const d = diffItems({ ...clone(before), options: { theme: 'dark' }, theme: 1, 'p:zzzzzzz': [] }, before);
    expect(d).toEqual({ set: {}, remove: ['p:zzzzzzz'] });
    expect(['m', 'p:_', 'p:1a2b', 't:xyz.2', 'd:1a2b'].every(isSyncKey)).toBe(true);
    expect(['theme', 'p0', 'options', '__proto__', 'p:', 'x:1a2b', 'p:ABC'].some(isSyncKey)).toBe(false);
  });

  it('reports the writes of an edit in a library over the quota', () => {
    const { papers: many } = makeLibrary(10_000);
    const prev = encode(fromLocal(many, TAGS, []), NOW).items;
    const newest = [...fromLocal(many, TAGS, []).papers.values()].sort((a, b) => lastChange(b) - lastChange(a))[5];
    const edited = many.map((p) => (p.id === newest.id ? { ...p, status: 'read' as const, updatedAt: NOW + 1000 } : p));
    const d = diffItems(prev, encode(fromLocal(edited, TAGS, []), NOW + 1000).items);
    console.log(`one status edit in 10,000 papers: ${Object.keys(d.set).length} items set, ${d.remove.length} removed`);
    expect(Object.keys(d.set).length + d.remove.length).toBeLessThanOrEqual(4);
  });
});

describe('decode of hostile items', () => {
  const good = encode(fromLocal([paper('2401.00001', { tags: ['llm'], note: 'ok' })], tags(), [{ id: '2401.00002', deletedAt: NOW }]), NOW).items;
  function tags(): Tag[] {
    return [{ key: 'llm', name: 'LLM', hue: 3 }];
  }
  const chunkKey = Object.keys(good).find((k) => k.startsWith('p:'))!;
  const withChunk = (entries: unknown) => ({ m: { v: 1, k: [chunkKey] }, [chunkKey]: entries });
  const valid = (good[chunkKey] as unknown[])[0];

  it.each([
    ['null', null],
    ['a string', 'm'],
    ['an array', [1, 2]],
    ['a number', 42],
    ['no manifest, no chunk', { foo: 1 }],
    ['manifest not an object', { m: 'v1' }],
    ['manifest of a newer format', { ...good, m: { v: 3, k: [] } }],
    ['manifest with keys not a list', { m: { v: 1, k: 'p:_' } }],
    ['manifest with hostile keys', { m: { v: 1, k: ['__proto__', 'constructor'] } }],
    ['manifest with huge key list', { m: { v: 1, k: Array(100_000).fill('p:_') } }],
  ])('%s: null', (_, items) => {
    expect(() => decode(items)).not.toThrow();
    expect(decode(items)).toBeNull();
  });

  it.each([
    ['chunk not an array', { x: 1 }],
    ['chunk a huge string', 'x'.repeat(2_000_000)],
    ['entries of wrong types', [null, 1, 'x', {}, [], [[]], true]],
    ['bad id', [['javascript:alert(1)', 'abc', 0, [], 0, 0]]],
    ['id "__proto__"', [['__proto__', 'abc', 0, [], 0, 0]]],
    ['status out of range', [['2401.00003', 'abc', 7, [], 0, 0]]],
    ['negative time', [['2401.00003', '-abc', 0, [], 0, 0]]],
    ['time not base36', [['2401.00003', 'zz!', 0, [], 0, 0]]],
    ['time NaN / Infinity', [['2401.00003', 'abc', 0, [], NaN, Infinity]]],
    ['time beyond year 275760', [['2401.00003', 'zzzzzzzzzzz', 0, [], 0, 0]]],
    ['tags not a list', [['2401.00003', 'abc', 0, 'llm', 0, 0]]],
    ['tag key not a key', [['2401.00003', 'abc', 0, ['LLM '], 0, 0]]],
    ['huge note', [['2401.00003', 'abc', 0, [], 0, 0, 0, 'n'.repeat(1_000_000)]]],
    ['note an object', [['2401.00003', 'abc', 0, [], 0, 0, 0, { toString: 1 }]]],
    ['huge title', [['2401.00003', 'abc', 0, [], 0, 0, 0, 0, 't'.repeat(100_000)]]],
    ['too long a record', [['2401.00003', 'abc', 0, [], 0, 0, 0, '', 'T', 'extra']]],
  ])('%s: the entry is skipped, the rest kept', (_, entries) => {
    const items = withChunk(Array.isArray(entries) ? [...entries, valid] : entries);
    expect(() => decode(items)).not.toThrow();
    const s = decode(items)!;
    expect(s).not.toBeNull();
    expect([...s.papers.keys()]).toEqual(Array.isArray(entries) ? ['2401.00001'] : []);
  });

  it('__proto__ keys in parsed JSON pollute nothing', () => {
    const items = JSON.parse(
      `{"m":{"v":1,"k":["${chunkKey}","t:_"],"__proto__":{"polluted":1}},"__proto__":{"polluted":1},` +
        `"${chunkKey}":[["2401.00001","abc",0,["__proto__","constructor"],0,0]],"t:_":[["__proto__","Proto",1,0],["constructor",0,400,0]]}`,
    );
    const s = decode(items)!;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(s.papers.get('2401.00001')!.tags).toEqual(['__proto__', 'constructor']);
    expect([...s.tags.keys()]).toEqual(['__proto__']); // hue 400 is out of range
    expect(() => changesFor([], s)).not.toThrow();
  });

  it('a getter that throws, a proxy: null', () => {
    const trap = {
      m: { v: 1, k: [chunkKey] },
      get [chunkKey]() {
        throw new Error('boom');
      },
    };
    expect(decode(trap)).toBeNull();
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
        ownKeys() {
          throw new Error('boom');
        },
      },
    );
    expect(decode(proxy)).toBeNull();
  });

  it('a newer format is flagged so the background does not overwrite it', async () => {
    expect(newerFormat({ m: { v: 3 } })).toBe(3);
    expect(newerFormat(good)).toBeNull();
    const area = new FakeArea();
    area.data = { m: { v: 3, k: ['p:_'] }, 'p:_': ['future'] };
    const d = new Device('A', { now: NOW });
    d.load([paper('2401.00001')], []);
    const r = await syncOnce(d.deps(area));
    expect(r.error).toMatch(/format 3/);
    expect(area.writes).toBe(0);
  });

  it('chunks without their manifest yet are read; a manifest listing chunks not arrived yet reads the rest', () => {
    const { m: _m, ...chunks } = clone(good);
    expect(decode(chunks)!.papers.has('2401.00001')).toBe(true);
    expect(decode(chunks)!.tombstones.has('2401.00002')).toBe(true);
    const lacking = clone(good);
    delete lacking[Object.keys(good).find((k) => k.startsWith('t:'))!];
    expect(decode(lacking)!.papers.get('2401.00001')!.tags).toEqual(['llm']);
    expect(decode(lacking)!.tags.size).toBe(0);
  });
});
