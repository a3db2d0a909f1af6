/**
 * Sync as a property (issue 17), with the real library end to end: each browser
 * is its own fake-indexeddb database, all share one in-memory storage.sync that
 * refuses writes over Chrome's quotas, and each browser's wall clock is its own
 * (a year behind, right, a year ahead), passed to every write and round.
 *
 * 1. Random actions on random browsers, interleaved with rounds of random
 *    browsers; then every browser holds the same library, the one the users'
 *    actions give (the oracle below), and a round that changes nothing writes nothing.
 * 2. A thousand (ten thousand) papers removed at once on one browser leave every browser.
 * 3. Files from the future (a backup dated 2099, PaperMemory's addDate 2099) are
 *    clamped on import, and the paper, once removed, stays removed.
 * 4. Over the quota, random libraries that differ from browser to browser: the
 *    rounds settle (no two browsers rewrite the area in turn), and every browser
 *    holds the area's papers as the area has them.
 *
 * The oracle knows nothing of times. It keeps every write of every register (a
 * paper's presence, its tags, its status, its note) with the causal history of
 * the browser that made it: a vector clock kept by the test, where a browser has
 * seen a write once one of its rounds came after a round of the writer,
 * transitively through the area. A write that a later write of the same register
 * causally follows was overwritten by a user who had seen it; the value a browser
 * holds must be one of the writes nothing follows (any of them when they are
 * concurrent: the library's deterministic tie-break picks, the test only checks
 * that it picked one of them). It is checked after every round of every browser
 * against what that browser has seen, and at the end against everything.
 */
import { describe, expect, it } from 'vitest';
import { openShelf, type Shelf } from '../../src/library/db';
import { importLibrary } from '../../src/library/import-write';
import { parseImport } from '../../src/library/import';
import { toBackup } from '../../src/library/export';
import { getPapers, removePapers, savePaper, setNote, setStatus, tagPapers, untagPaper } from '../../src/library/papers';
import { listTrash, restoreFromTrash } from '../../src/library/trash';
import { readFull } from '../../src/library/write';
import { applySync, collectTombstones, markTombstonesSynced, readForSync } from '../../src/library/sync-local';
import { fieldTime, lastWrite, type StampedField } from '../../src/library/stamps';
import { syncOnce, TOMBSTONE_TTL, type SyncArea, type SyncReport } from '../../src/library/sync';
import { decode, QUOTA } from '../../src/library/sync-codec';
import { AHEAD_LIMIT } from '../../src/library/clock';
import { READING_STATUSES, tagKey, type Paper, type PaperRef, type Tag } from '../../src/shared/model';
import { rng } from './rng';
import { sortedObject } from './chromium-storage';

const T0 = Date.UTC(2026, 0, 5, 9);
const DAY = 86_400_000;
const YEAR = 365 * DAY;
/** The clocks of issue 17: a year behind, right, a year ahead. */
const YEAR_APART = [-YEAR, 0, YEAR] as const;

// ---------------------------------------------------------------------------
// The world

type Rng = ReturnType<typeof rng>;

const utf8 = (s: string) => new TextEncoder().encode(s).length;

/** storage.sync in memory: values kept as JSON (no shared references), Chrome's quotas enforced, writes counted. */
class QuotaArea implements SyncArea {
  data = new Map<string, string>();
  /** Calls of set and remove: what counts against the browser's write quotas. */
  writes = 0;
  /** The most the area ever held. */
  peak = { bytes: 0, items: 0, biggest: 0 };

  async get(_keys?: null): Promise<Record<string, unknown>> {
    // Objects come back with their keys sorted, as Chromium's storage gives them (sync-read.ts sortedJson).
    return Object.fromEntries([...this.data].map(([k, v]) => [k, JSON.parse(v, sortedObject)]));
  }
  async set(items: Record<string, unknown>): Promise<void> {
    const next = new Map(this.data);
    for (const [k, v] of Object.entries(items)) {
      const json = JSON.stringify(v);
      if (utf8(k) + utf8(json) > QUOTA.perItem) throw new Error(`QUOTA_BYTES_PER_ITEM quota exceeded (${k})`);
      next.set(k, json);
    }
    const use = QuotaArea.usage(next);
    if (use.bytes > QUOTA.bytes) throw new Error(`QUOTA_BYTES quota exceeded (${use.bytes})`);
    if (use.items > QUOTA.items) throw new Error(`MAX_ITEMS quota exceeded (${use.items})`);
    this.data = next;
    this.writes++;
    this.peak = { bytes: Math.max(this.peak.bytes, use.bytes), items: Math.max(this.peak.items, use.items), biggest: Math.max(this.peak.biggest, use.biggest) };
  }
  async remove(keys: string[]): Promise<void> {
    for (const k of keys) this.data.delete(k);
    this.writes++;
  }
  /** What Chrome counts: per item its key and its value's JSON, in UTF-8. */
  static usage(data: Map<string, string>) {
    let bytes = 0;
    let biggest = 0;
    for (const [k, json] of data) {
      const b = utf8(k) + utf8(json);
      bytes += b;
      biggest = Math.max(biggest, b);
    }
    return { bytes, items: data.size, biggest };
  }
  /** The state the area holds, as a browser reads it. */
  async state() {
    return decode(await this.get());
  }
}

interface Device {
  i: number;
  name: string;
  db: Shelf;
  /** How far this browser's wall clock is from the true time. */
  skew: number;
}

let worldN = 0;

async function world(skews: readonly number[]) {
  const n = worldN++;
  let t = T0;
  const area = new QuotaArea();
  const devices: Device[] = await Promise.all(
    skews.map(async (skew, i) => ({ i, name: String.fromCharCode(65 + i), db: await openShelf(`prop-${n}-${i}`), skew })),
  );
  const counts = { localWrites: 0 };
  /** A browser's wall clock: the true time plus its skew; every read advances the true time 1 ms. */
  const wall = (d: Device) => ++t + d.skew;
  const round = (d: Device): Promise<SyncReport> =>
    syncOnce({
      area,
      readLocal: () => readForSync(d.db),
      writeLocal: async (changes, merged) => {
        counts.localWrites++;
        await applySync(d.db, changes, merged, wall(d));
      },
      markSynced: (ids) => markTombstonesSynced(d.db, ids),
      now: () => wall(d),
      device: d.name,
    });
  /** One round of each browser in `order`; the reports, and whether any wrote the area or its own library. */
  const cycle = async (order: readonly Device[]) => {
    const before = { area: area.writes, local: counts.localWrites };
    const reports: SyncReport[] = [];
    for (const d of order) reports.push(await round(d));
    return { reports, quiet: area.writes === before.area && counts.localWrites === before.local };
  };
  /** Full cycles until one writes nothing anywhere; the number of cycles it took, at most `max` (else it fails). */
  const quiesce = async (max: number, order: () => readonly Device[] = () => devices, label = '') => {
    for (let n = 1; ; n++) {
      expect(n, `${label}: the area or a library is still rewritten after ${max} full cycles`).toBeLessThanOrEqual(max);
      if ((await cycle(order())).quiet) return n;
    }
  };
  return {
    area,
    devices,
    counts,
    wall,
    round,
    cycle,
    quiesce,
    advance: (ms: number) => (t += ms),
  };
}

const ref = (id: string): PaperRef => ({
  id,
  title: `On the paper ${id}`,
  authors: ['Ada Lovelace', 'Alan Turing'],
  abstract: `Abstract of ${id}.`,
  url: `https://arxiv.org/abs/${id}`,
  source: 'arxiv',
});

interface View {
  papers: Record<string, { tags: string[]; status: string; note: string }>;
  tagNames: Record<string, string | undefined>;
}

/** What sync promises to agree on: per paper its tags, status and note; the names of the tags in use. */
async function view(db: Shelf): Promise<View> {
  const tx = db.transaction(['papers', 'tags']);
  const [papers, tags] = await Promise.all([tx.objectStore('papers').getAll(), tx.objectStore('tags').getAll()]);
  await tx.done;
  const names = new Map(tags.map((t) => [t.key, t.name]));
  const out: View = { papers: {}, tagNames: {} };
  for (const p of papers) {
    out.papers[p.id] = { tags: [...p.tags], status: p.status, note: p.note };
    for (const k of p.tags) out.tagNames[k] = names.get(k);
  }
  return out;
}

/** A backup file as the options page exports and imports it: through JSON and the real parser. */
function throughBackupFile(papers: Paper[], tags: Tag[], at: number) {
  const r = parseImport(JSON.stringify(toBackup(papers, tags, at)), 'papershelf-backup.json', at);
  if (!r.ok) throw new Error(r.error);
  return r;
}

// ---------------------------------------------------------------------------
// The oracle

type Reg = 'present' | StampedField;
const FIELDS: readonly StampedField[] = ['tags', 'status', 'note'];

interface Write {
  reg: Reg;
  /** JSON of the value written: presence true/false, the tag list, the status, the note. */
  value: string;
  dev: number;
  seq: number;
  /** The writer's causal history when it wrote, this write included (vc[dev] === seq). */
  vc: number[];
  /** For messages: the action and its step. */
  what: string;
}

/** Every write of every register, each with the causal history of its writer. */
class Oracle {
  /** Per browser: how many of each browser's actions it has seen. */
  vc: number[][];
  /** What the sync area carries. */
  area: number[];
  writes = new Map<string, Write[]>();

  constructor(readonly n: number) {
    this.vc = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    this.area = new Array<number>(n).fill(0);
  }

  /** A browser's round: it learns what the area carries, and the area then carries what it knows. */
  round(dev: number) {
    const mine = this.vc[dev];
    for (let i = 0; i < this.n; i++) mine[i] = Math.max(mine[i], this.area[i]);
    for (let i = 0; i < this.n; i++) this.area[i] = Math.max(this.area[i], mine[i]);
  }

  /**
   * Records what an action on `dev` wrote, from the records of the papers it touched before and
   * after: a paper gone was removed (every register written: absent, and the defaults a removal
   * leaves); a field whose time changed was written with its new value, and an edit is also a
   * write of presence (an edit made after a removal elsewhere keeps the paper). Returns whether
   * anything was written.
   */
  record(dev: number, before: Map<string, Paper | undefined>, after: Map<string, Paper | undefined>, what: string): boolean {
    const effects: [string, Reg, string][] = [];
    for (const [id, b] of before) {
      const a = after.get(id);
      if (b && !a) {
        effects.push([id, 'present', 'false'], [id, 'tags', '[]'], [id, 'status', '"to-read"'], [id, 'note', '""']);
      } else if (a) {
        const fields = FIELDS.filter((f) => !b || fieldTime(a, f) !== fieldTime(b, f));
        if (!fields.length) continue;
        effects.push([id, 'present', 'true']);
        for (const f of fields) effects.push([id, f, JSON.stringify(a[f])]);
      }
    }
    if (!effects.length) return false;
    const vc = this.vc[dev];
    const seq = ++vc[dev];
    const snapshot = [...vc];
    for (const [id, reg, value] of effects) {
      const list = this.writes.get(id) ?? [];
      list.push({ reg, value, dev, seq, vc: snapshot, what });
      this.writes.set(id, list);
    }
    return true;
  }

  /**
   * The writes of a register that no other write (among those `vc` has seen; all when absent)
   * causally follows. `x` follows `w` when x's writer had seen w: x.vc[w.dev] >= w.seq (w's own
   * action excluded). In one pass: the most any other browser's write had seen of each browser,
   * and each browser's own last write.
   */
  maximal(id: string, reg: Reg, vc?: readonly number[]): Write[] {
    const ws = (this.writes.get(id) ?? []).filter((w) => w.reg === reg && (!vc || vc[w.dev] >= w.seq));
    const other = new Array<number>(this.n).fill(0);
    const own = new Array<number>(this.n).fill(0);
    for (const x of ws) {
      own[x.dev] = Math.max(own[x.dev], x.seq);
      for (let j = 0; j < this.n; j++) if (j !== x.dev) other[j] = Math.max(other[j], x.vc[j]);
    }
    return ws.filter((w) => other[w.dev] < w.seq && own[w.dev] === w.seq);
  }

  /**
   * What is wrong with `v` as the library of someone who has seen what `vc` has seen (everything
   * when absent): a paper there needs a presence write nothing follows; a paper missing needs a
   * removal nothing follows (or no write at all); each field of a paper there, one of its writes
   * nothing follows.
   */
  problems(v: View, ids: Iterable<string>, vc?: readonly number[]): string[] {
    const out: string[] = [];
    const show = (ws: Write[]) => ws.map((w) => `${w.value} (${w.what})`).join(' | ') || 'none';
    for (const id of ids) {
      const p = v.papers[id];
      const presence = this.maximal(id, 'present', vc);
      if (!p) {
        if (presence.length && !presence.some((w) => w.value === 'false')) out.push(`${id} missing; last writes: ${show(presence)}`);
        continue;
      }
      if (!presence.some((w) => w.value === 'true')) out.push(`${id} present; last writes: ${show(presence)}`);
      for (const f of FIELDS) {
        const got = JSON.stringify(p[f]);
        const last = this.maximal(id, f, vc);
        if (!last.some((w) => w.value === got)) out.push(`${id}.${f} = ${got}; last writes: ${show(last)}`);
      }
    }
    return out;
  }
}

// ---------------------------------------------------------------------------
// 1. The property

/** A small pool, so that conflicts are frequent; small enough that the whole library fits storage.sync. */
const POOL = Array.from({ length: 40 }, (_, i) => `2501.${String(101 + i * 7).padStart(5, '0')}`);
const TAG_NAMES = ['LLM', 'llm', 'Diffusion', 'RLHF', 'Agents', 'to cite', 'Reading group', 'Évaluation'];
const NOTES = ['', 'skim', 'read §3', 'key result', 'cite in ch. 2', 'compare with RLHF', 'méthode naïve', 'todo'];
const ACTIONS = [
  'save',
  'save',
  'save',
  'tag',
  'tag',
  'tag',
  'untag',
  'status',
  'status',
  'note',
  'note',
  'remove',
  'remove',
  'bulkRemove',
  'restore',
  'restore',
  'import',
] as const;

const snapshot = async (db: Shelf, ids: readonly string[]) => {
  const found = new Map((await getPapers(db, [...ids])).map((p) => [p.id, p]));
  return new Map<string, Paper | undefined>(ids.map((id) => [id, found.get(id)]));
};

interface Stats {
  actions: Record<string, number>;
  /** Actions that wrote something (others found nothing to change). */
  writes: number;
  rounds: number;
  quiesceCycles: number;
  papersAtEnd: number;
  areaBytes: number;
}

async function runProperty(seed: number, actions = 1_000): Promise<Stats> {
  const r: Rng = rng(seed);
  const w = await world(YEAR_APART);
  const { devices } = w;
  const oracle = new Oracle(devices.length);
  const files: { papers: Paper[]; tags: Tag[]; what: string }[] = [];
  const stats: Stats = { actions: {}, writes: 0, rounds: 0, quiesceCycles: 0, papersAtEnd: 0, areaBytes: 0 };
  const fail = (where: string, problems: string[]) => {
    expect(problems.length, `seed ${seed}, ${where}:\n  ${problems.slice(0, 12).join('\n  ')}`).toBe(0);
  };
  const roundOf = async (d: Device, label: string): Promise<SyncReport> => {
    const rep = await w.round(d);
    oracle.round(d.i);
    stats.rounds++;
    // The browser holds a library its own history gives.
    fail(`${d.name} after ${label}`, oracle.problems(await view(d.db), POOL, oracle.vc[d.i]));
    return rep;
  };

  // Steps that find nothing to do (no tag to remove, an empty trash) are drawn again: `actions` actions in all.
  for (let step = 1, done = 0; done < actions; step++) {
    // Time passes: seconds to minutes between actions, now and then hours.
    w.advance(r.next() < 0.02 ? r.int(1, 6) * 3_600_000 : r.int(1, 120_000));
    const d = r.pick(devices);
    const present = Object.keys((await view(d.db)).papers);
    const kind = r.pick(ACTIONS);
    const label = `#${step} ${kind} on ${d.name}`;
    let touched: string[];
    let act: () => Promise<unknown>;
    /** What the user asked for, checked on the browser they asked it of. */
    let intent: (after: Map<string, Paper | undefined>) => void;
    switch (kind) {
      case 'save': {
        const id = r.pick(POOL);
        touched = [id];
        act = () => savePaper(d.db, ref(id), w.wall(d));
        intent = (a) => expect(a.get(id), label).toBeDefined();
        break;
      }
      case 'tag': {
        // Mostly papers this browser has; sometimes on a card of one it has not (tagging saves it).
        const ids = r.next() < 0.7 && present.length ? r.some(present, 1, 3) : [r.pick(POOL)];
        const name = r.pick(TAG_NAMES);
        const card = r.next() < 0.5 ? ref(ids[0]) : undefined;
        touched = ids;
        act = () => tagPapers(d.db, ids, name, card, w.wall(d));
        intent = (a) => {
          // Tagged where the paper was here or came with its card; a paper neither stays away.
          const want = ids.map((id) => (present.includes(id) || card?.id === id ? 'tagged' : 'absent'));
          expect(
            ids.map((id) => (a.get(id) ? (a.get(id)!.tags.includes(tagKey(name)) ? 'tagged' : 'untagged') : 'absent')),
            label,
          ).toEqual(want);
        };
        break;
      }
      case 'untag': {
        const tagged = (await getPapers(d.db, present)).filter((p) => p.tags.length);
        if (!tagged.length) continue;
        const p = r.pick(tagged);
        const key = r.pick(p.tags);
        touched = [p.id];
        act = () => untagPaper(d.db, p.id, key, w.wall(d));
        intent = (a) => expect(a.get(p.id)?.tags, label).not.toContain(key);
        break;
      }
      case 'status': {
        const ids = present.length && r.next() < 0.9 ? r.some(present, 1, 4) : [r.pick(POOL)];
        const status = r.pick(READING_STATUSES);
        touched = ids;
        act = () => setStatus(d.db, ids, status, w.wall(d));
        intent = (a) => {
          // Set where the paper was here; a paper not here stays away.
          expect(
            ids.map((id) => a.get(id)?.status ?? 'absent'),
            label,
          ).toEqual(ids.map((id) => (present.includes(id) ? status : 'absent')));
        };
        break;
      }
      case 'note': {
        const id = present.length && r.next() < 0.9 ? r.pick(present) : r.pick(POOL);
        const note = r.pick(NOTES);
        touched = [id];
        act = () => setNote(d.db, id, note, w.wall(d));
        intent = (a) => {
          // Set where the paper was here; a paper not here stays away.
          expect(a.get(id)?.note ?? 'absent', label).toBe(present.includes(id) ? note : 'absent');
        };
        break;
      }
      case 'remove':
      case 'bulkRemove': {
        const ids = kind === 'remove' ? [present.length && r.next() < 0.9 ? r.pick(present) : r.pick(POOL)] : [...r.some(present, 2, 8), ...r.some(POOL, 0, 2)];
        touched = [...new Set(ids)];
        act = () => removePapers(d.db, ids, w.wall(d));
        intent = (a) => {
          for (const id of touched) expect(a.get(id), label).toBeUndefined();
        };
        break;
      }
      case 'restore': {
        const trash = await listTrash(d.db);
        if (!trash.length) continue;
        const ids = r.some(
          trash.map((e) => e.id),
          1,
          3,
        );
        touched = ids;
        act = () => restoreFromTrash(d.db, ids, w.wall(d));
        intent = (a) => {
          for (const id of ids) expect(a.get(id), label).toBeDefined();
        };
        break;
      }
      case 'import': {
        // A backup of another browser's library made now (all of it or part), or an older file made earlier.
        let file = files.length && r.next() < 0.4 ? r.pick(files) : undefined;
        if (!file) {
          const src = r.pick(devices.filter((x) => x !== d));
          const all = await readFull(src.db);
          if (!all.length) continue;
          const papers = r.next() < 0.5 ? all : r.some(all, 1, all.length);
          const parsed = throughBackupFile(papers, await src.db.getAll('tags'), w.wall(src));
          file = { papers: parsed.papers, tags: parsed.tags, what: `backup of ${src.name} at #${step}` };
          files.push(file);
        }
        const f = file;
        touched = f.papers.map((p) => p.id);
        act = () => importLibrary(d.db, f.papers, f.tags, w.wall(d));
        intent = (a) => {
          for (const p of f.papers) {
            const got = a.get(p.id);
            expect(got, `${label} (${f.what})`).toBeDefined();
            for (const k of p.tags) expect(got?.tags, `${label} (${f.what})`).toContain(k);
          }
        };
        break;
      }
    }
    const before = await snapshot(d.db, touched);
    await act();
    const after = await snapshot(d.db, touched);
    intent(after);
    if (oracle.record(d.i, before, after, label)) stats.writes++;
    stats.actions[kind] = (stats.actions[kind] ?? 0) + 1;
    done++;
    // The papers it touched are what this browser's history gives (the others did not change).
    const touchedView: View = { papers: {}, tagNames: {} };
    for (const [id, p] of after) if (p) touchedView.papers[id] = { tags: p.tags, status: p.status, note: p.note };
    fail(`${d.name} after ${label}`, oracle.problems(touchedView, touched, oracle.vc[d.i]));

    // Now and then rounds of one to three random browsers, in random order.
    if (r.next() < 0.3) for (const x of r.some(devices, 1, 3)) await roundOf(x, `a round after #${step}`);
  }

  // Quiesce: full cycles (random order) until one writes nothing, neither to the area nor to a
  // library. Two browsers must never keep rewriting the area in turn: a bounded number of cycles.
  for (let cycles = 1; ; cycles++) {
    expect(cycles, `seed ${seed}: still rewriting after ${cycles - 1} full cycles`).toBeLessThanOrEqual(6);
    const n0 = { area: w.area.writes, local: w.counts.localWrites };
    for (const d of r.shuffle(devices)) await roundOf(d, `quiesce cycle ${cycles}`);
    if (w.area.writes === n0.area && w.counts.localWrites === n0.local) {
      stats.quiesceCycles = cycles;
      break;
    }
  }
  // The test's own model of the rounds: every browser has seen every action.
  const all = oracle.vc.map((_, i) => Math.max(...oracle.vc.map((vc) => vc[i])));
  for (const d of devices) expect(oracle.vc[d.i]).toEqual(all);

  // (a) One library everywhere: ids, tags, status, note, tag names.
  const views = await Promise.all(devices.map((d) => view(d.db)));
  for (let i = 1; i < views.length; i++) expect(views[i], `seed ${seed}: ${devices[i].name} vs ${devices[0].name}`).toEqual(views[0]);
  // (b) The one the users' writes give.
  fail('the end', oracle.problems(views[0], POOL));
  for (const [k, name] of Object.entries(views[0].tagNames))
    expect(
      TAG_NAMES.filter((x) => tagKey(x) === k),
      `tag ${k}`,
    ).toContain(name);
  // Everything fit (or the oracle's area would promise more than the area carries).
  const reports = (await w.cycle(devices)).reports;
  for (const rep of reports) expect(rep).toMatchObject({ excluded: 0, notesLeftOut: 0, tombstonesLeftOut: 0 });
  stats.papersAtEnd = Object.keys(views[0].papers).length;
  stats.areaBytes = QuotaArea.usage(w.area.data).bytes;

  // 4. A round that changes nothing writes nothing, neither the area nor the library; also as time passes.
  for (const ms of [1_000, 3_600_000, 2 * DAY]) {
    w.advance(ms);
    const { reports: reps, quiet } = await w.cycle(r.shuffle(devices));
    for (const rep of reps) expect(rep, `seed ${seed}, ${ms} ms later`).toMatchObject({ written: 0, removed: 0, pulled: { upserts: 0, deletes: 0 } });
    expect(quiet, `seed ${seed}, ${ms} ms later: a round wrote`).toBe(true);
  }
  return stats;
}

describe('1. sync property: three browsers a year apart, random actions and rounds', () => {
  it.each([1, 2, 3, 4, 5])(
    'seed %i: every browser ends with the library the users wrote',
    async (seed) => {
      const t = performance.now();
      const stats = await runProperty(seed);
      console.log(`property seed ${seed}: ${JSON.stringify(stats)} in ${Math.round(performance.now() - t)} ms`);
    },
    120_000,
  );
});

// ---------------------------------------------------------------------------
// 2. Bulk removal

/** A word of its own per number: titles that share no term (see bulkLibrary). */
const word = (k: number) => `w${((k * 2_654_435_761) >>> 0).toString(36)}`;

/**
 * `n` papers as a backup holds them: distinct ids, a few tags, statuses and short notes. Titles and
 * authors share no term: a removal updates the search index paper by paper (write.ts deletePaper),
 * each rewriting the whole posting list of every term it has, so 10,000 papers sharing "learning"
 * cost 10,000 x 10,000 (reported with issue 17; here it would only measure that).
 */
function bulkLibrary(n: number): { papers: Paper[]; tags: Tag[] } {
  const papers: Paper[] = [];
  for (let i = 0; i < n; i++) {
    const id = `${23 + (i % 3)}${String(1 + (i % 12)).padStart(2, '0')}.${String(10_000 + i).padStart(5, '0')}`;
    const savedAt = T0 - 40 * DAY + i * 60_000;
    papers.push({
      id,
      title: `${word(i)} ${word(i + n)} ${word(i + 2 * n)}`,
      authors: [`${word(i + 3 * n)} ${word(i + 4 * n)}`],
      url: `https://arxiv.org/abs/${id}`,
      source: 'arxiv',
      savedAt,
      updatedAt: savedAt,
      tags: i % 5 === 0 ? ['llm'] : i % 7 === 0 ? ['to cite'] : [],
      status: READING_STATUSES[i % 3],
      note: i % 11 === 0 ? `n${i}` : '',
    });
  }
  return { papers, tags: [{ key: 'llm', name: 'LLM', hue: 200 }] };
}

const countPapers = (d: Device) => d.db.count('papers');

/**
 * On A, remove `n` papers every browser holds (imported on each from the same backup; a library
 * this large may not fit storage.sync, only its newest papers sync), beside a few papers that
 * stay. Every other browser must remove them all within a few rounds, within the quotas; and past
 * TOMBSTONE_TTL, with rounds and collectTombstones, none comes back anywhere.
 */
async function bulkRemoval(n: number, skews: readonly number[], opts: { firstSyncQuiesces: boolean }) {
  const times: Record<string, number> = {};
  const timed = async <T>(label: string, f: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const out = await f();
    times[label] = Math.round(performance.now() - t);
    if (n >= 10_000) console.log(`bulk ${n}: ${label} ${times[label]} ms`);
    return out;
  };
  const w = await world(skews);
  const [A, B, C] = w.devices;
  const lib = bulkLibrary(n);
  const file = await timed('parse', async () => throughBackupFile(lib.papers, lib.tags, T0));
  await timed('import x3', async () => {
    for (const d of w.devices) expect(await importLibrary(d.db, file.papers, file.tags, w.wall(d))).toMatchObject({ added: n });
  });
  // Papers that stay: saved on B, tagged on C, a note on A; an hour later, so that they are the
  // newest papers everywhere (over the quota only the newest sync).
  w.advance(3_600_000);
  const kept = Array.from({ length: 12 }, (_, i) => `2601.${String(50_000 + i * 13)}`);
  for (const id of kept) await savePaper(B.db, ref(id), w.wall(B));
  // A library over the quota does not settle (see the BUG test below): then three cycles, and on.
  let firstSyncQuiet = true;
  await timed('first sync', async () => {
    if (opts.firstSyncQuiesces) await w.quiesce(6, () => w.devices, 'first sync');
    else for (let i = 0; i < 3; i++) firstSyncQuiet = (await w.cycle(w.devices)).quiet;
  });
  await tagPapers(C.db, kept.slice(0, 4), 'Keep', undefined, w.wall(C));
  await setNote(A.db, kept[5], 'still here', w.wall(A));
  if (opts.firstSyncQuiesces) await w.quiesce(6, () => w.devices, 'edits on the kept papers');
  else for (let i = 0; i < 2; i++) await w.cycle(w.devices);
  for (const d of w.devices) expect(await countPapers(d), d.name).toBe(n + kept.length);

  const removed = await timed('remove on A', () =>
    removePapers(
      A.db,
      lib.papers.map((p) => p.id),
      w.wall(A),
    ),
  );
  expect(removed).toHaveLength(n);
  // Rounds (A, B, C in turn) until B and C hold none of them.
  const reports: SyncReport[] = [];
  let cycles = 0;
  await timed('removal rounds', async () => {
    for (;;) {
      cycles++;
      expect(
        cycles,
        `B and C still hold removed papers after ${cycles - 1} cycles: B ${(await countPapers(B)) - kept.length}, C ${(await countPapers(C)) - kept.length}`,
      ).toBeLessThanOrEqual(3);
      reports.push(...(await w.cycle(w.devices)).reports);
      if ((await countPapers(B)) === kept.length && (await countPapers(C)) === kept.length) break;
    }
  });
  for (const rep of reports) expect(rep.error).toBeUndefined();
  const leftOut = Math.max(...reports.map((r) => r.tombstonesLeftOut));
  await w.quiesce(6, () => w.devices, 'after the removal');
  const check = async (when: string) => {
    const views = await Promise.all(w.devices.map((d) => view(d.db)));
    for (const [i, v] of views.entries()) {
      expect(Object.keys(v.papers).sort(), `${when}: ${w.devices[i].name}`).toEqual([...kept].sort());
      expect(v, `${when}: ${w.devices[i].name} vs A`).toEqual(views[0]);
    }
    expect(views[0].papers[kept[0]].tags).toEqual(['keep']);
    expect(views[0].papers[kept[5]].note).toBe('still here');
  };
  await check('after the removal');
  // Within Chrome's quotas all along (QuotaArea refuses more, so a round over them would have thrown).
  expect(w.area.peak.bytes).toBeLessThanOrEqual(QUOTA.bytes);
  expect(w.area.peak.items).toBeLessThanOrEqual(QUOTA.items);
  expect(w.area.peak.biggest).toBeLessThanOrEqual(QUOTA.perItem);

  // Past TOMBSTONE_TTL: rounds, collection at startup, rounds again. Nothing comes back.
  w.advance(TOMBSTONE_TTL + DAY);
  await timed('after TTL', async () => {
    await w.quiesce(6, () => w.devices, 'past the TTL');
    for (const d of w.devices) await collectTombstones(d.db, w.wall(d));
    await setStatus(B.db, [kept[1]], 'read', w.wall(B)); // a round with something to write
    await w.quiesce(6, () => [C, B, A], 'past the TTL, after collection');
  });
  await check('past the TTL');
  // Collected wherever its own clock says TOMBSTONE_TTL has passed (a browser whose clock is behind
  // the removal's time keeps it until its clock gets there: safe, and it must be written in the area by then).
  const tombstonesLeft: number[] = [];
  for (const d of w.devices) {
    const graves = await d.db.getAll('tombstones');
    const now = w.wall(d);
    for (const g of graves) expect(g.deletedAt, `${d.name}: a tombstone past the TTL was not collected`).toBeGreaterThanOrEqual(now - TOMBSTONE_TTL - DAY);
    tombstonesLeft.push(graves.length);
  }
  const areaRemovals = (await w.area.state())?.tombstones.size;
  return { firstSyncQuiet, cycles, leftOut, peak: w.area.peak, tombstonesLeft, areaRemovals, times };
}

describe('2. a bulk removal on one browser leaves every browser', () => {
  it('1,000 papers removed on A (clocks a year apart): B and C remove them all, within the quotas; past the TTL nothing comes back', async () => {
    const out = await bulkRemoval(1_000, YEAR_APART, { firstSyncQuiesces: true });
    console.log(`bulk 1,000: ${JSON.stringify(out)}`);
    expect(out.cycles).toBeLessThanOrEqual(2);
    expect(out.leftOut).toBe(0);
    // C's clock, a year ahead, is past the removal's time + TTL: it collected; A and B keep theirs a year longer.
    expect(out.tombstonesLeft[2]).toBe(0);
  }, 120_000);

  // About a minute and a half alone on 2 cores (three libraries of 10,000 in fake-indexeddb): run with SYNC_10K=1
  // (SYNC_N=3000 for a smaller library that still goes over the quota).
  it.skipIf(!process.env.SYNC_10K)(
    '10,000 papers removed on A: B and C remove them all, within the quotas; past the TTL nothing comes back',
    async () => {
      const out = await bulkRemoval(Number(process.env.SYNC_N ?? 10_000), [-5 * 60_000, 0, 3 * 60_000], { firstSyncQuiesces: false });
      console.log(`bulk 10,000: ${JSON.stringify(out)}`);
      expect(out.cycles).toBeLessThanOrEqual(2);
      expect(out.leftOut).toBe(0);
      expect(out.tombstonesLeft).toEqual([0, 0, 0]);
    },
    600_000,
  );
});

// ---------------------------------------------------------------------------
// 3. Files from the future

const FUTURE = Date.UTC(2099, 0, 1);
const P_FUTURE = '2401.00017';

/** A PaperShelf backup holding one paper saved, edited and tagged in 2099. */
function futureBackup(at: number) {
  const paper: Paper = {
    ...ref(P_FUTURE),
    savedAt: FUTURE,
    updatedAt: FUTURE + DAY,
    tags: ['from the future'],
    status: 'reading',
    note: 'dated 2099',
    fieldsAt: { tags: FUTURE, status: FUTURE + DAY, note: FUTURE },
  };
  return throughBackupFile([paper], [{ key: 'from the future', name: 'From the future', hue: 120 }], at);
}

/** A PaperMemory export (its JSON keyed by PaperMemory id) whose paper was added on 2099-01-01. */
function futurePaperMemory(at: number) {
  const memory = {
    __dataVersion: 5,
    [`Arxiv-${P_FUTURE}`]: {
      id: `Arxiv-${P_FUTURE}`,
      key: 'Lovelace2024Future',
      title: 'Attention from the future &amp; beyond',
      author: 'Ada Lovelace and Alan Turing',
      year: '2024',
      addDate: '2099-01-01',
      lastOpenDate: '2099-01-02',
      pdfLink: `https://arxiv.org/pdf/${P_FUTURE}`,
      source: 'arxiv',
      tags: ['from the future'],
      note: 'dated 2099',
    },
  };
  const r = parseImport(JSON.stringify(memory), 'memory.json', at);
  if (!r.ok) throw new Error(r.error);
  expect(r.source).toBe('papermemory');
  expect(r.papers[0].savedAt).toBe(FUTURE); // the parser reads the date; the merge clamps it
  return r;
}

describe('3. files from the future are clamped, and a removal of their paper holds', () => {
  it.each([
    { file: 'a backup with a paper saved in 2099', makeFile: futureBackup, remover: 'A' },
    { file: 'a PaperMemory export with addDate 2099-01-01', makeFile: futurePaperMemory, remover: 'B' },
  ] as const)(
    '$file: dates clamped on import; removed on $remover, it stays removed on both browsers',
    async ({ makeFile, remover }) => {
      const w = await world([0, 7 * 60_000]);
      const [A, B] = w.devices;
      await savePaper(A.db, ref('2401.00003'), w.wall(A));
      await w.quiesce(4, () => [A, B]);

      const now = w.wall(A);
      const file = makeFile(now);
      const summary = await importLibrary(A.db, file.papers, file.tags, now);
      expect(summary).toMatchObject({ added: 1, clamped: 1, ids: [P_FUTURE] });
      const [p] = await getPapers(A.db, [P_FUTURE]);
      expect(p).toMatchObject({ tags: ['from the future'], note: 'dated 2099' });
      // Not in the future: every date and every field time within a second of the import.
      for (const t of [p.savedAt, p.updatedAt, lastWrite(p)]) expect(t).toBeLessThanOrEqual(now + 1_000);
      // Nor the clock: a write made next is stamped now, not in 2099.
      const next = await savePaper(A.db, ref('2401.00005'), w.wall(A));
      expect(next.savedAt).toBeLessThan(now + AHEAD_LIMIT);

      await w.quiesce(4, () => [A, B]);
      const [q] = await getPapers(B.db, [P_FUTURE]);
      expect(q).toMatchObject({ tags: ['from the future'], note: 'dated 2099' });
      expect(lastWrite(q)).toBeLessThan(now + AHEAD_LIMIT);

      const [d, other] = remover === 'A' ? [A, B] : [B, A];
      await removePapers(d.db, [P_FUTURE], w.wall(d));
      for (const [i, x] of [d, other, d, other, d, other, d, other].entries()) {
        w.advance(60_000);
        await w.round(x);
        // After every round, not only at the end: a removal undone at the 3rd round fails here.
        for (const y of i === 0 ? [d] : [A, B]) expect(await getPapers(y.db, [P_FUTURE]), `${y.name} after round ${i + 1}`).toEqual([]);
      }
      // And later, with edits elsewhere in the library and time passing: still gone.
      w.advance(3 * DAY);
      await setStatus(B.db, ['2401.00003'], 'read', w.wall(B));
      await w.quiesce(4, () => [B, A]);
      for (const y of [A, B]) expect(Object.keys((await view(y.db)).papers).sort(), y.name).toEqual(['2401.00003', '2401.00005']);
    },
    30_000,
  );
});

// ---------------------------------------------------------------------------
// 4. Over the quota: no two browsers rewrite the area in turn
//
// Was a bug (sync-codec.ts plan): over the quota, which papers went in depended on the writer's own
// library. After the papers both browsers rank newest, each filled the room left with its own next
// newest, and papers not in the area carry each browser's own times (each imported the same backup
// at its own time). A put one of its small papers in; B ranked a paper of its own first, which did not
// fit, stopped there, took A's out and put notes in the room; A put it back; and so on at every
// round, for ever. Fixed by a first fit: a paper too big for the room left is passed over, so the
// papers the area holds keep their place unless a newer paper takes it.

describe('4. over the quota: the area settles', () => {
  it('with the same library imported on each browser at its own time and small papers of its own, the area settles', async () => {
    const w = await world([0, 3 * 60_000]);
    const [A] = w.devices;
    // Papers with many long tags: 300 fill storage.sync.
    const topics = Array.from({ length: 30 }, (_, k) => `topic number ${k} of a long tag list`);
    const lib = bulkLibrary(300);
    lib.papers.forEach((p, i) => (p.tags = topics.filter((_, k) => (k + i) % 2 === 0).map(tagKey)));
    const file = throughBackupFile(lib.papers, lib.tags, T0);
    for (const d of w.devices) await importLibrary(d.db, file.papers, file.tags, w.wall(d));
    // A's own papers, small, saved before B's import by B's clock.
    for (let i = 0; i < 12; i++) await savePaper(A.db, ref(`2601.${String(50_000 + i * 13)}`), w.wall(A));
    const first = (await w.cycle(w.devices)).reports;
    expect(first[0].excluded, 'the library is over the quota').toBeGreaterThan(0);
    await w.quiesce(6, () => w.devices, 'over the quota');
  }, 120_000);

  /**
   * Random libraries over the quota: a shared backup imported on each browser at its own time,
   * papers of each browser's own of random sizes (many long tags, notes up to one item and more),
   * then random edits with rounds in random order. After each burst of edits the rounds settle
   * within a bound, and the papers the area holds are the same on every browser.
   */
  for (const seed of [11, 12]) {
    it(`seed ${seed}: random libraries over the quota settle, and every browser holds the area's papers as the area has them`, async () => {
      const r = rng(seed);
      const w = await world(YEAR_APART);
      const topics = Array.from({ length: 40 }, (_, k) => `subject ${k} ${'x'.repeat(r.int(5, 30))}`);
      const text = (n: number) =>
        Array.from({ length: n }, (_, k) => word(k + n))
          .join(' ')
          .slice(0, n);
      const lib = bulkLibrary(r.int(500, 800));
      for (const p of lib.papers) {
        p.tags = r.some(topics, 0, 16).map(tagKey);
        p.note = r.next() < 0.3 ? text(r.pick([10, 200, 2_000, 9_000])) : '';
      }
      const file = throughBackupFile(lib.papers, lib.tags, T0);
      for (const d of r.shuffle(w.devices)) await importLibrary(d.db, file.papers, file.tags, w.wall(d));
      let next = 0;
      const fresh = () => `2602.${String(60_000 + next++).padStart(5, '0')}`;
      const ownPaper = async (d: Device) => {
        const id = fresh();
        await savePaper(d.db, ref(id), w.wall(d));
        const tags = r.some(topics, 0, 20);
        for (const t of tags) await tagPapers(d.db, [id], t, undefined, w.wall(d));
        if (r.next() < 0.4) await setNote(d.db, id, text(r.pick([5, 500, 5_000, 8_000])), w.wall(d));
        return id;
      };
      for (const d of w.devices) for (let i = r.int(3, 15); i > 0; i--) await ownPaper(d);
      const first = (await w.cycle(w.devices)).reports;
      expect(
        first.some((x) => x.excluded > 0),
        'the library is over the quota',
      ).toBe(true);
      for (let burst = 0; burst < 3; burst++) {
        for (let k = r.int(3, 12); k > 0; k--) {
          const d = r.pick(w.devices);
          const ids = (await d.db.getAllKeys('papers')) as string[];
          const id = r.pick(ids);
          const act = r.int(0, 4);
          if (act === 0) await ownPaper(d);
          else if (act === 1) for (const t of r.some(topics, 1, 6)) await tagPapers(d.db, [id], t, undefined, w.wall(d));
          else if (act === 2) await setNote(d.db, id, text(r.pick([0, 30, 3_000, 7_500])), w.wall(d));
          else if (act === 3) await setStatus(d.db, [id], r.pick(READING_STATUSES), w.wall(d));
          else await removePapers(d.db, r.some(ids, 1, 5), w.wall(d));
          if (r.next() < 0.5) await w.round(r.pick(w.devices));
        }
        await w.quiesce(8, () => r.shuffle(w.devices), `seed ${seed}, burst ${burst}`);
      }
      const area = await w.area.state();
      expect(area, 'the area is readable').not.toBeNull();
      const held = [...(area?.papers.keys() ?? [])];
      expect(held.length, 'the area holds papers').toBeGreaterThan(0);
      // Each browser holds every paper of the area as the area has it (a note left out for room is
      // not in the area: each browser keeps its own).
      const want = held.map((id) => {
        const p = area!.papers.get(id)!;
        return [id, { tags: p.tags, status: p.status, ...(p.note === undefined ? {} : { note: p.note }) }];
      });
      for (const d of w.devices) {
        const v = await view(d.db);
        const got = held.map((id) => {
          const p = v.papers[id];
          return [id, p && { tags: p.tags, status: p.status, ...(area!.papers.get(id)!.note === undefined ? {} : { note: p.note }) }];
        });
        expect(got, d.name).toEqual(want);
      }
    }, 180_000);
  }
});
