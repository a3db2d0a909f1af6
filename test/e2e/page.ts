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
