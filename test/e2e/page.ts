/** Functions that run inside the page (through Tab.evaluate) to read what a user sees. */

export interface ControlState {
  id: string;
  pressed: string | null;
}

/** Every PaperShelf control on the page, in document order. */
export function readControls(): ControlState[] {
  return Array.from(document.querySelectorAll('[data-papershelf]')).map((host) => ({
    id: host.getAttribute('data-papershelf') ?? '',
    pressed: host.shadowRoot?.querySelector('button[aria-label="Save to PaperShelf"]')?.getAttribute('aria-pressed') ?? null,
  }));
}

/** True when there are `n` controls and each has its status. */
export function controlsReady(n: number): boolean {
  const hosts = Array.from(document.querySelectorAll('[data-papershelf]'));
  // A host copied by the page's own re-render has no shadow root: it does not count as ready.
  return hosts.length === n && hosts.every((h) => (h.shadowRoot?.querySelector('button')?.getAttribute('aria-pressed') ?? null) !== null);
}

export function pressedIs([id, value]: [string, string]): boolean {
  const hosts = Array.from(document.querySelectorAll(`[data-papershelf="${CSS.escape(id)}"]`));
  // Not busy: the state shown is the stored one, not only the optimistic one.
  return hosts.length > 0 && hosts.every((h) => {
    const b = h.shadowRoot?.querySelector('button');
    return b?.getAttribute('aria-pressed') === value && !b.hasAttribute('aria-busy');
  });
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
  return `${location.href}: ${hosts.length} controls: ` + hosts
    .map((h) => {
      const r = h.shadowRoot;
      const msg = r?.querySelector('[role="status"]')?.textContent;
      return `${h.getAttribute('data-papershelf')}=${r?.querySelector('button')?.getAttribute('aria-pressed') ?? 'no-shadow'}${msg ? ` (${msg})` : ''}`;
    })
    .join(', ');
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

/** Tag chips on a card, as the user reads them. */
export function cardTags(id: string): string[] {
  const root = document.querySelector(`[data-papershelf="${CSS.escape(id)}"]`)?.shadowRoot;
  return Array.from(root?.querySelectorAll('.chip > span:first-child') ?? []).map((s) => s.textContent ?? '');
}

export function cardTagsAre([id, want]: [string, string[]]): boolean {
  const root = document.querySelector(`[data-papershelf="${CSS.escape(id)}"]`)?.shadowRoot;
  const got = Array.from(root?.querySelectorAll('.chip > span:first-child') ?? []).map((s) => s.textContent ?? '');
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
