/**
 * The content scripts' and pages' door to the library: capability per sender,
 * then the message's schema, then the library's write, then the broadcast.
 * Kept apart from index.ts (which only wires browser events) so that unit
 * tests run the very same door against fake-indexeddb: fuzzed bodies, refused
 * capabilities, a broadcast that fails after a committed write.
 */
import type { Shelf } from '../library/db';
import { CONTENT_CAPABILITIES, parseRequest, type MessageName, type Request, type Responses, type Result, type TestMessageName } from '../shared/messages';
import {
  completePaper,
  getPapers,
  listPapers,
  removePapers,
  restorePapers,
  savePaper,
  setNote,
  setStatus,
  statusOf,
  tagPapers,
  untagPaper,
} from '../library/papers';
import { deleteTag, listTags, mergeTags, renameTag } from '../library/tags';
import { importLibrary } from '../library/import-write';
import { restoreFromTrash } from '../library/trash';
import type { SenderKind } from './sender';
import { markSeen, recentlyListed, setNotRelevant } from '../library/corpus';
import type { Ranker } from './ranker';
import type { TabLedger } from './tabs';
import { parseArxivId } from '../shared/model';
import { errorText } from '../shared/errors';

const DAY = 86_400_000;

export interface Backend {
  db(): Promise<Shelf>;
  /**
   * Tells every context what changed. Runs after the write committed: it must
   * not turn a stored write into an error, so the dispatcher logs its failure
   * and answers with the write's result all the same.
   */
  changed(ids: string[], tags?: boolean): Promise<void>;
  /** After a mark on the ranking's data ("not relevant"): afterWrite('corpus') (the ranking is redone, a round asked). */
  marked(): Promise<void>;
  /** The ranking (background/ranker.ts); absent in tests that do not rank. */
  ranker?: Ranker;
  /** Content capabilities per tab (background/tabs.ts); absent in tests of the door alone. */
  tabs?: TabLedger;
  /** WebDAV rounds (background/webdav-syncer.ts); absent in tests of the door alone. */
  webdav?: {
    now(): Promise<import('../shared/webdav-status').WebDavStatus | null>;
    connect(c: { url: string; user: string; password: string; passphrase: string }): Promise<import('../shared/webdav-status').WebDavStatus | null>;
  };
}

/** Who sent a content script's message: its tab, and the page it is on. */
export interface SenderContext {
  tabId?: number;
  url?: string;
}

/** The paper whose own page this is (arxiv.org/abs/<id>, huggingface.co/papers/<id>), if it is one. */
export function ownPageOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    const m =
      u.hostname === 'arxiv.org' || u.hostname === 'www.arxiv.org'
        ? /^\/abs\/(.+)$/.exec(u.pathname)
        : u.hostname === 'huggingface.co'
          ? /^\/papers\/([^/]+)$/.exec(u.pathname)
          : null;
    return m ? (parseArxivId(decodeURIComponent(m[1]))?.id ?? null) : null;
  } catch {
    return null;
  }
}

/** The ids a content message acts on (which its tab must have listed). */
function actsOn(name: MessageName, body: Record<string, unknown>): string[] {
  switch (name) {
    case 'paper.save':
      return [(body.ref as { id: string }).id];
    case 'papers.tag':
    case 'cards.seen':
      return body.ids as string[];
    case 'paper.unsave':
    case 'paper.untag':
    case 'paper.restore':
      return [body.id as string];
    case 'cards.rank':
      return (body.cards as { id: string }[]).map((c) => c.id);
    case 'paper.notRelevant':
      return [(body.card as { id: string }).id];
    default:
      return [];
  }
}

type Handlers = { [N in MessageName]: (req: Request<N>, kind: SenderKind, ctx: SenderContext) => Promise<Responses[N]> };

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

  /** What only tests and tools send (shared/messages.ts testRequests): in test builds only. */
  const testHandlers = (): Pick<Handlers, TestMessageName> => ({
    'papers.list': async ({ limit, offset }) => listPapers(await db(), limit, offset),
    'papers.get': async ({ ids }) => getPapers(await db(), ids),
    'papers.restore': async ({ papers }) => {
      const restored = await restorePapers(await db(), papers);
      await changed(restored, true);
      return { restored };
    },
    'library.import': async ({ papers, tags }) => {
      const { ids, indexed, ...summary } = await importLibrary(await db(), papers, tags);
      await changed(ids, true);
      await indexed;
      return summary;
    },
    'tags.list': async () => listTags(await db()),
  });

  const productionHandlers: Omit<Handlers, TestMessageName> = {
    'papers.status': async ({ ids }) => statusOf(await db(), ids),
    'paper.save': async ({ ref }) => {
      const paper = await savePaper(await db(), ref);
      await changed([ref.id]);
      return paper;
    },
    'paper.unsave': async ({ id }) => {
      const removed = await removePapers(await db(), [id]);
      if (removed.length)
        await changed(
          [id],
          removed.some((p) => p.tags.length > 0),
        );
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
    'papers.remove': async ({ ids }) => {
      const removed = await removePapers(await db(), ids);
      await changed(
        removed.map((p) => p.id),
        true,
      );
      return { removed };
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
      await changed(
        updated.map((p) => p.id),
        true,
      );
      return { updated: updated.length };
    },
    'paper.untag': async ({ id, key }) => {
      const updated = await untagPaper(await db(), id, key);
      await changed([id], true);
      return { updated: updated.length };
    },
    'cards.rank': async ({ cards }, _kind, ctx) => {
      if (!b.ranker) throw new Error('ranking is not available here');
      return b.ranker.rank(cards, ownPageOf(ctx.url));
    },
    'cards.seen': async ({ ids }) => ({ marked: await markSeen(await db(), ids) }),
    'paper.notRelevant': async ({ card, on }) => {
      await setNotRelevant(await db(), card, on);
      await b.marked();
      return { ok: true as const };
    },
    'digest.list': async ({ days }) => {
      const d = await db();
      const saved = new Set(await d.getAllKeys('papers'));
      // A cursor with a limit: a flooded corpus never comes into memory whole.
      const fresh = await recentlyListed(d, Date.now() - days * DAY, 2000, (e) => !e.notRelevant && !saved.has(e.id));
      const verdicts = b.ranker
        ? (
            await b.ranker.rank(
              fresh.map(({ id, title, authors, abstract, version }) => ({
                id,
                title,
                authors,
                ...(abstract ? { abstract } : {}),
                ...(version ? { version } : {}),
              })),
            )
          ).cards
        : {};
      return fresh
        .map((e) => ({
          ...(verdicts[e.id] ?? { suggested: [], why: [], seen: !!e.seenAt, notRelevant: false }),
          id: e.id,
          title: e.title,
          authors: e.authors,
          firstAt: e.firstAt,
        }))
        .sort((a, b) => Number(a.seen) - Number(b.seen) || (b.relevance ?? 0) - (a.relevance ?? 0) || b.firstAt - a.firstAt);
    },
    'tags.names': async () => (await listTags(await db())).map((t) => t.tag.name),
    'tags.rename': async ({ key, name }) => tagChange(await renameTag(await db(), key, name)),
    'tags.merge': async ({ from, into }) => tagChange(await mergeTags(await db(), from, into)),
    'tags.delete': async ({ key }) => tagChange(await deleteTag(await db(), key)),
    'webdav.sync': async ({ connect }) => {
      // No WebDAV here (the door's own tests): nothing to run, as when no folder is connected.
      if (!b.webdav) return null;
      return connect ? b.webdav.connect(connect) : b.webdav.now();
    },
  };
  // parseRequest knows the test-only names in test builds only, so a handler is there for every name it lets through.
  const handlers: Partial<Handlers> = { ...productionHandlers, ...(__PAPERSHELF_TEST_HOOKS__ ? testHandlers() : {}) };

  /** A content script's message against its tab's capabilities; why it is refused, or null. */
  async function tabGate(name: MessageName, body: Record<string, unknown>, ctx: SenderContext): Promise<string | null> {
    const tabs = b.tabs;
    if (!tabs) return null;
    if (ctx.tabId === undefined) return 'a content script outside a tab';
    const tab = ctx.tabId;
    if (name === 'papers.status') return tabs.list(tab, body.ids as string[]);
    // Metadata of a paper saved from a link comes from its own page (or the API), not from any card.
    if (name === 'paper.complete') return ownPageOf(ctx.url) === (body.ref as { id: string }).id ? null : 'a paper is completed from its own page only';
    if (!(await tabs.listed(tab, actsOn(name, body)))) return 'this tab did not list that paper';
    if ((name === 'paper.unsave' || name === 'paper.untag') && !(await tabs.destructive(tab))) return 'too many removals from this tab at once';
    return null;
  }

  /** Answers one message from a sender already known to be ours. Never throws: errors are values. */
  return async function dispatch(name: string, body: unknown, kind: SenderKind, ctx: SenderContext = {}): Promise<Result<unknown>> {
    // The capability first: a content script learns nothing of a message it may not send.
    if (kind === 'content' && !CONTENT_CAPABILITIES.has(name as MessageName)) {
      return { ok: false, error: `refused: "${String(name).slice(0, 40)}" answers only to PaperShelf's own pages` };
    }
    const parsed = parseRequest(name, body);
    if (!parsed.ok) return parsed;
    if (kind === 'content') {
      const refused = await tabGate(parsed.value.name, parsed.value.body as Record<string, unknown>, ctx);
      if (refused) return { ok: false, error: `refused: ${refused}` };
    }
    try {
      const handler = handlers[parsed.value.name] as (req: unknown, kind: SenderKind, ctx: SenderContext) => Promise<unknown>;
      return { ok: true, value: await handler(parsed.value.body, kind, ctx) };
    } catch (e) {
      if (!(e instanceof Refused)) console.error('PaperShelf:', parsed.value.name, e);
      return { ok: false, error: e instanceof Refused ? `refused: ${e.message}` : errorText(e) };
    }
  };
}

class Refused extends Error {}
