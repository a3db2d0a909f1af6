/**
 * When a card's host enters the page: as the card nears the viewport (one IntersectionObserver,
 * over the places in the cards where hosts go, not over hosts), or as keyboard focus enters the
 * card. A card far from view costs the page nothing but that one observation (annotate.ts).
 */
import type { SiteAdapter } from './sites/types';
import type { CardControls } from './ui/controls';
import { BESIDE_STYLE, HOST_ATTR, timing, UPGRADE_MARGIN } from './ui/host';

export interface Cards {
  adapter(): SiteAdapter | undefined;
  /** The card controls were made for, and the controls a card carries (the annotator's maps). */
  cardOf(c: CardControls): Element | undefined;
  controlsOf(card: Element): CardControls | undefined;
  /** The controls of a card entered the page (the ranking takes it from there). */
  shown(c: CardControls): void;
}

export class Placer {
  /** Controls whose host is in the page (and built). */
  private shownSet = new WeakSet<CardControls>();
  /** The one observer: the place in each card a host goes (see watch), nearing the viewport. */
  private near = new IntersectionObserver((entries) => this.nearing(entries), { rootMargin: `${UPGRADE_MARGIN}px 0px` });

  constructor(
    private of: Cards,
    private doc: Document,
    signal: AbortSignal,
  ) {
    // Focus entering a card (Tab, Shift+Tab, a link's focus()) builds its controls before the next key moves on.
    doc.addEventListener('focusin', (e) => this.focused(e), { capture: true, signal });
    signal.addEventListener('abort', () => this.near.disconnect());
  }

  /** The host of `c` is in the page. */
  placed(c: CardControls): boolean {
    return this.shownSet.has(c);
  }

  /**
   * Inserts the hosts of these controls where their cards mount them and builds the controls,
   * in one go: the page lays them out once. Times it as "papershelf:upgrade" (bench, DevTools).
   */
  place(list: CardControls[]) {
    const adapter = this.of.adapter();
    if (!adapter) return;
    const start = performance.now();
    const todo = list.filter((c) => {
      const card = this.of.cardOf(c);
      return !this.shownSet.has(c) && card?.isConnected && this.of.controlsOf(card) === c;
    });
    // A host inserted above the viewport (the reader scrolls up, or jumped down the list) pushes
    // down what the reader sees, and the browsers' scroll anchoring does not always make up for it:
    // what is in the middle of the viewport is put back where it was.
    const above = todo.some((c) => this.of.cardOf(c)!.getBoundingClientRect().top < 0);
    const anchor = above ? this.doc.elementFromPoint(innerWidth / 2, innerHeight / 2) : null;
    const top = anchor?.getBoundingClientRect().top ?? 0;
    for (const c of todo) {
      const card = this.of.cardOf(c)!;
      this.unwatch(c);
      const { parent, before, beside } = adapter.mountPoint(card);
      if (beside) c.host.setAttribute('style', BESIDE_STYLE);
      parent.insertBefore(c.host, before);
      this.shownSet.add(c);
      c.upgrade();
      this.of.shown(c);
    }
    if (anchor?.isConnected) {
      const moved = anchor.getBoundingClientRect().top - top;
      if (Math.abs(moved) >= 1) scrollBy(0, moved);
    }
    timing('papershelf:upgrade', start, todo.length);
  }

  /**
   * What the observer watches for a card: the element its host goes into (an arXiv entry's
   * metadata in its dd, below the dt that is the card), so the host is in the page before
   * the place it takes comes within the margin of the viewport.
   */
  private watched = new WeakMap<Element, CardControls>();
  private watching = new WeakMap<CardControls, Element>();
  watch(c: CardControls, el: Element) {
    this.watched.set(el, c);
    this.watching.set(c, el);
    this.near.observe(el);
  }
  unwatch(c: CardControls) {
    const el = this.watching.get(c);
    if (!el) return;
    this.watching.delete(c);
    if (this.watched.get(el) === c) {
      this.watched.delete(el);
      this.near.unobserve(el);
    }
  }

  private nearing(entries: IntersectionObserverEntry[]) {
    const list: CardControls[] = [];
    for (const e of entries) {
      const c = e.isIntersecting ? this.watched.get(e.target) : undefined;
      if (c) list.push(c);
    }
    if (list.length) this.place(list);
  }

  /** Focus reached an element of a card whose controls are not in the page: they are, before the next key. */
  private focused(e: FocusEvent) {
    if (!e.isTrusted || !(e.target instanceof Element) || e.target.hasAttribute(HOST_ATTR)) return;
    const card = this.of.adapter()?.cardOf(e.target);
    const c = card && this.of.controlsOf(card);
    if (c && !this.shownSet.has(c)) this.place([c]);
  }
}

/**
 * The cards (in document order, which on a listing is top to bottom) within
 * the upgrade margin of the viewport, as [from, to): a binary search for the
 * first, then the ones after it until one is beyond. Reads positions only
 * (the layout is clean at load, so nothing is laid out here). A card it
 * misses, on a page not laid out top to bottom, is built when the observer
 * reports it, a frame later.
 */
export function nearViewport(cards: Element[]): [number, number] {
  const top = -UPGRADE_MARGIN;
  const bottom = innerHeight + UPGRADE_MARGIN;
  let lo = 0;
  let hi = cards.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cards[mid].getBoundingClientRect().bottom < top) lo = mid + 1;
    else hi = mid;
  }
  let to = lo;
  while (to < cards.length && cards[to].getBoundingClientRect().top <= bottom) to++;
  return [lo, to];
}
