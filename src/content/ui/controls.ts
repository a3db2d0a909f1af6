/**
 * A card's controls, built in its host's shadow root (closed in production,
 * open in test builds: content/exposure.ts) once the host is in the page,
 * which is when the card nears the viewport (ui/host.ts, content/annotate.ts):
 * the buttons, styled by one shared stylesheet, so the page's styles cannot
 * reach them and ours cannot leak. A shadow root, its style scope and its
 * layout cost far more than the host; a reader sees a few dozen cards.
 *
 * Keyboard users: Tab moves focus through a card's links before its controls
 * (on an arXiv list, its identifier line), and focus entering a card inserts
 * and builds its controls at once (Annotator), so the next Tab finds them,
 * however fast the keys and wherever focus jumped from.
 *
 * Plain DOM cloned from a template, not Preact. The tag editor (tag-editor.ts)
 * is built only when opened. Every text shown is set with textContent, never
 * parsed as HTML.
 *
 * A removal with the save button leaves an Undo button on the card for
 * UNDO_MS: it brings the paper back from the trash (paper.restore) with its
 * tags, status and note, and the change broadcast shows it saved again.
 */
import { tagHue, tagKey, type PaperStatus } from '../../shared/model';
import { style } from './style';
import { parts, t } from '../../shared/i18n';
import { ContextGone, send } from '../../shared/client';
import { SHADOW_MODE, testAttr } from '../exposure';
import { CARD_SAVED_ATTR, lightHost, register, unregister } from './host';
import { el } from './dom';
import { openEditor, type Editor } from './tag-editor';

/** Test builds, on the host: "true" or "false" once the library answered for its paper; the save button's aria-pressed says the same once upgraded. */
const SAVED_ATTR = 'data-saved';

/** How long a card offers Undo after a removal made on it. */
export const UNDO_MS = 12_000;

export interface CardControls {
  id: string;
  /** The card's host element, made on first use (ui/host.ts): a card far from view has none yet. */
  readonly host: HTMLElement;
  /** Whether the host was made (reading `host` makes it). */
  readonly hasHost: boolean;
  /** The shadow root and its buttons exist. */
  readonly upgraded: boolean;
  /** Builds the shadow root now (no-op once built; the host is in the page by then). */
  upgrade(): void;
  /** Runs `fn` once the shadow root exists: now if it does. */
  later(fn: () => void): void;
  /** The shadow root, once built (closed in production: host.shadowRoot is null there). */
  shadow(): ShadowRoot | undefined;
  set(status: PaperStatus): void;
  /** Shows a message (an error, or "reload the page") beside the controls. */
  say(text: string): void;
  /** A write is on its way to the background (aria-busy): the state shown is not yet stored. */
  busy(on: boolean): void;
  /** The extension went away: controls stay visible but inert. */
  disable(text: string): void;
  /** Forgets the host (it left the page or its card was re-rendered). */
  dispose(): void;
}

export interface ControlEvents {
  onToggle(c: CardControls, saved: boolean): void;
  onAddTag(c: CardControls, name: string): void;
  onRemoveTag(c: CardControls, name: string): void;
  /** Existing tag names, most used first, for autocomplete. */
  suggestions(): Promise<string[]>;
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
    const io = new IntersectionObserver(([e]) => done(!!(e as IntersectionObserverEntry & { isVisible?: boolean }).isVisible), {
      trackVisibility: true,
      delay: 100,
    } as IntersectionObserverInit);
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

  /** Run once the shadow root exists (a ranking verdict that came before, ui/rank-view.ts). */
  private waiting: (() => void)[] | undefined;

  constructor(
    readonly id: string,
    /** The card, for the test builds' marks on it (CARD_SAVED_ATTR). */
    private card: Element,
    private events: ControlEvents,
  ) {}

  /**
   * Made when first asked for (the card nears the viewport, or focus enters it): most cards of a
   * 1,000-entry list never need one, and a scan then costs no element per card.
   */
  private made: HTMLElement | undefined;
  get host(): HTMLElement {
    if (!this.made) {
      this.made = lightHost(this.id);
      register(this.made, this.id);
      if (this.saved !== undefined) testAttr(this.made, SAVED_ATTR, String(this.saved));
    }
    return this.made;
  }
  get hasHost(): boolean {
    return this.made !== undefined;
  }

  get upgraded() {
    return this.root !== undefined;
  }

  set(status: PaperStatus) {
    // Most cards on a listing stay unsaved: touch the DOM only for a change.
    if (status.saved !== this.saved) {
      this.saved = status.saved;
      if (this.made) testAttr(this.made, SAVED_ATTR, String(status.saved));
      testAttr(this.card, CARD_SAVED_ATTR, String(status.saved));
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
    if (this.made) unregister(this.made);
    this.waiting = undefined;
  }

  shadow() {
    return this.root;
  }

  later(fn: () => void) {
    if (this.root) fn();
    else (this.waiting ??= []).push(fn);
  }

  /** Builds the shadow root from what the host knows. */
  upgrade() {
    if (this.root) return;
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

    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.forEach((fn) => fn());
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
      this.editor = openEditor(this.add, {
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

/**
 * A card's controls, with their host made but not inserted: the annotator puts the host in
 * the page as the card nears the viewport, then calls upgrade (see the top of this file).
 */
export function createControls(id: string, card: Element, events: ControlEvents): CardControls {
  return new Controls(id, card, events);
}
