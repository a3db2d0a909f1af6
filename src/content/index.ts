/**
 * Content script entry: picks the adapter for the current URL (again after
 * each client-side navigation), annotates what is there, then only what is added.
 */
import { testAttr } from './exposure';
import { adapterFor } from './sites';
import { Annotator } from './annotate';
import { observe } from './observe';
import { contextAlive, send } from '../shared/client';
import { ext as browser } from '../shared/ext';
import type Browser from 'webextension-polyfill';
import { PageRanking, view } from './ranking';
import { Triage } from './triage';
import { notTagged } from './ui/rank-view';
import type { CardControls } from './ui/controls';
import { readSettings, SETTINGS_KEY } from '../shared/settings';

function start() {
  const controller = new AbortController();
  // The adapter for the current URL, looked up again only when the URL changed (scans run once a frame).
  let at = { href: location.href, adapter: adapterFor(location.href) };
  const adapter = () => (at.href === location.href ? at : (at = { href: location.href, adapter: adapterFor(location.href) })).adapter;
  const annotator = new Annotator(adapter, document, controller.signal);
  wireRanking(annotator, controller.signal);
  timed(() => annotator.scan([document]));
  /** Left behind by an update or reload of the extension: the controls say so, and this script stops quietly. */
  const orphaned = () => {
    if (contextAlive()) return false;
    annotator.orphan();
    controller.abort();
    return true;
  };
  // A static page sends no mutations: check again whenever the user comes back to the tab.
  document.addEventListener('visibilitychange', orphaned, { signal: controller.signal });
  observe(({ nodes, urlChanged }) => {
    if (orphaned()) return;
    timed(() => annotator.scan(urlChanged ? [document] : nodes));
  }, controller.signal);
}

/**
 * The ranking and the keyboard triage, on listing pages only (a page with one
 * paper has nothing to rank or move between). Both follow the user's settings
 * (options page), read once and followed through storage.onChanged.
 */
function wireRanking(annotator: Annotator, signal: AbortSignal) {
  const ranking = new PageRanking({ rank: (cards) => send('cards.rank', { cards }), seen: (ids) => send('cards.seen', { ids }) }, signal);
  let triage: Triage | null = null;
  let settings = readSettings(undefined);
  /** Cards bound before the settings were read: ranked then, if the ranking is on. null once read. */
  let early: CardControls[] | null = [];
  const rank = (bound: CardControls[]) => ranking.add(bound.map((c) => ({ controls: c, read: () => annotator.listed(c) })));
  annotator.onShown = (c) => ranking.shown(c);
  view.tagsOf = (id) => annotator.tagsOf(id);
  view.accept = (c, name) => annotator.addTag(c, name);
  const listing = () => annotator.boundCount() > 1;
  annotator.onBound = (bound) => {
    if (early) early.push(...bound);
    else if (settings.ranking) rank(bound);
    if (!triage && listing() && document.body) {
      triage = new Triage(
        document,
        {
          cards: () => annotator.liveCards().map(({ controls, parts }) => ({ controls, parts, url: annotator.urlOf(controls) })),
          toggleSave: (c) => annotator.saveToggle(c),
          addTag: (c, name) => annotator.addTag(c, name),
          notRelevant: (c) => {
            const card = annotator.listed(c);
            if (!card) return;
            testAttr(c.host, 'data-not-relevant', '');
            ranking.dismiss(c.id);
            void send('paper.notRelevant', { card, on: true }).catch(() => testAttr(c.host, 'data-not-relevant', null));
          },
          tagNames: () => annotator.tagNamesMostUsed(),
          relevance: (id) => ranking.verdicts.get(id)?.relevance,
          suggested: (id) => notTagged(ranking.verdicts.get(id)?.suggested ?? [], annotator.tagsOf(id)),
        },
        signal,
      );
      triage.enabled = settings.triageKeys;
      triage.beforeSort = (on) => (on ? ranking.rankAll() : Promise.resolve());
      triage.showSort(false);
    }
  };
  let relevant = false; // some card has a relevance: stays so
  ranking.onRanked = () => {
    if (!triage) return;
    relevant ||= [...ranking.verdicts.values()].some((v) => v.relevance !== undefined);
    triage.showSort(relevant);
    triage.resort();
  };
  const apply = (stored: unknown) => {
    settings = readSettings(stored);
    if (triage) triage.enabled = settings.triageKeys;
    if (early) {
      if (settings.ranking && early.length) rank(early);
      early = null;
    }
  };
  void browser.storage.local.get(SETTINGS_KEY).then(
    (r) => apply(r[SETTINGS_KEY]),
    () => apply(undefined),
  );
  const onChange = (changes: Record<string, Browser.Storage.StorageChange>, area: string) => {
    if (area === 'local' && changes[SETTINGS_KEY]) apply(changes[SETTINGS_KEY].newValue);
  };
  browser.storage.onChanged.addListener(onChange);
  signal.addEventListener('abort', () => {
    try {
      browser.storage.onChanged.removeListener(onChange);
    } catch {
      // The extension context is gone with the listener.
    }
  });
}

/**
 * Test builds: each scan leaves a User Timing entry "papershelf:scan" (detail: cards seen),
 * so `npm run bench` and DevTools show what the extension costs a page. Not in what users
 * install: the page's timeline is the page's, and its scripts would read there that
 * PaperShelf runs and how many cards it found (privacy.e2e.ts).
 */
function timed(scan: () => number) {
  if (!__PAPERSHELF_TEST_HOOKS__) {
    scan();
    return;
  }
  const start = performance.now();
  const cards = scan();
  try {
    performance.measure('papershelf:scan', { start, detail: { cards } });
  } catch {
    // Older engines without measure options: timing is only for benchmarks.
  }
}

start();
