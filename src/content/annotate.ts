/**
 * Puts exactly one set of controls on every card the page's adapter finds,
 * keeps them in step with the library, and takes them away cleanly.
 */
import browser from 'webextension-polyfill';
import { CHANGE_KEY, type Change } from '../shared/messages';
import { tagKey, type PaperStatus } from '../shared/model';
import { ContextGone, send } from '../shared/client';
import type { SiteAdapter } from './sites/types';
import { createControls, HOST_ATTR, type CardControls, type ControlEvents } from './ui/controls';

const RELOAD = 'PaperShelf was updated: reload the page to use it here';

export class Annotator {
  /** Which controls a card carries (a card re-rendered in place keeps its element). */
  private bound = new WeakMap<Element, CardControls>();
  /** Live controls by paper id, for status changes. */
  private byId = new Map<string, Set<CardControls>>();
  private known = new Map<string, PaperStatus>();
  private gone = false;

  constructor(
    private adapter: () => SiteAdapter | undefined,
    private doc: Document,
    signal: AbortSignal,
  ) {
    const onChange = (changes: Record<string, browser.Storage.StorageChange>, area: string) => {
      if (area === 'local' && changes[CHANGE_KEY]?.newValue) this.applyChange(changes[CHANGE_KEY].newValue as Change);
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

  private tagNames: Promise<string[]> | undefined;

  private events: ControlEvents = {
    onToggle: (c, save) => void this.toggle(c, save),
    onAddTag: (c, name) => {
      const now = this.known.get(c.id)?.tags ?? [];
      if (now.some((t) => tagKey(t) === tagKey(name))) return;
      void this.write(c, { saved: true, tags: [...now, name.trim()] }, async () => {
        const ref = this.refOf(c);
        await send('papers.tag', { ids: [c.id], name, ...(ref ? { ref } : {}) });
      });
    },
    onRemoveTag: (c, name) => {
      const st = this.known.get(c.id);
      void this.write(c, { saved: st?.saved ?? true, tags: (st?.tags ?? []).filter((t) => t !== name) }, () =>
        send('paper.untag', { id: c.id, key: tagKey(name) }),
      );
    },
    suggestions: () =>
      (this.tagNames ??= send('tags.names', {}).then(
        (names) => names,
        () => {
          this.tagNames = undefined;
          return [];
        },
      )),
  };

  /** Annotates every card in `roots` (and the cards they sit in). Returns how many controls were mounted. */
  scan(roots: ParentNode[]): number {
    const adapter = this.adapter();
    if (!adapter || this.gone) return 0;
    const cards = new Set<Element>();
    for (const root of roots) {
      for (const card of adapter.findCards(root)) cards.add(card);
      if (root instanceof Element && root !== this.doc.documentElement) {
        const card = adapter.cardOf(root);
        if (card) cards.add(card);
      }
    }
    const fresh: string[] = [];
    for (const card of cards) {
      const id = adapter.cardId(card)?.id;
      const have = this.bound.get(card);
      if (have && have.id === id && have.host.isConnected && card.contains(have.host)) continue;
      if (have) this.unbind(have);
      // A re-render may have copied our host; a card never gets two.
      for (const stray of Array.from(card.querySelectorAll(`[${HOST_ATTR}]`))) stray.remove();
      if (!id) continue;
      const c = createControls(id, this.events);
      const { parent, before } = adapter.mountPoint(card);
      parent.insertBefore(c.host, before);
      this.bound.set(card, c);
      let set = this.byId.get(id);
      if (!set) this.byId.set(id, (set = new Set()));
      set.add(c);
      const status = this.known.get(id);
      if (status) c.set(status);
      else fresh.push(id);
    }
    if (fresh.length) void this.fetchStatus([...new Set(fresh)]);
    if (roots.includes(this.doc)) this.prune();
    return cards.size;
  }

  private unbind(c: CardControls) {
    c.host.remove();
    this.byId.get(c.id)?.delete(c);
  }

  /**
   * Bumped for an id whenever newer state than a pending status reply arrives
   * (a write from this page, a broadcast change), so a slow reply cannot put
   * an older state back.
   */
  private version = new Map<string, number>();
  private bump(ids: Iterable<string>) {
    for (const id of ids) this.version.set(id, (this.version.get(id) ?? 0) + 1);
  }

  private async fetchStatus(ids: string[]) {
    const asked = ids.map((id) => this.version.get(id) ?? 0);
    try {
      const statuses = await send('papers.status', { ids });
      const current: Record<string, PaperStatus> = {};
      ids.forEach((id, i) => {
        if ((this.version.get(id) ?? 0) === asked[i] && statuses[id]) current[id] = statuses[id];
      });
      this.apply(current);
    } catch (e) {
      this.fail(e);
    }
  }

  /** Forgets controls whose cards left the page (client-side navigation replaces whole views). */
  private prune() {
    for (const [id, set] of this.byId) {
      for (const c of set) if (!c.host.isConnected) set.delete(c);
      if (!set.size) this.byId.delete(id);
    }
  }

  /** Ids this page already offered to complete, so it asks once. */
  private completing = new Set<string>();

  private apply(statuses: Record<string, PaperStatus>) {
    for (const [id, status] of Object.entries(statuses)) {
      this.known.set(id, status);
      const set = this.byId.get(id);
      if (!set) continue;
      if (status.incomplete && !this.completing.has(id)) this.complete(id, set);
      for (const c of set) {
        if (!c.host.isConnected) set.delete(c);
        else c.set(status);
      }
    }
  }

  /** A paper saved from a bare link: this card knows more, so send it (never blocks anything). */
  private complete(id: string, set: Set<CardControls>) {
    this.completing.add(id);
    const c = [...set][0];
    const ref = c && this.refOf(c);
    if (ref && ref.authors.length) void send('paper.complete', { ref }).catch(() => {});
  }

  private applyChange(change: Change) {
    if (change.tags) this.tagNames = undefined;
    if (change.papers === 'all') {
      const ids = [...this.byId.keys()];
      this.known.clear();
      this.bump(ids);
      if (ids.length) void this.fetchStatus(ids);
    } else {
      this.bump(Object.keys(change.papers));
      this.apply(change.papers);
    }
  }

  private refOf(c: CardControls) {
    const card = findCard(this.bound, c);
    return (card && this.adapter()?.readCard(card, this.doc)) || undefined;
  }

  private toggle(c: CardControls, save: boolean) {
    const tags = save ? (this.known.get(c.id)?.tags ?? []) : [];
    return this.write(c, { saved: save, tags }, async () => {
      if (save) {
        const ref = this.refOf(c);
        if (!ref) throw new Error('could not read this paper from the page');
        await send('paper.save', { ref });
      } else {
        await send('paper.unsave', { id: c.id });
      }
    });
  }

  /** Shows `next` at once, runs the write, and puts the old state back if it fails. */
  private async write(c: CardControls, next: PaperStatus, run: () => Promise<unknown>) {
    const before = this.known.get(c.id) ?? { saved: false, tags: [] };
    this.bump([c.id]);
    this.apply({ [c.id]: next });
    c.say('');
    c.busy(true);
    try {
      await run();
    } catch (e) {
      this.bump([c.id]);
      this.apply({ [c.id]: before });
      this.fail(e, c);
    } finally {
      c.busy(false);
    }
  }

  private fail(e: unknown, c?: CardControls) {
    if (e instanceof ContextGone) return this.orphan();
    const text = `PaperShelf: ${e instanceof Error ? e.message : String(e)}`;
    if (c) c.say(text);
    else console.warn(text);
  }

  /** The extension was reloaded under us: every control says so and stops. */
  orphan() {
    if (this.gone) return;
    this.gone = true;
    for (const set of this.byId.values()) for (const c of set) c.disable(RELOAD);
  }
}

function findCard(bound: WeakMap<Element, CardControls>, c: CardControls): Element | null {
  for (let el = c.host.parentElement; el; el = el.parentElement) if (bound.get(el) === c) return el;
  return null;
}
