/** Functions that run inside the page (through Tab.evaluate) to read what a user sees. */

export interface ControlState {
  id: string;
  /**
   * What the save control says: aria-pressed of the save button once the
   * controls are built (the card came near the viewport), else the host's
   * data-saved (what the button will show); null while the state is unknown.
   * "disagree:<aria-pressed>/<data-saved>" if the two differ.
   */
  pressed: string | null;
  /** The shadow root with the buttons exists (controls are built lazily, near the viewport). */
  upgraded: boolean;
}

/** Every PaperShelf control on the page, in document order. */
export function readControls(): ControlState[] {
  return Array.from(document.querySelectorAll('[data-papershelf]')).map((host) => {
    const saved = host.getAttribute('data-saved');
    const pressed = host.shadowRoot?.querySelector('button[aria-label="Save to PaperShelf"]')?.getAttribute('aria-pressed') ?? null;
    return {
      id: host.getAttribute('data-papershelf') ?? '',
      pressed: pressed !== null && saved !== null && pressed !== saved ? `disagree:${pressed}/${saved}` : (pressed ?? saved),
      upgraded: host.shadowRoot !== null,
    };
  });
}

/**
 * True when there are `n` controls, each with its paper's saved state known
 * (data-saved; and the same on the button where it is built), one per paper.
 * Controls are built only near the viewport, so most hosts have no shadow root
 * yet. A host copied by the page's own re-render (cloneNode, innerHTML) copies
 * data-saved too; a copied card then shows its paper twice, which is why the
 * ids must differ (every fixture lists a paper once).
 */
export function controlsReady(n: number): boolean {
  const hosts = Array.from(document.querySelectorAll('[data-papershelf]'));
  if (hosts.length !== n) return false;
  const ids = new Set(hosts.map((h) => h.getAttribute('data-papershelf')));
  return ids.size === n && hosts.every((h) => {
    const saved = h.getAttribute('data-saved');
    if (saved === null) return false;
    const pressed = h.shadowRoot?.querySelector('button')?.getAttribute('aria-pressed');
    return pressed === undefined || pressed === saved;
  });
}

/**
 * Every control of paper `id` shows `value`: data-saved on each host, and
 * where the controls are built, aria-pressed too, not busy (the state shown
 * is the stored one, not only the optimistic one).
 */
export function pressedIs([id, value]: [string, string]): boolean {
  const hosts = Array.from(document.querySelectorAll(`[data-papershelf="${CSS.escape(id)}"]`));
  return hosts.length > 0 && hosts.every((h) => {
    if (h.getAttribute('data-saved') !== value) return false;
    if (!h.shadowRoot) return true;
    const b = h.shadowRoot.querySelector('button');
    return b?.getAttribute('aria-pressed') === value && !b.hasAttribute('aria-busy');
  });
}

/**
 * Brings the first host matching `selector` into view as a user scrolls to a
 * card, unless its controls are built already; returns whether they are.
 * Tab.click calls it before clicking inside a card's controls.
 */
export function revealHost(selector: string): boolean {
  const host = document.querySelector(selector);
  if (!host) return false;
  if (host.shadowRoot) return true;
  host.scrollIntoView({ block: 'center' });
  return false;
}

/** The first host matching `selector` has its controls built. */
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
  const hosts = Array.from(document.querySelectorAll('[data-papershelf]'));
  const shown = 40; // a long listing would bury the message
  return `${location.href}: ${hosts.length} controls (id=data-saved/aria-pressed, "lazy" before the controls are built): ` + hosts
    .slice(0, shown)
    .map((h) => {
      const r = h.shadowRoot;
      const msg = r?.querySelector('[role="status"]')?.textContent;
      const pressed = r ? (r.querySelector('button')?.getAttribute('aria-pressed') ?? '?') : 'lazy';
      return `${h.getAttribute('data-papershelf')}=${h.getAttribute('data-saved') ?? 'unknown'}/${pressed}${msg ? ` (${msg})` : ''}`;
    })
    .join(', ') + (hosts.length > shown ? `, … ${hosts.length - shown} more` : '');
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
  if (host && !host.shadowRoot) host.scrollIntoView({ block: 'center' });
  return Array.from(host?.shadowRoot?.querySelectorAll('.chip > span:first-child') ?? []).map((s) => s.textContent ?? '');
}

export function cardTagsAre([id, want]: [string, string[]]): boolean {
  const host = document.querySelector(`[data-papershelf="${CSS.escape(id)}"]`);
  if (host && !host.shadowRoot) {
    host.scrollIntoView({ block: 'center' });
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
