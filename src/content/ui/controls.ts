/**
 * The controls a card gets, in two steps, so a 1,000-entry listing stays light.
 *
 * At once, on every card: a light host element (`<div data-ps-host>`; in test
 * builds `<div data-papershelf="<id>">` with the paper's saved state in
 * `data-saved`), empty, with the controls' size reserved (so nothing moves when
 * they arrive). A page's script learns nothing of the library from it.
 *
 * When the card comes within 600 px of the viewport (one IntersectionObserver
 * for all cards; at load, the cards already there get theirs in the first
 * frame, see upgradeSoon), or its host gets keyboard focus: a shadow root (closed in
 * production, open in test builds: content/exposure.ts) with
 * the buttons, styled by one shared stylesheet, so the page's styles cannot
 * reach them and ours cannot leak. A shadow root, its style scope and its
 * layout cost far more than the host; a reader sees a few dozen cards.
 *
 * Keyboard users: Tab moves focus through the links before a card's controls
 * (on an arXiv list, its identifier line), and the browser scrolls each into
 * view, so the observer has upgraded the controls before focus reaches them. In case it has not yet (focus jumped, keys
 * faster than a frame), a host is focusable (tabindex=0, a group named
 * "PaperShelf") until upgraded; focusing it upgrades it and moves focus to
 * the first button (the last one when coming back with Shift+Tab).
 *
 * Plain DOM cloned from a template, not Preact. The tag editor is built only
 * when opened. Every text shown is set with textContent, never parsed as HTML.
 *
 * A removal with the save button leaves an Undo button on the card for
 * UNDO_MS: it brings the paper back from the trash (paper.restore) with its
 * tags, status and note, and the change broadcast shows it saved again.
 */
import { TAG_MAX, tagHue, tagKey, type PaperStatus } from '../../shared/model';
import { style } from './style';
import { parts, t } from '../../shared/i18n';
import { ContextGone, send } from '../../shared/client';
import { SHADOW_MODE, testAttr } from '../exposure';

/**
 * The attribute that marks our hosts. Test builds: `data-papershelf="<id>"`, the contract
 * tests drive the cards by. Production: `data-ps-host` with no value, so a page's script
 * learns nothing it does not already know (the ids are its own cards'); our code finds a
 * host's paper through `idOfHost`.
 */
export const HOST_ATTR = __PAPERSHELF_TEST_HOOKS__ ? 'data-papershelf' : 'data-ps-host';
/** Test builds, on the host: "true" or "false" once the library answered for its paper; the save button's aria-pressed says the same once upgraded. */
const SAVED_ATTR = 'data-saved';

/**
 * What every light host carries besides its id. The reserved size is the
 * controls' one row (:host margin 6px 0; a button is 12px × 1.2 + 2 × 3px
 * padding + 2 × 1px border = 22.4px); inline, so the page's own rules on
 * `div` cannot change it before the shadow root's :host rule applies.
 */
export const HOST_ATTRIBUTES: ReadonlyArray<readonly [string, string]> = [
  ['role', 'group'],
  ['aria-label', 'PaperShelf'],
  ['tabindex', '0'],
  ['style', 'margin:6px 0;min-height:23px'],
];

/** How long a card offers Undo after a removal made on it. */
export const UNDO_MS = 12_000;

/** How far (px) above or below the viewport a card gets its controls: a fast scroll finds them built. */
export const UPGRADE_MARGIN = 600;

export interface CardControls {
  id: string;
  host: HTMLElement;
  /** The shadow root and its buttons exist. */
  readonly upgraded: boolean;
  /** Builds the shadow root now (no-op once built). */
  upgrade(): void;
  set(status: PaperStatus): void;
  /** Shows a message (an error, or "reload the page") beside the controls. */
  say(text: string): void;
  /** A write is on its way to the background (aria-busy): the state shown is not yet stored. */
  busy(on: boolean): void;
  /** The extension went away: controls stay visible but inert. */
  disable(text: string): void;
  /** Stops watching the host (it left the page or its card was re-rendered). */
  dispose(): void;
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

/** The light host, built once and cloned per card. */
let hostTemplate: HTMLElement | undefined;
function lightHost(): HTMLElement {
  if (!hostTemplate) {
    hostTemplate = document.createElement('div');
    for (const [name, value] of HOST_ATTRIBUTES) hostTemplate.setAttribute(name, value);
  }
  return hostTemplate.cloneNode(false) as HTMLElement;
}

/** The controls' markup, built once and cloned per upgrade: one native clone beats a dozen DOM calls. */
let template: HTMLTemplateElement | undefined;
function controlsTemplate(): HTMLTemplateElement {
  if (template) return template;
  template = document.createElement('template');
  // Visible text that is part of the accessible name (WCAG 2.5.3 label in name): the star is decoration.
  const save = el('button', 'save');
  const star = el('span', 'star', '☆');
  star.setAttribute('aria-hidden', 'true');
  save.append(...parts('card_saveButton', star));
  save.type = 'button';
  save.setAttribute('aria-label', t('card_saveLabel'));
  save.setAttribute('aria-pressed', 'false');
  save.title = t('card_saveLabel');
  const chips = el('span', 'chips');
  chips.setAttribute('role', 'list');
  chips.setAttribute('aria-label', t('card_tags'));
  const add = el('button', 'add');
  const plus = el('span', '', '+');
  plus.setAttribute('aria-hidden', 'true');
  add.append(...parts('card_tagButton', plus));
  add.type = 'button';
  add.setAttribute('aria-label', t('card_addTag'));
  add.setAttribute('aria-expanded', 'false');
  const msg = el('span', 'msg');
  msg.setAttribute('role', 'status');
  template.content.append(save, chips, add, msg);
  return template;
}

const stop = (e: Event) => e.stopPropagation();
/** Most cards have no tags: one shared empty list, not 1,000. */
const NO_TAGS: readonly string[] = [];

// ------------------------------------------------------------------ upgrading

/** Controls by their host, for the observer and the focus listener. */
const byHost = new WeakMap<Element, Controls>();
let watcher: IntersectionObserver | undefined;

/** The one observer (and focus listener) for every card of the page, made with the first host. */
function watch(host: HTMLElement) {
  if (!watcher) {
    watcher = new IntersectionObserver(upgradeVisible, { rootMargin: `${UPGRADE_MARGIN}px 0px` });
    document.addEventListener('focusin', upgradeOnFocus, true);
    document.addEventListener('keydown', noteTab, true);
  }
  watcher.observe(host);
}

/** Controls to build at the next frame, before its layout (see upgradeSoon). */
let soon: Controls[] = [];

/**
 * Builds the controls of a card known to be near the viewport at the next
 * frame, before that frame's style and layout: the page then lays out and
 * paints the new hosts and these controls once, where the observer's first
 * report would come a frame later and cost a second layout and paint of the
 * listing. The caller knows where the card is (Annotator.scan reads card
 * positions before it inserts hosts, while the layout is clean).
 */
export function upgradeSoon(c: CardControls): void {
  if (!(c instanceof Controls) || c.upgraded) return;
  soon.push(c);
  if (soon.length === 1) requestAnimationFrame(upgradeSoonNow);
}

function upgradeSoonNow() {
  const list = soon;
  soon = [];
  const start = performance.now();
  let n = 0;
  for (const c of list) {
    if (c.upgraded || !c.host.isConnected) continue;
    c.upgrade();
    n++;
  }
  timing(start, n);
}

/** Like the scans' "papershelf:scan" (index.ts): what building controls costs the page, for `npm run bench` and DevTools. */
function timing(start: number, cards: number) {
  if (!cards) return;
  try {
    performance.measure('papershelf:upgrade', { start, detail: { cards } });
  } catch {
    // Timing is only for benchmarks.
  }
}

function upgradeVisible(entries: IntersectionObserverEntry[]) {
  const start = performance.now();
  let n = 0;
  for (const e of entries) {
    if (!e.isIntersecting) continue;
    const c = byHost.get(e.target);
    if (c && !c.upgraded) {
      c.upgrade();
      n++;
    }
  }
  timing(start, n);
}

/**
 * When the user last pressed Tab (a trusted keydown). Focus moves into our controls only as
 * the result of the user's own Tab: a page's script that calls host.focus() (or dispatches a
 * focusin) would otherwise put focus on the Save button, and the user's next Space, a trusted
 * click, would remove the paper.
 */
let tabbedAt = -Infinity;
function noteTab(e: KeyboardEvent) {
  if (e.isTrusted && e.key === 'Tab') tabbedAt = e.timeStamp;
}
/** A focus change this soon after the user's Tab is that Tab's (the same task, in practice). */
const TAB_FOCUS_MS = 250;

/** Focus reached a host not yet upgraded (it is focusable for this): build it and, after the user's Tab, hand focus to its buttons. */
function upgradeOnFocus(e: FocusEvent) {
  if (!e.isTrusted) return;
  const c = byHost.get(e.target as Element);
  if (!c || c.upgraded) return;
  if (e.timeStamp - tabbedAt > TAB_FOCUS_MS) {
    // Not the user's Tab (a script's focus(), a click on the empty host): draw, and leave focus where it is.
    c.upgrade();
    return;
  }
  const from = e.relatedTarget;
  // Shift+Tab comes from an element after the host: focus its last button, as the tab order would.
  const back = from instanceof Node && (c.host.compareDocumentPosition(from) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
  c.upgrade(back ? 'last' : 'first');
}

// ------------------------------------------------------------------ clickjacking

/**
 * Whether the browser tells if an element is really visible: IntersectionObserver v2
 * (`trackVisibility`, Chromium). Such a browser reports a host under a transparent decoy,
 * or inside a transparent or transformed ancestor, as not visible; a click on it is ignored.
 */
const TRACKS_VISIBILITY = typeof IntersectionObserverEntry !== 'undefined' && 'isVisible' in IntersectionObserverEntry.prototype;

/**
 * Asked at the click, not kept from earlier reports: a tab brought to front, a decoy put
 * in place, anything since the last report would make a kept answer stale. The first report
 * of a new observer comes within a frame and its 100 ms delay; none within a second (a tab
 * that is not drawn) counts as not visible.
 */
function visibleNow(host: HTMLElement): Promise<boolean> {
  if (!TRACKS_VISIBILITY) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (v: boolean) => {
      io.disconnect();
      clearTimeout(timer);
      resolve(v);
    };
    const io = new IntersectionObserver(([e]) => done(!!(e as IntersectionObserverEntry & { isVisible?: boolean }).isVisible), { trackVisibility: true, delay: 100 } as IntersectionObserverInit);
    const timer = setTimeout(() => done(false), 1000);
    io.observe(host);
  });
}

/**
 * Whether a click on a host is one the user could see: the host is what is under the
 * pointer, neither it nor an ancestor is hidden or mostly transparent, and, where the
 * browser can tell, nothing covers it.
 */
function seenByUser(host: HTMLElement, e: MouseEvent): boolean {
  // A keyboard "click" (Enter or Space on a focused button) has no pointer position.
  if (e.detail === 0 && e.clientX === 0 && e.clientY === 0) return true;
  if (document.elementFromPoint(e.clientX, e.clientY) !== host) return false;
  for (let el: Element | null = host; el; el = el.parentElement) {
    const cs = getComputedStyle(el);
    if (cs.visibility !== 'visible' || Number(cs.opacity) < 0.5) return false;
  }
  return true;
}

// ------------------------------------------------------------------ one card

class Controls implements CardControls {
  private saved: boolean | undefined;
  /** What the save button shows (the template shows "not saved"). */
  private shown = false;
  private tags: readonly string[] = NO_TAGS;
  private message = '';
  private isBusy = false;
  private off = false;
  private root: ShadowRoot | undefined;
  private save!: HTMLButtonElement;
  private chips!: HTMLElement;
  private add!: HTMLButtonElement;
  private msg!: HTMLElement;
  private editor: Editor | undefined;
  /** The user pressed the save button of a saved paper: once that write is done, Undo is offered. */
  private removing = false;
  private undo: HTMLButtonElement | undefined;
  private undoTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly id: string,
    readonly host: HTMLElement,
    private events: ControlEvents,
  ) {}

  get upgraded() {
    return this.root !== undefined;
  }

  set(status: PaperStatus) {
    // Most cards on a listing stay unsaved: touch the DOM only for a change.
    if (status.saved !== this.saved) {
      this.saved = status.saved;
      testAttr(this.host, SAVED_ATTR, String(status.saved));
      if (this.root) this.renderSaved();
      // Back (the Undo, a save here or anywhere): nothing to undo any more.
      if (status.saved) this.hideUndo();
    }
    const next = status.tags ?? [];
    if (next.length !== this.tags.length || next.some((t, i) => t !== this.tags[i])) {
      this.tags = next;
      if (this.root) this.renderChips();
    }
  }

  say(text: string) {
    this.message = text;
    if (this.root) this.msg.textContent = text;
  }

  busy(on: boolean) {
    this.isBusy = on;
    // The removal this card made is stored (a failed one has put the saved state back first).
    if (!on && this.removing) {
      this.removing = false;
      if (this.saved === false) this.showUndo();
    }
    if (!this.root) return;
    if (on) this.save.setAttribute('aria-busy', 'true');
    else this.save.removeAttribute('aria-busy');
  }

  disable(text: string) {
    this.off = true;
    this.say(text);
    if (this.root) for (const b of Array.from(this.root.querySelectorAll('button, input'))) (b as HTMLButtonElement).disabled = true;
  }

  dispose() {
    watcher?.unobserve(this.host);
    byHost.delete(this.host);
  }

  /** Builds the shadow root from what the host knows; `focus` moves keyboard focus into it (the host had it). */
  upgrade(focus?: 'first' | 'last') {
    if (this.root) return;
    watcher?.unobserve(this.host);
    // Closed in production: a page's script cannot read the chips (the user's tags) or the rank view.
    const root = (this.root = this.host.attachShadow({ mode: SHADOW_MODE }));
    style(root);
    const frag = controlsTemplate().content.cloneNode(true) as DocumentFragment;
    [this.save, this.chips, this.add, this.msg] = Array.from(frag.children) as [HTMLButtonElement, HTMLElement, HTMLButtonElement, HTMLElement];
    root.append(frag);
    this.renderSaved();
    if (this.tags.length) this.renderChips();
    if (this.message) this.msg.textContent = this.message;
    if (this.isBusy) this.save.setAttribute('aria-busy', 'true');
    if (this.off) this.disable(this.message);

    // One listener for every button in the controls. It also keeps our clicks and
    // keys from the page's own handlers (a card inside a link, HF's "/" search shortcut).
    // Only the user's own input acts (isTrusted): a script of the page can call
    // button.click() or dispatch events on our open shadow root, and must not be
    // able to save, tag, or open the editor (whose suggestions list the user's tags).
    root.addEventListener('keydown', stop);
    root.addEventListener('click', (e) => {
      e.stopPropagation();
      if (!e.isTrusted) return;
      // A click the user could not see (the card faded, or under a transparent decoy: clickjacking) does nothing.
      if (!seenByUser(this.host, e as MouseEvent)) return;
      const button = (e.target as Element).closest?.('button');
      // What changes the library (save or remove, a tag's ×) also asks the browser whether the card
      // is covered, which takes a frame or more; opening the tag editor must not wait: the user
      // types at once, into its input.
      if (button === this.save || button?.dataset.tag !== undefined) void visibleNow(this.host).then((visible) => visible && this.onClick(button));
      else this.onClick(button);
    });

    // The host stops being a tab stop of its own; if it had focus, its button takes it.
    const hadFocus = focus !== undefined || document.activeElement === this.host;
    this.host.removeAttribute('tabindex');
    if (hadFocus) (focus === 'last' ? this.add : this.save).focus();
  }

  private onClick(button: HTMLButtonElement | null | undefined) {
    if (!button || button.disabled || !this.root) return;
    if (button === this.save) {
      this.say('');
      const save = this.save.getAttribute('aria-pressed') !== 'true';
      this.removing = !save;
      this.hideUndo();
      this.events.onToggle(this, save);
    } else if (button === this.undo) {
      void this.restore(button);
    } else if (button === this.add) {
      if (this.editor) return this.editor.close();
      this.editor = openEditor(this.root, this.add, {
        tags: () => this.tags,
        suggestions: this.events.suggestions,
        add: (name) => this.events.onAddTag(this, name),
        removeLast: () => this.tags.length && this.events.onRemoveTag(this, this.tags[this.tags.length - 1]),
        closed: () => (this.editor = undefined),
      });
    } else if (button.dataset.tag !== undefined) {
      this.events.onRemoveTag(this, button.dataset.tag);
    }
  }

  /** Offers Undo beside the save button for UNDO_MS (not focused: the user's focus stays where it is). */
  private showUndo() {
    if (!this.root || this.off) return;
    this.hideUndo();
    const undo = (this.undo = el('button', 'undo', t('card_undo')));
    undo.type = 'button';
    undo.title = t('card_undoTitle');
    this.save.after(undo);
    this.undoTimer = setTimeout(() => this.hideUndo(), UNDO_MS);
  }

  private hideUndo() {
    clearTimeout(this.undoTimer);
    const undo = this.undo;
    if (!undo) return;
    this.undo = undefined;
    // Focus on the button that goes stays in the card, on the save button beside it.
    const focused = this.root?.activeElement === undo;
    undo.remove();
    if (focused) this.save.focus();
  }

  /** The paper back from the trash; the change broadcast then shows it saved with its tags (set). */
  private async restore(undo: HTMLButtonElement) {
    if (undo.getAttribute('aria-busy') === 'true') return;
    undo.setAttribute('aria-busy', 'true');
    clearTimeout(this.undoTimer);
    try {
      await send('paper.restore', { id: this.id });
      this.hideUndo();
    } catch (e) {
      undo.removeAttribute('aria-busy');
      this.undoTimer = setTimeout(() => this.hideUndo(), UNDO_MS);
      if (e instanceof ContextGone) this.disable(t('card_reload'));
      else this.say(t('card_error', e instanceof Error ? e.message : String(e)));
    }
  }

  private renderSaved() {
    const saved = Boolean(this.saved);
    // Most cards stay unsaved: a button that already says so is left alone (no layout of the listing).
    if (saved === this.shown) return;
    this.shown = saved;
    this.save.setAttribute('aria-pressed', String(saved));
    // Saved shows as a filled star on a pressed button; the text stays "Save", inside its name "Save to PaperShelf".
    this.save.querySelector('.star')!.textContent = saved ? '★' : '☆';
    this.save.title = t(saved ? 'card_savedTitle' : 'card_saveLabel');
  }

  private renderChips() {
    this.chips.replaceChildren(
      ...this.tags.map((name) => {
        const chip = el('span', 'chip');
        chip.setAttribute('role', 'listitem');
        chip.style.setProperty('--hue', String(tagHue(tagKey(name))));
        const x = el('button', 'x', '×');
        x.type = 'button';
        x.dataset.tag = name;
        x.setAttribute('aria-label', t('card_removeTag', name));
        if (this.off) x.disabled = true;
        chip.append(el('span', '', name), x);
        return chip;
      }),
    );
  }
}

/** `host` belongs to controls of this script that are still in use (not a copy made by the page, nor left by an earlier copy of this script). */
export function isLive(host: Element): boolean {
  return byHost.has(host);
}

/** The paper a live host of ours is for (the page cannot read it off the host in production). */
export function idOfHost(host: Element): string | undefined {
  return byHost.get(host)?.id;
}

/** A card's light host, watched for the viewport; its shadow root comes later (see the top of this file). */
export function createControls(id: string, events: ControlEvents): CardControls {
  const host = lightHost();
  host.setAttribute(HOST_ATTR, __PAPERSHELF_TEST_HOOKS__ ? id : '');
  const c = new Controls(id, host, events);
  byHost.set(host, c);
  watch(host);
  return c;
}

interface Editor {
  close(): void;
}

interface EditorHooks {
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
function openEditor(root: ShadowRoot, opener: HTMLButtonElement, hooks: EditorHooks): Editor {
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
