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
import { completePaper, countPapers, getPapers, savePaper } from '../library/papers';
import { collectTombstones } from '../library/sync-local';
import { purgeTrash } from '../library/trash';
import { catchUpIndex } from '../library/import-write';
import type { SyncArea } from '../library/sync';
import { CHANGE_KEY, isEnvelope, type Change, type Result } from '../shared/messages';
import { MENU_ID, PAPER_LINK_PATTERNS, refFromLink, type LinkClick } from './menu';
import { classifySender, type SenderLike } from './sender';
import { contentOrigins, hostOf, missingOrigins } from '../shared/access';
import { NOTES_PORT } from '../shared/ports';
import { acceptNotes } from './notes';
import { createAfterWrite } from './after-write';
import { createDispatcher } from './dispatch';
import { createRanker } from './ranker';
import { createTabLedger, type SessionArea } from './tabs';
import { createSyncer, ourSyncChange, REMOTE_DEBOUNCE_MS, RETRY_ALARM } from './syncer';
import { SYNC_SETTINGS_KEY } from '../shared/sync-status';
import { createWebDavSyncer, PERIOD_MINUTES, WEBDAV_PERIODIC_ALARM, WEBDAV_RETRY_ALARM } from './webdav-syncer';
import { WEBDAV_SETTINGS_KEY, type WebDavSettings } from '../shared/webdav-status';
import type { PaperRef } from '../shared/model';
import { completedRef, createMetadataSource } from './metadata';
import { createCommandHandler, FLASH_MS, type TabLike } from './commands';
import { WELCOME_PAGE } from '../shared/pages';
import { t } from '../shared/i18n';

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

/** After each committed write, whoever made it (background/after-write.ts): sync, ranking, broadcast, badge. */
const afterWrite = createAfterWrite({
  requestSync: () => {
    syncer.request();
    webdav.request();
  },
  invalidateRanking: () => ranker.invalidate(),
  broadcast: async (ids, tags) => broadcast(await db(), ids, tags),
  updateBadge: () => updateBadge(),
  log: (what, e) => log(what)(e),
});
/** The background's own writes (messages, the notes Port, link saves, the ranker). */
const changed = (ids: string[], tags = false) => afterWrite('background', ids, tags);

const ranker = createRanker(db, (ids) => changed(ids));
/** What each tab's content script may act on (background/tabs.ts); storage.session is not readable by content scripts. */
const tabs = createTabLedger((browser.storage as unknown as { session?: SessionArea }).session ?? null);
/** WebDAV rounds; its changes are broadcast like storage.sync's (and not synced back at once). */
const webdav = createWebDavSyncer({
  db,
  changed: (ids) => afterWrite('sync', ids, true),
  local: browser.storage.local,
  scheduleRetry: (delay) => void browser.alarms.create(WEBDAV_RETRY_ALARM, { when: Date.now() + delay }).catch(log('could not schedule the WebDAV retry')),
});
const dispatch = createDispatcher({ db, changed, marked: () => afterWrite('corpus', []), ranker, tabs, webdav });
browser.tabs.onRemoved.addListener((tabId) => tabs.forget(tabId));

const syncer = createSyncer({
  db,
  changed: (ids) => afterWrite('sync', ids, true),
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
    await browser.action.setTitle({ title: t('bg_needsAccess') });
    return;
  }
  const n = await countPapers(await db());
  await browser.action.setBadgeText({ text: n ? String(n) : '' });
  await browser.action.setBadgeBackgroundColor({ color: '#4b5563' });
  await browser.action.setTitle({ title: t('actionTitle') });
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
  return dispatch(message.name, message.body, who.kind, { tabId: sender.tab?.id, url: sender.url ?? sender.tab?.url });
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
  if (area === 'local' && changes[WEBDAV_SETTINGS_KEY]) {
    const before = changes[WEBDAV_SETTINGS_KEY].oldValue as WebDavSettings | undefined;
    const after = changes[WEBDAV_SETTINGS_KEY].newValue as WebDavSettings | undefined;
    // Another folder or another key: what was read of the old one says nothing of the new.
    if (before && (before.url !== after?.url || before.key !== after?.key)) void webdav.forget().catch(log('could not forget the old WebDAV folder'));
  }
  // One of our pages wrote the database itself (import, restore, undo) and told everyone: the same after-write path.
  const change = area === 'local' ? (changes[CHANGE_KEY]?.newValue as Change | undefined) : undefined;
  if (change?.origin === 'page') void afterWrite('page', change.papers === 'all' ? [] : Object.keys(change.papers), !!change.tags);
});

browser.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === RETRY_ALARM) void syncer.now().catch(log('sync retry'));
  if (alarm.name === WEBDAV_RETRY_ALARM || alarm.name === WEBDAV_PERIODIC_ALARM) void webdav.now().catch(log('WebDAV round'));
});

function startup() {
  void updateBadge().catch(log('badge'));
  // The browser's language changes only with a restart: the menu, kept since install, is named anew.
  // (No menu yet, before onInstalled made it: nothing to rename.)
  void Promise.resolve()
    .then(() => browser.contextMenus.update(MENU_ID, { title: t('bg_menuSave') }))
    .catch(() => {});
  syncer.request(0);
  webdav.request(0);
  void browser.alarms.create(WEBDAV_PERIODIC_ALARM, { periodInMinutes: PERIOD_MINUTES }).catch(log('could not schedule WebDAV rounds'));
  void db()
    .then((d) => collectTombstones(d))
    .catch(log('could not collect old tombstones'));
  // An import whose search index did not finish (its page closed): the index catches up.
  void db()
    .then((d) => catchUpIndex(d))
    .catch(log('could not finish indexing an import'));
  // Removals are soft for 30 days (library/trash.ts); their tombstones stay as long as sync needs them.
  void db()
    .then((d) => purgeTrash(d))
    .catch(log('could not empty the old trash'));
}
browser.runtime.onStartup.addListener(startup);

browser.runtime.onInstalled.addListener(({ reason }) => {
  startup();
  // A first install opens the welcome page: what PaperShelf does, where, its keys, its data and
  // sync. Where Firefox installed without site access, the page says so first and asks (the
  // options page's #access section did this before; one page to read instead of two).
  if (reason === 'install') {
    // Test builds open it behind: the browser tests' first tab, opened meanwhile, must stay in
    // front (onboarding.e2e.ts checks that the page opened).
    const active = !__PAPERSHELF_TEST_HOOKS__;
    void browser.tabs.create({ url: browser.runtime.getURL(WELCOME_PAGE), active }).catch(log('could not open the welcome page'));
  }
  // Menus persist across worker restarts; (re)created on install and update only.
  void browser.contextMenus
    .removeAll()
    .then(() => browser.contextMenus.create({ id: MENU_ID, title: t('bg_menuSave'), contexts: ['link'], targetUrlPatterns: PAPER_LINK_PATTERNS }))
    .catch(log('could not create the link menu'));
});

/** Title, authors and abstract of papers saved from an id alone: Hugging Face's API, else arXiv's abstract page; one request a second. */
const metadataOf = createMetadataSource((url, init) => fetch(url, init));

/**
 * Saves a paper known by its id alone (a link, a key press) and tells every
 * context at once; then fetches its metadata and completes the record, unless
 * it is complete already (saved before from a listing). A failed fetch leaves
 * the bare record, completed when a listing shows the paper. Resolves once
 * saved; the metadata follows.
 */
async function saveBare(ref: PaperRef): Promise<void> {
  const d = await db();
  // Saved already: a bare ref must not replace its title ("arXiv:<id>"), URL or source.
  const [saved] = await getPapers(d, [ref.id]);
  const paper = saved ?? (await savePaper(d, ref));
  if (!saved) await changed([ref.id]);
  if (paper.authors.length) return;
  void metadataOf(ref.id)
    .then(async (meta) => {
      const full = completedRef(paper, meta);
      if (full && (await completePaper(await db(), full))) await changed([ref.id]);
    })
    .catch(log(`could not complete ${ref.id}`));
}

/** The menu item's action; the metadata follows (the menu does not wait for it). */
async function saveLink(info: LinkClick): Promise<boolean> {
  const ref = refFromLink(info);
  if (!ref) return false;
  await saveBare(ref);
  return true;
}

browser.contextMenus.onClicked.addListener((info) => {
  if (info.menuItemId !== MENU_ID) return;
  saveLink(info as LinkClick).catch(log('could not save from the link'));
});

/** A tab's badge for a moment (the tab-specific text, then back to the count); no notifications permission needed. */
async function flash(tabId: number, text: string): Promise<void> {
  await browser.action.setBadgeText({ tabId, text });
  setTimeout(() => void browser.action.setBadgeText({ tabId, text: null }).catch(() => undefined), FLASH_MS);
}

const onCommand = createCommandHandler({ save: saveBare, flash });

browser.commands.onCommand.addListener((command, tab) => {
  // The key press grants activeTab: should a browser hand over the tab without its URL, ask for it.
  const withUrl: Promise<TabLike | undefined> = tab?.url || tab?.id === undefined ? Promise.resolve(tab) : browser.tabs.get(tab.id).catch(() => tab);
  void withUrl.then((t) => onCommand(command, t)).catch(log(`could not run the command ${command}`));
});

// No browser lets a test open a native context menu or press a browser shortcut: test builds
// (npm test) expose the item's and the command's actions; `npm run build` and the store
// packages do not have these lines at all.
if (__PAPERSHELF_TEST_HOOKS__) {
  const hooks = globalThis as { papershelfSaveLink?: unknown; papershelfCommand?: unknown };
  hooks.papershelfSaveLink = saveLink;
  hooks.papershelfCommand = onCommand;
}
