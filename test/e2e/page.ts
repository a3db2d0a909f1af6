/** Functions that run inside the page (through Tab.evaluate) to read what a user sees. */

/*
 * A card far from view has no host yet: the content script inserts a card's host and builds its
 * controls as the card nears the viewport (or takes focus). Test builds mark every card it found
 * at once, hosted or not: `data-papershelf-card="<id>"` and, once the library answered,
 * `data-papershelf-saved`. These functions read the marks for the whole page and the hosts where
 * they are. Each runs in the page on its own (serialised): no helper outside it.
 */

export interface ControlState {
  id: string;
  /**
   * What the save control says: the card's saved mark, the host's data-saved
   * where the host is in the page, and aria-pressed of the save button where
   * the controls are built; null while the state is unknown.
   * "disagree:<mark>/<data-saved>/<aria-pressed>" if they differ.
   */
  pressed: string | null;
  /** The host is in the page with its shadow root (controls are built lazily, near the viewport). */
  upgraded: boolean;
}

/** Every card PaperShelf annotated on the page, in document order. */
export function readControls(): ControlState[] {
  const hosts = new Map<string, Element>();
  for (const h of Array.from(document.querySelectorAll('[data-papershelf]'))) {
    const id = h.getAttribute('data-papershelf') ?? '';
    if (!hosts.has(id)) hosts.set(id, h);
  }
  return Array.from(document.querySelectorAll('[data-papershelf-card]')).map((card) => {
    const id = card.getAttribute('data-papershelf-card') ?? '';
    const host = hosts.get(id);
    const marks = [
      card.getAttribute('data-papershelf-saved'),
      host?.getAttribute('data-saved') ?? null,
      host?.shadowRoot?.querySelector('button[aria-label="Save to PaperShelf"]')?.getAttribute('aria-pressed') ?? null,
    ];
    const known = marks.filter((m) => m !== null);
    return {
      id,
      pressed: known.length === 0 ? null : known.every((m) => m === known[0]) ? known[0] : `disagree:${marks.join('/')}`,
      upgraded: host?.shadowRoot != null,
    };
  });
}

/**
 * True when `n` cards are annotated, each with its paper's saved state known
 * (the card's mark; and the same on its host and button where they are in the
 * page), one per paper, and no card has two hosts. Hosts exist only near the
 * viewport. A card copied by the page's own re-render (cloneNode, innerHTML)
 * copies our marks too; a copied card then shows its paper twice, which is why
 * the ids must differ (every fixture lists a paper once).
 */
export function controlsReady(n: number): boolean {
  const cards = Array.from(document.querySelectorAll('[data-papershelf-card]'));
  if (cards.length !== n) return false;
  const saved = new Map(cards.map((c) => [c.getAttribute('data-papershelf-card'), c.getAttribute('data-papershelf-saved')]));
  if (saved.size !== n || [...saved.values()].some((s) => s === null)) return false;
  const hosts = Array.from(document.querySelectorAll('[data-papershelf]'));
  // The cards at the top of every fixture are near the viewport: their hosts go in at once.
  if (n > 0 && hosts.length === 0) return false;
  if (new Set(hosts.map((h) => h.getAttribute('data-papershelf'))).size !== hosts.length) return false;
  return hosts.every((h) => {
    const want = saved.get(h.getAttribute('data-papershelf'));
    if (want === undefined || h.getAttribute('data-saved') !== want) return false;
    const pressed = h.shadowRoot?.querySelector('button')?.getAttribute('aria-pressed');
    return pressed === undefined || pressed === want;
  });
}

/**
 * Every card of paper `id` shows `value`: its mark, data-saved on its host
 * where the host is in the page, and where the controls are built
 * aria-pressed too, not busy (the state shown is the stored one, not only the
 * optimistic one).
 */
export function pressedIs([id, value]: [string, string]): boolean {
  const cards = Array.from(document.querySelectorAll(`[data-papershelf-card="${CSS.escape(id)}"]`));
  const hosts = Array.from(document.querySelectorAll(`[data-papershelf="${CSS.escape(id)}"]`));
  return (
    cards.length > 0 &&
    cards.every((c) => c.getAttribute('data-papershelf-saved') === value) &&
    hosts.every((h) => {
      if (h.getAttribute('data-saved') !== value) return false;
      if (!h.shadowRoot) return true;
      const b = h.shadowRoot.querySelector('button');
      return b?.getAttribute('aria-pressed') === value && !b.hasAttribute('aria-busy');
    })
  );
}

/**
 * Brings the card of the first host matching `selector` (`[data-papershelf="<id>"]`, or
 * `[data-papershelf]` for any) into view as a user scrolls to a card, unless its controls are
 * built already; returns whether they are. Tab.click calls it before clicking inside a card's
 * controls. A card far from view has no host yet: its mark is scrolled to instead.
 */
export function revealHost(selector: string): boolean {
  const host = document.querySelector(selector);
  if (host?.shadowRoot) return true;
  const target = host ?? document.querySelector(selector.replace(/^\[data-papershelf(?=[=\]])/, '[data-papershelf-card'));
  target?.scrollIntoView({ block: 'center' });
  return false;
}

/** The first host matching `selector` is in the page with its controls built. */
export function hostUpgraded(selector: string): boolean {
  return document.querySelector(selector)?.shadowRoot != null;
}

/** The popup's list: one entry per list item, its text and its first link. */
export function popupItems(): { text: string; href: string }[] {
  return Array.from(document.querySelectorAll('li')).map((li) => ({
    text: li.textContent ?? '',
    href: li.querySelector('a')?.getAttribute('href') ?? '',
  }));
}

export const saveButton = (id: string) => [`[data-papershelf="${id}"]`, 'button[aria-label="Save to PaperShelf"]'];

/** What the controls on a page show, for the message of a failed wait. */
export function dumpControls(): string {
  const cards = Array.from(document.querySelectorAll('[data-papershelf-card]'));
  const hosts = Array.from(document.querySelectorAll('[data-papershelf]'));
  const shown = 40; // a long listing would bury the message
  return (
    `${location.href}: ${cards.length} cards, ${hosts.length} hosts (id=mark/data-saved/aria-pressed, "none" before the host is in the page, "lazy" before the controls are built): ` +
    cards
      .slice(0, shown)
      .map((c) => {
        const id = c.getAttribute('data-papershelf-card') ?? '';
        const h = hosts.find((x) => x.getAttribute('data-papershelf') === id);
        const r = h?.shadowRoot;
        const msg = r?.querySelector('[role="status"]')?.textContent;
        const pressed = r ? (r.querySelector('button')?.getAttribute('aria-pressed') ?? '?') : h ? 'lazy' : 'none';
        return `${id}=${c.getAttribute('data-papershelf-saved') ?? 'unknown'}/${h?.getAttribute('data-saved') ?? '-'}/${pressed}${msg ? ` (${msg})` : ''}`;
      })
      .join(', ') +
    (cards.length > shown ? `, … ${cards.length - shown} more` : '')
  );
}

/** Picks an option of a <select> as a user does (value, then input and change events). */
export function choose([selector, value]: [string, string]): void {
  const sel = document.querySelector<HTMLSelectElement>(selector);
  if (!sel) throw new Error(`no ${selector}`);
  sel.focus();
  sel.value = value;
  sel.dispatchEvent(new Event('input', { bubbles: true }));
  sel.dispatchEvent(new Event('change', { bubbles: true }));
}

/**
 * Tag chips on a card, as the user reads them: a user scrolls to the card to
 * read them, so a card whose controls are not built yet is brought into view
 * (and reads as no chips until they are).
 */
export function cardTags(id: string): string[] {
  const host = document.querySelector(`[data-papershelf="${CSS.escape(id)}"]`);
  if (!host?.shadowRoot) (host ?? document.querySelector(`[data-papershelf-card="${CSS.escape(id)}"]`))?.scrollIntoView({ block: 'center' });
  return Array.from(host?.shadowRoot?.querySelectorAll('.chip > span:first-child') ?? []).map((s) => s.textContent ?? '');
}

export function cardTagsAre([id, want]: [string, string[]]): boolean {
  const host = document.querySelector(`[data-papershelf="${CSS.escape(id)}"]`);
  if (!host?.shadowRoot) {
    (host ?? document.querySelector(`[data-papershelf-card="${CSS.escape(id)}"]`))?.scrollIntoView({ block: 'center' });
    return false;
  }
  const got = Array.from(host?.shadowRoot?.querySelectorAll('.chip > span:first-child') ?? []).map((s) => s.textContent ?? '');
  return got.length === want.length && got.every((t, i) => t === want[i]);
}

/** The popup rows' titles, in order. */
export function popupTitles(): string[] {
  return Array.from(document.querySelectorAll('ul[aria-label="Saved papers"] li a.title')).map((a) => a.textContent ?? '');
}

export function popupTitlesAre(want: string[]): boolean {
  const got = Array.from(document.querySelectorAll('ul[aria-label="Saved papers"] li a.title')).map((a) => a.textContent ?? '');
  return got.length === want.length && got.every((t, i) => t === want[i]);
}

/** The shadow-root element that has focus on a card, described as "tag#aria-label". */
export function focusedInCard(id: string): string {
  const root = document.querySelector(`[data-papershelf="${CSS.escape(id)}"]`)?.shadowRoot;
  const el = root?.activeElement;
  return el ? `${el.tagName.toLowerCase()}#${el.getAttribute('aria-label') ?? ''}` : '';
}
