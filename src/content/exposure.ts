/**
 * What a page's own scripts may see of PaperShelf (two builds, one behaviour;
 * docs/architecture.md). Our hosts live in the page's DOM, so any script of the
 * page (its analytics, an XSS) can read their attributes and, if open, their
 * shadow roots. Production builds (`npm run build`) use closed roots and put no
 * user data in any attribute; test builds (`npm run build:test`) keep open roots
 * and the data attributes, the contracts tests and tools drive the cards by.
 */
export const SHADOW_MODE: ShadowRootMode = __PAPERSHELF_TEST_HOOKS__ ? 'open' : 'closed';

/** Sets (or, with null, removes) a data attribute that carries user data: in test builds only. */
export function testAttr(el: Element, name: string, value: string | null): void {
  if (!__PAPERSHELF_TEST_HOOKS__) return;
  if (value === null) el.removeAttribute(name);
  else el.setAttribute(name, value);
}
