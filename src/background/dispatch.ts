/**
 * The content scripts' and pages' door to the library: capability per sender,
 * then the message's schema, then the library's write, then the broadcast.
 * Kept apart from index.ts (which only wires browser events) so that unit
 * tests run the very same door against fake-indexeddb: fuzzed bodies, refused
 * capabilities, a broadcast that fails after a committed write.
 */
import type { Shelf } from '../library/db';
import { CONTENT_CAPABILITIES, parseRequest, type MessageName, type Request, type Responses, type Result } from '../shared/messages';
import { completePaper, getPapers, listPapers, removePapers, restorePapers, savePaper, setNote, setStatus, statusOf, tagPapers, untagPaper } from '../library/papers';
import { deleteTag, listTags, mergeTags, renameTag } from '../library/tags';
import { importLibrary } from '../library/import-write';
import { restoreFromTrash } from '../library/trash';
import type { SenderKind } from './sender';
import { markSeen, recentlyListed, setNotRelevant } from '../library/corpus';
import type { Ranker } from './ranker';

const DAY = 86_400_000;

export interface Backend {
  db(): Promise<Shelf>;
  /**
   * Tells every context what changed. Runs after the write committed: it must
   * not turn a stored write into an error, so the dispatcher logs its failure
   * and answers with the write's result all the same.
   */
  changed(ids: string[], tags?: boolean): Promise<void>;
  /** The ranking (background/ranker.ts); absent in tests that do not rank. */
  ranker?: Ranker;
}

type Handlers = { [N in MessageName]: (req: Request<N>, kind: SenderKind) => Promise<Responses[N]> };

export function createDispatcher(b: Backend) {
  const { db } = b;
  const changed = async (ids: string[], tags = false) => {
    try {
      await b.changed(ids, tags);
    } catch (e) {
      console.error('PaperShelf: the write is stored; telling the open pages failed', e);
    }
  };
  const tagChange = async (ids: string[]) => {
    await changed(ids, true);
    return { updated: ids.length };
  };

  const handlers: Handlers = {
    'papers.status': async ({ ids }) => statusOf(await db(), ids),
    'paper.save': async ({ ref }) => {
      const paper = await savePaper(await db(), ref);
      await changed([ref.id]);
      return paper;
    },
    'paper.unsave': async ({ id }) => {
      const removed = await removePapers(await db(), [id]);
      if (removed.length) await changed([id], removed.some((p) => p.tags.length > 0));
      return { removed: removed.length > 0 };
    },
    'paper.restore': async ({ id }) => {
      const restored = await restoreFromTrash(await db(), [id]);
      if (restored.length) await changed(restored, true);
      return { restored: restored.length > 0 };
    },
    'paper.complete': async ({ ref }) => {
      const done = await completePaper(await db(), ref);
      if (done) await changed([ref.id]);
      return { completed: done };
    },
    'papers.list': async ({ limit, offset }) => listPapers(await db(), limit, offset),
    'papers.get': async ({ ids }) => getPapers(await db(), ids),
    'papers.remove': async ({ ids }) => {
      const removed = await removePapers(await db(), ids);
      await changed(removed.map((p) => p.id), true);
      return { removed };
    },
    'papers.restore': async ({ papers }) => {
      const restored = await restorePapers(await db(), papers);
      await changed(restored, true);
      return { restored };
    },
    'papers.setStatus': async ({ ids, status }) => {
      const updated = await setStatus(await db(), ids, status);
      await changed(updated.map((p) => p.id));
      return { updated: updated.length };
    },
    'paper.setNote': async ({ id, note }) => {
      const updated = await setNote(await db(), id, note);
      if (updated.length) await changed([id]);
      return { updated: updated.length };
    },
    'papers.tag': async ({ ids, name, ref }, kind) => {
      // A card tags its own paper: one id, and the ref (if any) of that paper.
      if (kind === 'content' && (ids.length !== 1 || (ref && ref.id !== ids[0]))) throw new Refused('a card tags one paper, its own');
      const updated = await tagPapers(await db(), ids, name, ref);
      await changed(updated.map((p) => p.id), true);
      return { updated: updated.length };
    },
    'paper.untag': async ({ id, key }) => {
      const updated = await untagPaper(await db(), id, key);
      await changed([id], true);
      return { updated: updated.length };
    },
    'library.import': async ({ papers, tags }) => {
      const { ids, ...summary } = await importLibrary(await db(), papers, tags);
      await changed(ids, true);
      return summary;
    },
    'cards.rank': async ({ cards }) => {
      if (!b.ranker) throw new Error('ranking is not available here');
      return b.ranker.rank(cards);
    },
    'cards.seen': async ({ ids }) => ({ marked: await markSeen(await db(), ids) }),
    'paper.notRelevant': async ({ card, on }) => {
      await setNotRelevant(await db(), card, on);
      b.ranker?.invalidate();
      return { ok: true as const };
    },
    'digest.list': async ({ days }) => {
      const d = await db();
      const listed = (await recentlyListed(d, Date.now() - days * DAY)).filter((e) => !e.notRelevant);
      const saved = new Set(await d.getAllKeys('papers'));
      const fresh = listed.filter((e) => !saved.has(e.id)).slice(0, 2000);
      const verdicts = b.ranker ? (await b.ranker.rank(fresh.map(({ id, title, authors, abstract, version }) => ({ id, title, authors, ...(abstract ? { abstract } : {}), ...(version ? { version } : {}) })))).cards : {};
      return fresh
        .map((e) => ({ ...(verdicts[e.id] ?? { suggested: [], why: [], seen: !!e.seenAt, notRelevant: false }), id: e.id, title: e.title, authors: e.authors, firstAt: e.firstAt }))
        .sort((a, b) => Number(a.seen) - Number(b.seen) || (b.relevance ?? 0) - (a.relevance ?? 0) || b.firstAt - a.firstAt);
    },
    'tags.list': async () => listTags(await db()),
    'tags.names': async () => (await listTags(await db())).map((t) => t.tag.name),
    'tags.rename': async ({ key, name }) => tagChange(await renameTag(await db(), key, name)),
    'tags.merge': async ({ from, into }) => tagChange(await mergeTags(await db(), from, into)),
    'tags.delete': async ({ key }) => tagChange(await deleteTag(await db(), key)),
  };

  /** Answers one message from a sender already known to be ours. Never throws: errors are values. */
  return async function dispatch(name: string, body: unknown, kind: SenderKind): Promise<Result<unknown>> {
    // The capability first: a content script learns nothing of a message it may not send.
    if (kind === 'content' && !CONTENT_CAPABILITIES.has(name as MessageName)) {
      return { ok: false, error: `refused: "${String(name).slice(0, 40)}" answers only to PaperShelf's own pages` };
    }
    const parsed = parseRequest(name, body);
    if (!parsed.ok) return parsed;
    try {
      const handler = handlers[parsed.value.name] as (req: unknown, kind: SenderKind) => Promise<unknown>;
      return { ok: true, value: await handler(parsed.value.body, kind) };
    } catch (e) {
      if (!(e instanceof Refused)) console.error('PaperShelf:', parsed.value.name, e);
      return { ok: false, error: e instanceof Refused ? `refused: ${e.message}` : e instanceof Error ? e.message : String(e) };
    }
  };
}

class Refused extends Error {}
