/**
 * A card's host element: what PaperShelf puts in a page's DOM, and the one
 * registry of our live hosts. No controls here (controls.ts builds them in
 * the host's shadow root, tag-editor.ts the editor inside them).
 *
 * A host is made when a card's controls first need it (controls.ts `host`), which is
 * when the card nears the viewport (the annotator's one IntersectionObserver over the
 * cards, content/annotate.ts) or focus enters it: the cards of a long list far from
 * view have none. Inserted, it is upgraded at once (controls.ts).
 */

/**
 * The attribute that marks our hosts. Test builds: `data-papershelf="<id>"`, the contract
 * tests drive the cards by. Production: `data-ps-host` with no value, so a page's script
 * learns nothing it does not already know (the ids are its own cards'); our code finds a
 * host's paper through `idOfHost`.
 */
export const HOST_ATTR = __PAPERSHELF_TEST_HOOKS__ ? 'data-papershelf' : 'data-ps-host';

/**
 * Test builds only, on every card the annotator found (hosted or not yet): the paper's id,
 * and once the library answered, its saved state ("true"/"false"). The contract tests and
 * the bench tell a whole listing is annotated by; production builds write neither.
 */
export const CARD_ATTR = 'data-papershelf-card';
export const CARD_SAVED_ATTR = 'data-papershelf-saved';

/**
 * What every host carries besides its id. The reserved size is the
 * controls' one row (:host margin 6px 0; a button is 12px × 1.2 + 2 × 3px
 * padding + 2 × 1px border = 22.4px); inline, so the page's own rules on
 * `div` cannot change it before the shadow root's :host rule applies.
 */
export const HOST_ATTRIBUTES: ReadonlyArray<readonly [string, string]> = [
  ['role', 'group'],
  ['aria-label', 'PaperShelf'],
  ['style', 'margin:6px 0;min-height:23px'],
];

/**
 * A host that floats beside its line's text instead of taking a row of its own (an arXiv
 * entry's identifier line: SiteAdapter.mountPoint `beside`). Its margin box is shorter than a
 * line (23px less 3px above and below), so the line keeps its height and nothing after it moves;
 * the buttons reach 3px into the space around the line. At most 60% of the line: more tags
 * than fit wrap into rows below, beside the title, which flows around them.
 */
export const BESIDE_STYLE = 'float:inline-end;margin:-3px 0 -3px 12px;min-height:23px;max-width:60%';

/** How far (px) above or below the viewport a card gets its host and controls: a fast scroll finds them built. */
export const UPGRADE_MARGIN = 600;

/** The host, built once and cloned per card. */
let hostTemplate: HTMLElement | undefined;
export function lightHost(id: string): HTMLElement {
  if (!hostTemplate) {
    hostTemplate = document.createElement('div');
    for (const [name, value] of HOST_ATTRIBUTES) hostTemplate.setAttribute(name, value);
  }
  const host = hostTemplate.cloneNode(false) as HTMLElement;
  host.setAttribute(HOST_ATTR, __PAPERSHELF_TEST_HOOKS__ ? id : '');
  return host;
}

/** Our live hosts and the paper each is for (a WeakMap: a host that left the page takes its entry along). */
const live = new WeakMap<Element, string>();

export function register(host: Element, id: string): void {
  live.set(host, id);
}
export function unregister(host: Element): void {
  live.delete(host);
}

/** `host` belongs to controls of this script that are still in use (not a copy made by the page, nor left by an earlier copy of this script). */
export function isLive(host: Element): boolean {
  return live.has(host);
}

/** The paper a live host of ours is for (the page cannot read it off the host in production). */
export function idOfHost(host: Element): string | undefined {
  return live.get(host);
}

/** Like the scans' "papershelf:scan" (index.ts): what inserting and building controls costs the page, for `npm run bench` and DevTools (test builds only). */
export function timing(name: string, start: number, cards: number): void {
  if (!__PAPERSHELF_TEST_HOOKS__ || !cards) return;
  try {
    performance.measure(name, { start, detail: { cards } });
  } catch {
    // Older engines without measure options: timing is only for benchmarks.
  }
}
