import type { ArxivId, PaperRef } from '../../shared/model';

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
  /** Where the controls go: in the card or another of its parts, never inside a link or a MathJax-processed node. */
  mountPoint(card: Element): { parent: Element; before: Node | null };
  /**
   * The elements a card is made of when it is more than one element (an arXiv
   * list's `dt` and its `dd`), card first; absent for a card that is one element.
   */
  parts?(card: Element): Element[];
}
