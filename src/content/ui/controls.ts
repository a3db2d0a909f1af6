/**
 * The controls a card gets: one host element with an open shadow root, so the
 * page's styles cannot reach them and ours cannot leak. Plain DOM, not Preact:
 * this runs for every card on a 1,000-card listing (budget: 10 ms per 1,000
 * cards, design.md), and a Preact render costs several createElements. The tag
 * editor is built only when opened. Every text shown is set with textContent,
 * never parsed as HTML.
 */
import { tagHue, tagKey, type PaperStatus } from '../../shared/model';
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
  onAddTag(c: CardControls, name: string): void;
  onRemoveTag(c: CardControls, name: string): void;
  /** Existing tag names, most used first, for autocomplete. */
  suggestions(): Promise<string[]>;
}

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};

let editorSeq = 0;

/** The controls' markup, built once and cloned per card: one native clone beats a dozen DOM calls. */
let template: HTMLTemplateElement | undefined;
function controlsTemplate(): HTMLTemplateElement {
  if (template) return template;
  template = document.createElement('template');
  const save = el('button', 'save', '☆ Save');
  save.type = 'button';
  save.setAttribute('aria-label', 'Save to PaperShelf');
  save.setAttribute('aria-pressed', 'false');
  save.title = 'Save to PaperShelf';
  const chips = el('span', 'chips');
  chips.setAttribute('role', 'list');
  chips.setAttribute('aria-label', 'Tags');
  const add = el('button', 'add', '+ Tag');
  add.type = 'button';
  add.setAttribute('aria-label', 'Add tag');
  add.setAttribute('aria-expanded', 'false');
  const msg = el('span', 'msg');
  msg.setAttribute('role', 'status');
  template.content.append(save, chips, add, msg);
  return template;
}

const stop = (e: Event) => e.stopPropagation();

export function createControls(id: string, events: ControlEvents): CardControls {
  const host = document.createElement('div');
  host.setAttribute(HOST_ATTR, id);
  const root = host.attachShadow({ mode: 'open' });
  style(root);
  const parts = controlsTemplate().content.cloneNode(true) as DocumentFragment;
  const [save, chips, add, msg] = Array.from(parts.children) as [HTMLButtonElement, HTMLElement, HTMLButtonElement, HTMLElement];
  root.append(parts);

  let tags: string[] = [];
  let saved = false;
  let editor: Editor | undefined;

  const renderChips = () => {
    chips.replaceChildren(
      ...tags.map((name) => {
        const chip = el('span', 'chip');
        chip.setAttribute('role', 'listitem');
        chip.style.setProperty('--hue', String(tagHue(tagKey(name))));
        const x = el('button', 'x', '×');
        x.type = 'button';
        x.dataset.tag = name;
        x.setAttribute('aria-label', `Remove tag ${name}`);
        chip.append(el('span', '', name), x);
        return chip;
      }),
    );
  };

  const c: CardControls = {
    id,
    host,
    set(status) {
      // Most cards on a listing stay unsaved: touch the DOM only for a change.
      if (status.saved !== saved) {
        saved = status.saved;
        save.setAttribute('aria-pressed', String(saved));
        save.textContent = saved ? '★ Saved' : '☆ Save';
        save.title = saved ? 'Saved to PaperShelf: click to remove' : 'Save to PaperShelf';
      }
      const next = status.tags ?? [];
      if (next.length !== tags.length || next.some((t, i) => t !== tags[i])) {
        tags = next;
        renderChips();
      }
    },
    say(text) {
      msg.textContent = text;
    },
    busy(on) {
      if (on) save.setAttribute('aria-busy', 'true');
      else save.removeAttribute('aria-busy');
    },
    disable(text) {
      for (const b of Array.from(root.querySelectorAll('button, input'))) (b as HTMLButtonElement).disabled = true;
      msg.textContent = text;
    },
  };

  // One listener for every button in the controls. It also keeps our clicks and
  // keys from the page's own handlers (a card inside a link, HF's "/" search shortcut).
  // Only the user's own input acts (isTrusted): a script of the page can call
  // button.click() or dispatch events on our open shadow root, and must not be
  // able to save, tag, or open the editor (whose suggestions list the user's tags).
  root.addEventListener('keydown', stop);
  root.addEventListener('click', (e) => {
    e.stopPropagation();
    if (!e.isTrusted) return;
    const button = (e.target as Element).closest?.('button');
    if (!button || button.disabled) return;
    if (button === save) {
      msg.textContent = '';
      events.onToggle(c, save.getAttribute('aria-pressed') !== 'true');
    } else if (button === add) {
      if (editor) return editor.close();
      editor = openEditor(root, add, {
        tags: () => tags,
        suggestions: events.suggestions,
        add: (name) => events.onAddTag(c, name),
        removeLast: () => tags.length && events.onRemoveTag(c, tags[tags.length - 1]),
        closed: () => (editor = undefined),
      });
    } else if (button.dataset.tag !== undefined) {
      events.onRemoveTag(c, button.dataset.tag);
    }
  });
  return c;
}

interface Editor {
  close(): void;
}

interface EditorHooks {
  tags(): string[];
  suggestions(): Promise<string[]>;
  add(name: string): void;
  removeLast(): void;
  closed(): void;
}

/**
 * The tag editor: a combobox with a list of existing tags, most used first.
 * Enter adds, Backspace on an empty input removes the last tag, Escape closes,
 * arrows move through the suggestions.
 */
function openEditor(root: ShadowRoot, opener: HTMLButtonElement, hooks: EditorHooks): Editor {
  const n = ++editorSeq;
  const box = el('span', 'editor');
  const input = el('input');
  input.type = 'text';
  input.maxLength = 40;
  input.placeholder = 'Tag name';
  input.setAttribute('aria-label', 'Tag name');
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', `ps-sugg-${n}`);
  const list = el('ul', 'sugg');
  list.id = `ps-sugg-${n}`;
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', 'Existing tags');
  box.append(input, list);
  opener.after(box);
  opener.setAttribute('aria-expanded', 'true');
  input.focus();

  let all: string[] = [];
  let shown: string[] = [];
  let active = -1;
  const render = () => {
    const q = tagKey(input.value);
    const have = new Set(hooks.tags().map(tagKey));
    shown = all.filter((t) => !have.has(tagKey(t)) && (!q || tagKey(t).includes(q))).slice(0, 8);
    if (active >= shown.length) active = shown.length - 1;
    list.replaceChildren(
      ...shown.map((t, i) => {
        const li = el('li', '', t);
        li.id = `ps-sugg-${n}-${i}`;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', String(i === active));
        li.addEventListener('mousedown', (e) => {
          e.preventDefault(); // keep focus in the input
          if (e.isTrusted) commit(t);
        });
        return li;
      }),
    );
    input.setAttribute('aria-expanded', String(shown.length > 0));
    if (active >= 0) input.setAttribute('aria-activedescendant', `ps-sugg-${n}-${active}`);
    else input.removeAttribute('aria-activedescendant');
  };
  const commit = (name: string) => {
    if (!tagKey(name)) return;
    hooks.add(name);
    input.value = '';
    active = -1;
    render();
  };
  const close = () => {
    box.remove();
    opener.setAttribute('aria-expanded', 'false');
    hooks.closed();
    opener.focus();
  };
  void hooks.suggestions().then((s) => {
    all = s;
    if (box.isConnected) render();
  }, () => {});
  input.addEventListener('input', (e) => {
    if (!e.isTrusted) return;
    active = -1;
    render();
  });
  input.addEventListener('keydown', (e) => {
    if (!e.isTrusted) return;
    if (e.key === 'Enter') {
      e.preventDefault();
      commit(active >= 0 ? shown[active] : input.value);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close();
    } else if (e.key === 'Backspace' && input.value === '') {
      e.preventDefault();
      hooks.removeLast();
    } else if (e.key === 'ArrowDown' && shown.length) {
      e.preventDefault();
      active = (active + 1) % shown.length;
      render();
    } else if (e.key === 'ArrowUp' && shown.length) {
      e.preventDefault();
      active = active <= 0 ? shown.length - 1 : active - 1;
      render();
    }
  });
  return { close };
}
