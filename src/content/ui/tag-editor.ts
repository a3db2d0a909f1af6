/**
 * The tag editor a card's "Add tag" button opens, inside the card's shadow
 * root: built only when opened, and only then does the user's tag list enter
 * the DOM. Only the user's own input acts (isTrusted).
 */
import { TAG_MAX, tagKey } from '../../shared/model';
import { t } from '../../shared/i18n';
import { el } from './dom';

let editorSeq = 0;

export interface Editor {
  close(): void;
}

export interface EditorHooks {
  tags(): readonly string[];
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
export function openEditor(opener: HTMLButtonElement, hooks: EditorHooks): Editor {
  const n = ++editorSeq;
  const box = el('span', 'editor');
  const input = el('input');
  input.type = 'text';
  input.maxLength = TAG_MAX;
  input.placeholder = t('card_tagName');
  input.setAttribute('aria-label', t('card_tagName'));
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', `ps-sugg-${n}`);
  const list = el('ul', 'sugg');
  list.id = `ps-sugg-${n}`;
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', t('card_existingTags'));
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
  void hooks.suggestions().then(
    (s) => {
      all = s;
      if (box.isConnected) render();
    },
    () => {},
  );
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
