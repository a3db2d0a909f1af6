/**
 * The background: the content scripts' only door to the library. Listeners are
 * registered at the top level, synchronously, so that a worker woken by a
 * message (Chrome service worker, Firefox event page) has them before the
 * event is dispatched. Nothing here may rely on memory surviving between
 * events: the worker can be stopped at any time. Every rule about the data
 * lives in src/library; this file only wires browser events to it.
 */
import browser from 'webextension-polyfill';
import { connection } from '../library/db';
import { broadcast } from '../library/broadcast';
import { countPapers, savePaper } from '../library/papers';
import { collectTombstones } from '../library/sync-local';
import type { SyncArea } from '../library/sync';
import { CHANGE_KEY, isEnvelope, type Change, type Result } from '../shared/messages';
import { MENU_ID, PAPER_LINK_PATTERNS, refFromLink, type LinkClick } from './menu';
import { classifySender, type SenderLike } from './sender';
import { contentOrigins, hostOf, missingOrigins } from '../shared/access';
import { NOTES_PORT } from '../popup/notes';
import { acceptNotes } from './notes';
import { createDispatcher } from './dispatch';
import { createRanker } from './ranker';
import { createSyncer, ourSyncChange, REMOTE_DEBOUNCE_MS, RETRY_ALARM } from './syncer';
import { SYNC_SETTINGS_KEY } from '../shared/sync-status';

const log = (what: string) => (e: unknown) => console.error(`PaperShelf: ${what}`, e);

// Test builds keep every uncaught error and unhandled rejection of the worker, for the
// browser tests to fail on (test/e2e/session.ts); dist/ has none of this.
if (__PAPERSHELF_TEST_HOOKS__) {
  const errors: string[] = [];
  (globalThis as { papershelfErrors?: string[] }).papershelfErrors = errors;
  self.addEventListener('error', (e) => errors.push(`Uncaught: ${String((e as ErrorEvent).error ?? (e as ErrorEvent).message)}`));
  self.addEventListener('unhandledrejection', (e) => errors.push(`Unhandled rejection: ${String((e as PromiseRejectionEvent).reason)}`));
}

/** One connection, reopened after a versionchange or a termination; a downgrade rejects every time with its message. */
const db = connection();

/**
 * After each committed write: the broadcast, the badge, and a sync round.
 * Each may fail on its own (storage quota, a closed window) without undoing
 * the write: the dispatcher logs and answers with the write's result.
 */
async function changed(ids: string[], tags = false, fromSync = false): Promise<void> {
  if (!fromSync) syncer.request();
  ranker.invalidate();
  const results = await Promise.allSettled([broadcast(await db(), ids, tags), updateBadge()]);
  for (const r of results) if (r.status === 'rejected') log('after a stored write')(r.reason);
}

const ranker = createRanker(db);
const dispatch = createDispatcher({ db, changed, ranker });

const syncer = createSyncer({
  db,
  changed: (ids) => changed(ids, true, true),
  area: browser.storage.sync as unknown as SyncArea,
  local: browser.storage.local,
  scheduleRetry: (delay) => void browser.alarms.create(RETRY_ALARM, { when: Date.now() + delay }).catch(log('could not schedule the sync retry')),
});

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

browser.permissions.onRemoved.addListener(() => void updateBadge().catch(log('badge')));
browser.permissions.onAdded.addListener(() => void updateBadge().catch(log('badge')));

/** The hosts our content script runs on, read from the manifest once per worker start. */
let hosts: string[] | undefined;
const contentHosts = () => (hosts ??= [...new Set(contentOrigins().map(hostOf))]);
const classify = (sender: SenderLike) => classifySender(sender, browser.runtime.id, browser.runtime.getURL(''), contentHosts());

async function handle(message: unknown, sender: SenderLike): Promise<Result<unknown>> {
  const who = classify(sender);
  if ('refused' in who) return { ok: false, error: `refused: ${who.refused}` };
  if (!isEnvelope(message)) return { ok: false, error: 'refused: not a PaperShelf message' };
  return dispatch(message.name, message.body, who.kind);
}

browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
  // Not ours (another listener's traffic): leave it unanswered.
  if (!isEnvelope(message)) return undefined;
  return handle(message, sender);
});

browser.runtime.onConnect.addListener((port) => {
  if (port.name !== NOTES_PORT) return;
  const who = classify(port.sender ?? {});
  // Notes are the user's own text: only our pages write them.
  const refused = 'refused' in who ? who.refused : who.kind === 'content' ? 'notes are written from PaperShelf pages only' : null;
  acceptNotes(
    port,
    async (id, note) => {
      const r = await dispatch('paper.setNote', { id, note }, 'page');
      if (!r.ok) throw new Error(r.error);
    },
    refused,
  );
});

browser.storage.onChanged.addListener((changes, area) => {
  // Another browser's change, through the browser's own sync; or sync switched on.
  if (area === 'sync' && ourSyncChange(changes)) syncer.request(REMOTE_DEBOUNCE_MS);
  if (area === 'local' && changes[SYNC_SETTINGS_KEY]) syncer.request(0);
  // One of our pages wrote the database itself (import, restore): sync it out, update the badge.
  if (area === 'local' && (changes[CHANGE_KEY]?.newValue as Change | undefined)?.origin === 'page') {
    syncer.request();
    ranker.invalidate();
    void updateBadge().catch(log('badge'));
  }
});

browser.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === RETRY_ALARM) void syncer.now().catch(log('sync retry'));
});

function startup() {
  void updateBadge().catch(log('badge'));
  syncer.request(0);
  void db().then((d) => collectTombstones(d)).catch(log('could not collect old tombstones'));
}
browser.runtime.onStartup.addListener(startup);

browser.runtime.onInstalled.addListener(({ reason }) => {
  startup();
  // Firefox may install without site access: explain and ask, once, on a page of ours.
  if (reason === 'install') {
    void missingOrigins()
      .then((m) => (m.length ? browser.tabs.create({ url: browser.runtime.getURL('src/options/index.html#access') }) : undefined))
      .catch(log('could not open the site-access page'));
  }
  // Menus persist across worker restarts; (re)created on install and update only.
  void browser.contextMenus
    .removeAll()
    .then(() => browser.contextMenus.create({ id: MENU_ID, title: 'Save to PaperShelf', contexts: ['link'], targetUrlPatterns: PAPER_LINK_PATTERNS }))
    .catch(log('could not create the link menu'));
});

/** The menu item's action. */
async function saveLink(info: LinkClick): Promise<boolean> {
  const ref = refFromLink(info);
  if (!ref) return false;
  await savePaper(await db(), ref);
  await changed([ref.id]);
  return true;
}

browser.contextMenus.onClicked.addListener((info) => {
  if (info.menuItemId !== MENU_ID) return;
  saveLink(info as LinkClick).catch(log('could not save from the link'));
});

// No browser lets a test open a native context menu: test builds (npm test) expose the
// item's action; `npm run build` and the store packages do not have this line at all.
if (__PAPERSHELF_TEST_HOOKS__) (globalThis as { papershelfSaveLink?: typeof saveLink }).papershelfSaveLink = saveLink;
