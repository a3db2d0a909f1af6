import type { ArxivId, PaperRef } from '../../shared/model';

/** Where a card's host goes (SiteAdapter.mountPoint). */
export interface Mount {
  parent: Element;
  before: Node | null;
  beside?: boolean;
}

/**
 * One page family. Detection is the cheap mode of the parser: `findCards` and
 * `cardId` only look at links and ids, and run for every card; `readCard`
 * reads everything, and runs only when the user saves.
 */
export interface SiteAdapter {
  name: string;
  match(url: URL): boolean;
  /** Cards inside `root` (root included), each once, in document order. */
  findCards(root: ParentNode): Element[];
  /** The card an element belongs to, for nodes added inside an existing card. */
  cardOf(el: Element): Element | null;
  cardId(card: Element): ArxivId | null;
  readCard(card: Element, doc: Document): PaperRef | null;
  /**
   * Where the controls go: in the card or another of its parts, never inside a link or a
   * MathJax-processed node. `beside`: the host floats beside the text of `parent` and takes no
   * height of its own (host.ts BESIDE_STYLE), so nothing of the page moves when it goes in.
   */
  mountPoint(card: Element): Mount;
  /**
   * What the annotator observes for a card far from view, so its host goes in before its place
   * comes near: the card itself where the controls go near its top (cheaper than finding the
   * mount point of each of 1,000 cards at load); absent: the mount point's parent.
   */
  watchPoint?(card: Element): Element;
  /**
   * The elements a card is made of when it is more than one element (an arXiv
   * list's `dt` and its `dd`), card first; absent for a card that is one element.
   */
  parts?(card: Element): Element[];
}
