/**
 * The controls a card gets: one host element with an open shadow root, so the
 * page's styles cannot reach them and ours cannot leak. Plain DOM, not Preact:
 * this runs for every card on a 1,000-card listing (budget: 10 ms per 1,000
 * cards, design.md), and Preact's render costs several times a createElement.
 * Every text shown is set with textContent, never parsed as HTML.
 */
import type { PaperStatus } from '../../shared/model';
import { style } from './style';

export const HOST_ATTR = 'data-papershelf';

export interface CardControls {
  id: string;
  host: HTMLElement;
  set(status: PaperStatus): void;
  /** Shows a message (an error, or "reload the page") beside the controls. */
  say(text: string): void;
  /** A write is on its way to the background (aria-busy): the state shown is not yet stored. */
  busy(on: boolean): void;
  /** The extension went away: controls stay visible but inert. */
  disable(text: string): void;
}

export interface ControlEvents {
  onToggle(c: CardControls, saved: boolean): void;
}

export function createControls(id: string, events: ControlEvents): CardControls {
  const host = document.createElement('div');
  host.setAttribute(HOST_ATTR, id);
  const root = host.attachShadow({ mode: 'open' });
  style(root);
  const save = document.createElement('button');
  save.type = 'button';
  save.setAttribute('aria-label', 'Save to PaperShelf');
  save.setAttribute('aria-pressed', 'false');
  save.textContent = '☆ Save';
  const msg = document.createElement('span');
  msg.className = 'msg';
  msg.setAttribute('role', 'status');
  root.append(save, msg);

  const c: CardControls = {
    id,
    host,
    set(status) {
      save.setAttribute('aria-pressed', String(status.saved));
      save.textContent = status.saved ? '★ Saved' : '☆ Save';
      save.title = status.saved ? 'Saved to PaperShelf: click to remove' : 'Save to PaperShelf';
    },
    say(text) {
      msg.textContent = text;
    },
    busy(on) {
      if (on) save.setAttribute('aria-busy', 'true');
      else save.removeAttribute('aria-busy');
    },
    disable(text) {
      save.disabled = true;
      msg.textContent = text;
    },
  };
  save.addEventListener('click', () => {
    msg.textContent = '';
    events.onToggle(c, save.getAttribute('aria-pressed') !== 'true');
  });
  // The card may sit inside a link or have its own click handlers: our clicks stay ours.
  for (const type of ['click', 'mousedown', 'pointerdown', 'keydown']) host.addEventListener(type, (e) => e.stopPropagation());
  return c;
}
