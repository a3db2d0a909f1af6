/**
 * Puts exactly one set of controls on every card the page's adapter finds,
 * keeps them in step with the library, and takes them away cleanly.
 *
 * A card far from view costs the page nothing but its id read and one
 * observation: its controls are a JavaScript object, with no element yet.
 * One IntersectionObserver over the cards (not over hosts) inserts a card's
 * host and builds its controls as the card comes within UPGRADE_MARGIN of
 * the viewport, and so does keyboard focus entering the card. A host inserted
 * into a laid-out page costs a style recalculation and a layout of what
 * follows it; 1,020 hosts at load cost the page more than everything else the
 * extension does (docs/architecture.md, "Where the time goes").
 */
import { ext as browser } from '../shared/ext';
import type Browser from 'webextension-polyfill';
import { CHANGE_KEY, type Change } from '../shared/change';
import { ABSTRACT_MAX, absUrl, hfUrl, tagKey, type PaperStatus } from '../shared/model';
import { ContextGone, send } from '../shared/client';
import type { SiteAdapter } from './sites/types';
import { createControls, type CardControls, type ControlEvents } from './ui/controls';
import { CARD_ATTR, HOST_ATTR, isLive } from './ui/host';
import { nearViewport, Placer } from './placer';
import { testAttr } from './exposure';
import { nextFrame, whenIdle } from './observe';
import { t } from '../shared/i18n';
import { errorText } from '../shared/errors';

/** papers.status takes at most 5,000 ids (shared/messages.ts). */
const STATUS_BATCH = 5000;

export class Annotator {
  /** Which controls a card carries (a card re-rendered in place keeps its element). */
  private bound = new WeakMap<Element, CardControls>();
  /** Live controls by paper id, for status changes. */
  private byId = new Map<string, Set<CardControls>>();
  private known = new Map<string, PaperStatus>();
  private gone = false;
  /** Puts hosts in the page as their cards near the viewport (placer.ts). */
  private placer: Placer;

  constructor(
    private adapter: () => SiteAdapter | undefined,
    private doc: Document,
    signal: AbortSignal,
  ) {
    // Read now: once the extension is reloaded under this script, the i18n API is gone too (orphan()).
    t('card_reload');
    const onChange = (changes: Record<string, Browser.Storage.StorageChange>, area: string) => {
      if (area === 'local' && changes[CHANGE_KEY]?.newValue) this.applyChange(changes[CHANGE_KEY].newValue as Change);
    };
    browser.storage.onChanged.addListener(onChange);
    this.placer = new Placer(
      { adapter, cardOf: (c) => this.cards.get(c), controlsOf: (card) => this.bound.get(card), shown: (c) => this.onShown(c) },
      doc,
      signal,
    );
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

  /**
   * Annotates every card in `roots` (and the cards they sit in). Returns how
   * many cards it looked at. Runs on every card of a listing at load (1,000 on
   * a long arXiv list): per card it reads the id and inserts one light host;
   * anything costlier waits for the card to near the viewport (controls.ts).
   */
  scan(roots: ParentNode[]): number {
    const adapter = this.adapter();
    if (!adapter || this.gone) return 0;
    // Forget controls that left with a client-side navigation before counting what is there.
    const whole = roots.includes(this.doc);
    if (whole) this.prune();
    let cards: Element[];
    if (roots.length === 1 && !(roots[0] instanceof Element && roots[0] !== this.doc.documentElement)) {
      cards = adapter.findCards(roots[0]);
    } else {
      const all = new Set<Element>();
      for (const root of roots) {
        for (const card of adapter.findCards(root)) all.add(card);
        if (root instanceof Element && root !== this.doc.documentElement) {
          const card = adapter.cardOf(root);
          if (card) all.add(card);
        }
      }
      cards = [...all];
    }
    // On a whole-page scan (load, client-side navigation), where the cards are now, before any host
    // moves them: those near the viewport get their controls in the next frame, before its layout;
    // the observer's first report would come a frame later and cost a second layout of the listing.
    const [nearFrom, nearTo] = whole ? nearViewport(cards) : [0, 0];
    const soon: CardControls[] = [];
    // A re-render (markup replaced, cloneNode) may have copied our host, and an earlier
    // copy of this script (Firefox injects a new one when the extension is
    // reloaded or updated) may have left its own: a host that is not one of ours
    // goes, so a card never gets two. At load only the earlier script's can be
    // there: they go once the page is idle, off the path of annotating it.
    if (this.loaded) sweep(roots);
    else {
      this.loaded = true;
      whenIdle(() => sweep([this.doc]));
    }
    const fresh: string[] = [];
    const boundNow: CardControls[] = [];
    // Test builds mark every card (CARD_ATTR) once the scan is done, in a microtask: what the scan's
    // "papershelf:scan" measure (index.ts) and `npm run bench` time is then the work users' builds do,
    // which write no marks (1,000 marks took 5.7 ms of a 38 ms scan, eleventh session).
    const marks: [Element, string][] | undefined = __PAPERSHELF_TEST_HOOKS__ ? [] : undefined;
    for (let i = 0; i < cards.length; i++) {
      const card = cards[i];
      const id = adapter.cardId(card)?.id;
      const have = this.bound.get(card);
      if (have) {
        if (have.id === id && this.holds(adapter, card, have)) continue;
        this.unbind(have);
      }
      if (!id) continue;
      const c = createControls(id, card, this.events);
      marks?.push([card, id]);
      this.bound.set(card, c);
      this.cards.set(c, card);
      boundNow.push(c);
      let set = this.byId.get(id);
      if (!set) this.byId.set(id, (set = new Set()));
      set.add(c);
      const status = this.known.get(id);
      if (status) c.set(status);
      else fresh.push(id);
      if (i >= nearFrom && i < nearTo) soon.push(c);
      else this.placer.watch(c, adapter.watchPoint?.(card) ?? adapter.mountPoint(card).parent);
    }
    if (marks?.length) queueMicrotask(() => marks.forEach(([card, id]) => testAttr(card, CARD_ATTR, id)));
    if (soon.length) nextFrame(() => this.placer.place(soon));
    if (fresh.length) this.ask(fresh);
    if (boundNow.length) this.onBound(boundNow);
    return cards.length;
  }

  /** The first scan (at load) is done. */
  private loaded = false;

  /** The card a control was mounted for (it may sit in another element of the card, as in an arXiv list's dd). */
  private cards = new WeakMap<CardControls, Element>();

  /** `c` still fits `card`: not in the page yet, or its host is where the card's controls go (in the card, or in another of its parts). */
  private holds(adapter: SiteAdapter, card: Element, c: CardControls): boolean {
    if (!this.placer.placed(c)) return true;
    const host = c.host;
    if (!host.isConnected) return false;
    if (card.contains(host)) return true;
    return adapter.parts?.(card).some((p) => p.contains(host)) ?? false;
  }

  /** The card of `c` is in the page, and so is its host if it was inserted. */
  private alive(c: CardControls): boolean {
    return !!this.cards.get(c)?.isConnected && (!this.placer.placed(c) || c.host.isConnected);
  }

  private unbind(c: CardControls) {
    if (c.hasHost) c.host.remove();
    this.forget(c);
    this.byId.get(c.id)?.delete(c);
  }

  private forget(c: CardControls) {
    this.placer.unwatch(c);
    c.dispose();
  }

  /** Ids whose saved state this frame's scans want (repeats allowed): one papers.status message per frame. */
  private asking: string[] = [];
  private ask(ids: string[]) {
    if (!ids.length) return;
    const first = this.asking.length === 0;
    this.asking = first ? ids : this.asking.concat(ids);
    if (!first) return;
    nextFrame(() => {
      const all = [...new Set(this.asking)];
      this.asking = [];
      // The message schema takes at most 5,000 ids.
      for (let i = 0; i < all.length; i += STATUS_BATCH) void this.fetchStatus(all.slice(i, i + STATUS_BATCH));
    });
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
      for (const c of set) {
        if (this.alive(c)) continue;
        this.forget(c);
        set.delete(c);
      }
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
        if (this.alive(c)) c.set(status);
        else {
          this.forget(c);
          set.delete(c);
        }
      }
    }
  }

  /** A paper saved from a bare link: this card knows more, so send it (never blocks anything). */
  private complete(id: string, set: Set<CardControls>) {
    this.completing.add(id);
    const c = [...set][0];
    const ref = c && this.refOf(c);
    if (ref?.authors.length) void send('paper.complete', { ref }).catch(() => {});
  }

  private applyChange(change: Change) {
    if (change.tags) this.tagNames = undefined;
    if (change.papers === 'all') {
      const ids = [...this.byId.keys()];
      this.known.clear();
      this.bump(ids);
      if (ids.length) this.ask(ids);
    } else {
      // A paper this page is writing keeps what the user did until the writes settle (write()).
      const papers = Object.fromEntries(Object.entries(change.papers).filter(([id]) => !this.inflight.has(id)));
      this.bump(Object.keys(papers));
      this.apply(papers);
    }
  }

  private refOf(c: CardControls) {
    const card = this.cards.get(c);
    return (card && this.adapter()?.readCard(card, this.doc)) || undefined;
  }

  private toggle(c: CardControls, save: boolean) {
    const tags = save ? (this.known.get(c.id)?.tags ?? []) : [];
    return this.write(c, { saved: save, tags }, async () => {
      if (save) {
        const ref = this.refOf(c);
        if (!ref) throw new Error(t('card_cannotRead'));
        await send('paper.save', { ref });
      } else {
        await send('paper.unsave', { id: c.id });
      }
    });
  }

  /**
   * Writes of each paper not settled yet. Meanwhile a change broadcast for it is ignored: it may
   * be the commit of the user's previous action, older than what the card shows (a tag added,
   * then another, then Backspace would act on a list without the second). Once the last write
   * has settled, the card asks the library again.
   */
  private inflight = new Map<string, number>();

  /** Shows `next` at once, runs the write, and puts the old state back if it fails. */
  private async write(c: CardControls, next: PaperStatus, run: () => Promise<unknown>) {
    const before = this.known.get(c.id) ?? { saved: false, tags: [] };
    this.bump([c.id]);
    this.apply({ [c.id]: next });
    c.say('');
    c.busy(true);
    this.inflight.set(c.id, (this.inflight.get(c.id) ?? 0) + 1);
    try {
      await run();
    } catch (e) {
      this.bump([c.id]);
      this.apply({ [c.id]: before });
      this.fail(e, c);
    } finally {
      c.busy(false);
      const left = this.inflight.get(c.id)! - 1;
      if (left) this.inflight.set(c.id, left);
      else {
        this.inflight.delete(c.id);
        this.bump([c.id]);
        this.ask([c.id]);
      }
    }
  }

  private fail(e: unknown, c?: CardControls) {
    if (e instanceof ContextGone) return this.orphan();
    const text = t('card_error', errorText(e));
    if (c) c.say(text);
    else console.warn(text);
  }

  /** The extension was reloaded under us: every control says so and stops. */
  orphan() {
    if (this.gone) return;
    this.gone = true;
    for (const set of this.byId.values()) for (const c of set) c.disable(t('card_reload'));
  }

  // ---------------------------------------------------------------- for ranking and triage (ranking.ts, triage.ts)

  /** Called with the controls bound by each scan, after it: the ranking takes them from there. */
  onBound: (bound: CardControls[]) => void = () => {};
  /** Called when a card's controls enter the page (it neared the viewport, or took focus). */
  onShown: (c: CardControls) => void = () => {};

  /** How many controls are bound (cheap: no walk of the page). */
  boundCount(): number {
    let n = 0;
    for (const set of this.byId.values()) n += set.size;
    return n;
  }

  /** Every live card's controls and elements, in document order. */
  liveCards(): { controls: CardControls; card: Element; parts: Element[] }[] {
    const adapter = this.adapter();
    const out: { controls: CardControls; card: Element; parts: Element[] }[] = [];
    for (const set of this.byId.values()) {
      for (const c of set) {
        const card = this.cards.get(c);
        if (card && this.alive(c)) out.push({ controls: c, card, parts: adapter?.parts?.(card) ?? [card] });
      }
    }
    return out.sort((a, b) => (a.card.compareDocumentPosition(b.card) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  }

  /** The card's paper as the ranking reads it, or null. */
  listed(c: CardControls): { id: string; title: string; authors: string[]; abstract?: string; version?: string } | null {
    const ref = this.refOf(c);
    if (!ref) return null;
    return {
      id: ref.id,
      title: ref.title.slice(0, 1000),
      authors: ref.authors.slice(0, 500).map((a) => a.slice(0, 300)),
      ...(ref.abstract ? { abstract: ref.abstract.slice(0, ABSTRACT_MAX) } : {}),
      ...(ref.version ? { version: ref.version } : {}),
    };
  }

  /** The same actions as the card's own buttons (optimistic, rolled back on failure). */
  saveToggle(c: CardControls) {
    void this.toggle(c, !this.known.get(c.id)?.saved);
  }
  addTag(c: CardControls, name: string) {
    this.events.onAddTag(c, name);
  }
  tagNamesMostUsed(): Promise<string[]> {
    return this.events.suggestions();
  }
  /** The tag names the card shows now. */
  tagsOf(id: string): string[] {
    return this.known.get(id)?.tags ?? [];
  }
  /** The paper's own page on this site (what triage's `o` opens): its Hugging Face page here, else its arXiv abstract. */
  urlOf(c: CardControls): string {
    return this.doc.location?.hostname === 'huggingface.co' ? hfUrl(c.id) : absUrl(c.id);
  }
}

/** Removes the hosts in `roots` that are not this script's own live controls (copies, or an earlier script's). */
function sweep(roots: ParentNode[]) {
  for (const root of roots) {
    for (const h of Array.from(root.querySelectorAll(`[${HOST_ATTR}]`))) if (!isLive(h)) h.remove();
  }
}
