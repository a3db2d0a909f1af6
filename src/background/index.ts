/**
 * The background: the only owner of the database. Listeners are registered at
 * the top level, synchronously, so that a worker woken by a message (Chrome
 * service worker, Firefox event page) has them before the event is dispatched.
 * Nothing here may rely on memory surviving between events: the worker can be
 * stopped at any time.
 */
import browser from 'webextension-polyfill';
import { openShelf, type Shelf } from '../shared/db';
import { CHANGE_KEY, isEnvelope, parseRequest, type Change, type MessageName, type Request, type Responses, type Result } from '../shared/messages';
import {
  completePaper,
  countPapers,
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
} from './papers';
import { MENU_ID, PAPER_LINK_PATTERNS, refFromLink, type LinkClick } from './menu';
import { senderAllowed, type SenderLike } from './sender';
import { contentOrigins, hostOf, missingOrigins } from '../shared/access';
import { NOTES_PORT } from '../popup/notes';
import { acceptNotes } from './notes';
import { deleteTag, listTags, mergeTags, renameTag } from './tags';
import { importLibrary } from './library';
import { createSyncer, ourSyncChange, REMOTE_DEBOUNCE_MS } from './syncer';
import { SYNC_SETTINGS_KEY } from '../shared/sync-status';

let dbPromise: Promise<Shelf> | undefined;
const db = () =>
  (dbPromise ??= openShelf().catch((e) => {
    dbPromise = undefined; // let the next message try again
    throw e;
  }));

type Handlers = { [N in MessageName]: (req: Request<N>) => Promise<Responses[N]> };

/** Above this many papers a change says "all" and listeners re-read what they show. */
const LIST_LIMIT = 500;

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
  'papers.tag': async ({ ids, name, ref }) => {
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
    const summary = await importLibrary(await db(), papers, tags);
    await changed(papers.map((p) => p.id), true);
    return summary;
  },
  'tags.list': async () => listTags(await db()),
  'tags.rename': async ({ key, name }) => tagChange(await renameTag(await db(), key, name)),
  'tags.merge': async ({ from, into }) => tagChange(await mergeTags(await db(), from, into)),
  'tags.delete': async ({ key }) => tagChange(await deleteTag(await db(), key)),
};

async function tagChange(ids: string[]) {
  await changed(ids, true);
  return { updated: ids.length };
}

/**
 * Tells every tab, popup and options page what changed (with the new state
 * cards show), and updates the badge. Goes through storage.local, whose
 * onChanged reaches every context of ours without the `tabs` permission.
 */
async function changed(ids: string[], tags = false, fromSync = false): Promise<void> {
  const papers = ids.length > LIST_LIMIT ? 'all' : await statusOf(await db(), ids);
  const change: Change = { seq: Date.now() + Math.random(), papers, ...(tags ? { tags } : {}) };
  await Promise.all([browser.storage.local.set({ [CHANGE_KEY]: change }), updateBadge()]);
  if (!fromSync) syncer.request();
}

const syncer = createSyncer(db, (ids) => changed(ids, true, true));

/** The count of saved papers; "!" while a site the content script needs is not allowed (Firefox lets users revoke it). */
async function updateBadge(): Promise<void> {
  const missing = await missingOrigins();
  if (missing.length) {
    await browser.action.setBadgeText({ text: '!' });
    await browser.action.setBadgeBackgroundColor({ color: '#b45309' });
    await browser.action.setTitle({ title: 'PaperShelf needs access to its sites: open to allow' });
    return;
  }
  const n = await countPapers(await db());
  await browser.action.setBadgeText({ text: n ? String(n) : '' });
  await browser.action.setBadgeBackgroundColor({ color: '#4b5563' });
  await browser.action.setTitle({ title: 'PaperShelf' });
}

browser.permissions.onRemoved.addListener(() => void updateBadge().catch(console.error));
browser.permissions.onAdded.addListener(() => void updateBadge().catch(console.error));

/** The hosts our content script runs on, read from the manifest once per worker start. */
let hosts: string[] | undefined;
const contentHosts = () => (hosts ??= [...new Set(contentOrigins().map(hostOf))]);

async function handle(message: unknown, sender: SenderLike): Promise<Result<unknown>> {
  const refused = senderAllowed(sender, browser.runtime.id, browser.runtime.getURL(''), contentHosts());
  if (refused) return { ok: false, error: `refused: ${refused}` };
  if (!isEnvelope(message)) return { ok: false, error: 'refused: not a PaperShelf message' };
  const parsed = parseRequest(message.name, message.body);
  if (!parsed.ok) return parsed;
  try {
    const handler = handlers[parsed.value.name] as (req: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.value.body) };
  } catch (e) {
    console.error('PaperShelf:', parsed.value.name, e);
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
  // Not ours (another listener's traffic): leave it unanswered.
  if (!isEnvelope(message)) return undefined;
  return handle(message, sender);
});

browser.runtime.onConnect.addListener((port) => {
  if (port.name !== NOTES_PORT) return;
  const refused = senderAllowed(port.sender ?? {}, browser.runtime.id, browser.runtime.getURL(''), contentHosts());
  acceptNotes(port, async (id, note) => {
    const updated = await setNote(await db(), id, note);
    if (updated.length) await changed([id]);
  }, refused);
});

// Another browser's change, through the browser's own sync; or sync switched on.
browser.storage.onChanged.addListener((changes, area) => {
  if (area === 'sync' && ourSyncChange(changes)) syncer.request(REMOTE_DEBOUNCE_MS);
  if (area === 'local' && changes[SYNC_SETTINGS_KEY]) syncer.request(0);
});
browser.runtime.onStartup.addListener(() => syncer.request(0));

browser.runtime.onInstalled.addListener(({ reason }) => {
  void updateBadge().catch(console.error);
  syncer.request(0);
  // Firefox may install without site access: explain and ask, once, on a page of ours.
  if (reason === 'install') {
    void missingOrigins().then((m) => {
      if (m.length) void browser.tabs.create({ url: browser.runtime.getURL('src/options/index.html#access') });
    });
  }
  // Menus persist across worker restarts; (re)created on install and update only.
  void browser.contextMenus.removeAll().then(() =>
    browser.contextMenus.create({ id: MENU_ID, title: 'Save to PaperShelf', contexts: ['link'], targetUrlPatterns: PAPER_LINK_PATTERNS }),
  );
});

/** The menu item's action. Also on `self.papershelfSaveLink`: no browser lets a test open a native context menu. */
async function saveLink(info: LinkClick): Promise<boolean> {
  const ref = refFromLink(info);
  if (!ref) return false;
  await savePaper(await db(), ref);
  await changed([ref.id]);
  return true;
}
(globalThis as { papershelfSaveLink?: typeof saveLink }).papershelfSaveLink = saveLink;

browser.contextMenus.onClicked.addListener((info) => {
  if (info.menuItemId !== MENU_ID) return;
  saveLink(info as LinkClick).catch((e) => console.error('PaperShelf: could not save from the link', e));
});
browser.runtime.onStartup.addListener(() => void updateBadge().catch(console.error));
