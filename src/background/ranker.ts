/**
 * The digest, ranked for the user, on the device: arxiv-sanity-lite's recipe
 * (tf-idf, one linear SVM per tag) run in the background, off every page's
 * thread, on the user's own library. src/rank is the pure math; this file
 * decides what to train on and when, and keeps the results in IndexedDB
 * (`rank` store) so that a worker woken by a listing ranks at once.
 *
 * - Vocabulary: fitted on the saved papers and the 5,000 most recently listed
 *   cards; rebuilt when library and corpus have grown by a tenth since.
 * - Models: one per tag with at least 2 papers; negatives are the other saved
 *   papers, every paper marked "not relevant", and up to 2,000 recently seen
 *   cards the user did not save. Retrained when the library's tags, the "not
 *   relevant" marks or the vocabulary change (a signature of them is kept).
 * - A card is scored from its title, authors and abstract, or the abstract the
 *   corpus or the library already holds (arXiv /recent and /pastweek lists
 *   show none).
 */
import type { Shelf } from '../library/db';
import { recordListed, type CorpusEntry } from '../library/corpus';
import type { CardVerdict, ListedCard, RankReply } from '../shared/rank-wire';
import { readFull } from '../library/write';
import { noteNewVersions } from '../library/papers';
import { putRankRecord } from '../library/rank-store';
import { buildVocabulary, hashString, paperText, vectorize, type Vocab } from '../rank/features';
import { rankCards, trainTags, type LibraryPaper, type SeenPaper, type TagModel } from '../rank/rank';
import type { Model } from '../rank/model';

const VOCAB_DOCS = 5_000;
const SEEN_NEGATIVES = 2_000;

interface Ready {
  vocab: Vocab;
  models: TagModel[];
  signature: string;
}

type StoredModel = Omit<Model, 'w'> & { w: Float32Array };

export type Ranker = ReturnType<typeof createRanker>;

/**
 * `changed`: papers whose record the ranking wrote (a newer version seen), for the
 * same after-write path as every other write (broadcast, badge, sync).
 */
export function createRanker(db: () => Promise<Shelf>, changed: (ids: string[]) => Promise<void> = async () => {}) {
  let ready: Ready | null = null;
  let dirty = true;
  let building: Promise<Ready> | null = null;

  /** What the models depend on, cheaply: every saved paper's tags and the "not relevant" marks. */
  async function signature(d: Shelf): Promise<string> {
    const tx = d.transaction(['papers', 'corpus']);
    const [papers, notRelevant] = await Promise.all([tx.objectStore('papers').getAll(), tx.objectStore('corpus').index('notRelevant').getAllKeys()]);
    await tx.done;
    const lib = papers
      .filter((p) => p.tags.length)
      .map((p) => `${p.id}:${p.tags.join(',')}`)
      .sort()
      .join('\n');
    return `${papers.length}|${hashString(lib)}|${notRelevant.length}:${hashString(notRelevant.sort().join(','))}`;
  }

  async function build(d: Shelf): Promise<Ready> {
    const sig = await signature(d);
    if (ready && ready.signature === sig) return ready;
    const [vocabRec, modelsRec, papers, corpusCount] = await Promise.all([
      d.get('rank', 'vocab'),
      d.get('rank', 'models'),
      d.count('papers'),
      d.count('corpus'),
    ]);
    let vocab = (vocabRec?.vocab as Vocab | undefined) ?? null;
    const docs = Number(vocabRec?.docs ?? 0);
    const stale = !vocab || papers + Math.min(corpusCount, VOCAB_DOCS) >= 1.1 * docs + 1;
    if (!stale && modelsRec && modelsRec.signature === sig && modelsRec.vocabId === vocab!.id) {
      const models = (modelsRec.models as (Omit<TagModel, 'model'> & { model: StoredModel | null })[]).map((m) => ({
        ...m,
        model: m.model ? { ...m.model, w: Array.from(m.model.w) } : null,
      }));
      return (ready = { vocab: vocab!, models, signature: sig });
    }
    // Train: the library with its abstracts, the recent corpus, the "not relevant" marks.
    const library = await readFull(d);
    const recent: CorpusEntry[] = [];
    for (let c = await d.transaction('corpus').store.index('listedAt').openCursor(null, 'prev'); c && recent.length < VOCAB_DOCS; c = await c.continue())
      recent.push(c.value);
    const notRelevant = await d.getAllFromIndex('corpus', 'notRelevant');
    const saved = new Set(library.map((p) => p.id));
    if (stale) {
      vocab = buildVocabulary([...library.map(paperText), ...recent.filter((e) => !saved.has(e.id)).map(paperText)]);
      await putRankRecord(d, { key: 'vocab', vocab, docs: library.length + recent.length });
    }
    const v = vocab!;
    const lib: LibraryPaper[] = library.map((p) => ({ id: p.id, vec: vectorize(v, paperText(p)), tags: p.tags }));
    const nr: SeenPaper[] = notRelevant.filter((e) => !saved.has(e.id)).map((e) => ({ id: e.id, vec: vectorize(v, paperText(e)) }));
    const seen: SeenPaper[] = recent
      .filter((e) => e.seenAt && !saved.has(e.id) && !e.notRelevant)
      .slice(0, SEEN_NEGATIVES)
      .map((e) => ({ id: e.id, vec: vectorize(v, paperText(e)) }));
    const previous = ready && ready.vocab.id === v.id ? ready.models : [];
    const models = trainTags(v, lib, nr, seen, {}, previous);
    await putRankRecord(d, {
      key: 'models',
      signature: sig,
      vocabId: v.id,
      models: models.map((m) => ({ ...m, model: m.model ? { ...m.model, w: Float32Array.from(m.model.w) } : null })),
    });
    return (ready = { vocab: v, models, signature: sig });
  }

  async function ensure(d: Shelf): Promise<Ready> {
    if (ready && !dirty) return ready;
    if (!building) {
      // Cleared as the build starts, not after it: a change during the build is built next time.
      dirty = false;
      building = build(d).finally(() => (building = null));
    }
    return building;
  }

  return {
    /** The library changed: check the models before the next ranking. */
    invalidate() {
      dirty = true;
    },
    /** Records a page's cards in the corpus and ranks them. `ownPage`: the paper whose own page listed them, if any. */
    async rank(cards: ListedCard[], ownPage: string | null = null): Promise<RankReply> {
      const d = await db();
      const entries = await recordListed(d, cards);
      const { updated, written } = await noteNewVersions(d, cards, ownPage);
      if (written.length) await changed(written);
      const r = await ensure(d);
      const names = new Map((await d.getAll('tags')).map((t) => [t.key, t.name]));
      const name = (k: string) => names.get(k) ?? k;
      // A card without an abstract (arXiv /recent, /pastweek) borrows the one the library holds.
      const missing = cards.filter((c) => !c.abstract && !entries.get(c.id)?.abstract).map((c) => c.id);
      const known = new Map((missing.length ? await readFull(d, missing) : []).map((p) => [p.id, p.abstract]));
      const vecs = cards.map((c) => ({
        id: c.id,
        vec: vectorize(r.vocab, paperText({ title: c.title, authors: c.authors, abstract: c.abstract || entries.get(c.id)?.abstract || known.get(c.id) })),
      }));
      const ranks = rankCards(r.vocab, r.models, vecs);
      const live = r.models.filter((m) => m.model).length;
      const out: Record<string, CardVerdict> = {};
      ranks.forEach((k) => {
        const e = entries.get(k.id);
        out[k.id] = {
          ...(live && k.bestTag ? { relevance: Math.round(k.relevance * 1000) / 1000, bestTag: name(k.bestTag) } : {}),
          suggested: live ? k.suggested.map(name) : [],
          why: live ? k.why : [],
          seen: !!e?.seenAt,
          notRelevant: !!e?.notRelevant,
          ...(e?.version ? { version: e.version } : {}),
          ...(updated.has(k.id) ? { updated: updated.get(k.id) } : {}),
        };
      });
      return { models: live, cards: out };
    },
  };
}
