/**
 * Keyboard triage on listing pages, and "Sort by relevance".
 *
 * Keys: j / k move a visible focus ring between cards, s saves (or unsaves),
 * x marks "not relevant", a accepts the best suggested tag, 1–9 apply the
 * nine most used tags, o opens the paper, ? shows the keys. A key is never taken from an input, a select, an
 * editable element, our own editors, or a shortcut of the page (a keydown the
 * page already handled, or one with Ctrl/Alt/Meta); the keys can be turned
 * off on the options page.
 *
 * The sort reorders the cards in place within their own container (an arXiv
 * entry's dt and dd move together) and puts them back when turned off. When
 * the page adds or re-renders cards meanwhile, they are sorted in on the next
 * ranking.
 */
import { SHADOW_MODE } from './exposure';
import type { CardControls } from './ui/controls';
import { HOST_ATTR } from './ui/host';
import { t } from '../shared/i18n';

export interface TriageCard {
  controls: CardControls;
  /** The card's elements in document order (an arXiv entry: dt, dd). */
  parts: Element[];
  url: string;
}

export interface TriageActions {
  cards(): TriageCard[];
  toggleSave(c: CardControls): void;
  addTag(c: CardControls, name: string): void;
  notRelevant(c: CardControls): void;
  /** Tag names, most used first. */
  tagNames(): Promise<string[]>;
  relevance(id: string): number | undefined;
  /** The card's suggested tags, best first. */
  suggested(id: string): string[];
}

const RING = '2px solid #2563eb';

const TOOLBAR_CSS = `button{font:12px/1.2 system-ui,sans-serif;padding:6px 10px;border-radius:999px;border:1px solid #6b7280;background:#fff;color:#111827;box-shadow:0 2px 8px rgb(0 0 0/.15);cursor:pointer}
button[aria-pressed="true"]{background:#1d4ed8;color:#fff;border-color:#1d4ed8}
button:focus-visible{outline:2px solid #1d4ed8;outline-offset:2px}
@media (prefers-color-scheme:dark){button{background:#1f2937;color:#e5e7eb}}
@media (forced-colors:active){button{border-color:ButtonText}}`;

const HELP_CSS = `div{font:14px/1.5 system-ui,sans-serif;background:#fff;color:#111827;padding:16px 20px;border-radius:10px;max-width:420px}
h2{font-size:16px;margin:0 0 8px}dl{display:grid;grid-template-columns:auto 1fr;gap:2px 12px;margin:0}dt{font-weight:600}
@media (prefers-color-scheme:dark){div{background:#1f2937;color:#e5e7eb}}`;

export class Triage {
  private at = -1;
  private ringed: Element | null = null;
  private help: HTMLElement | null = null;
  /** The Sort button's host: built the first time there is something to sort by (showSort), not at load. */
  private toolbar: HTMLElement | null = null;
  private sorted = false;
  /** Original order: each moved element's parent and next sibling, restored in reverse. */
  private original: { parent: Node; nodes: Element[]; anchor: Node | null }[] = [];
  enabled = true;
  /** Runs before the sort is turned on or off (the ranking of every card). */
  beforeSort: (on: boolean) => Promise<void> = async () => {};

  constructor(
    private doc: Document,
    private act: TriageActions,
    signal: AbortSignal,
  ) {
    const onKey = (e: KeyboardEvent) => this.key(e);
    // Bubble phase on the window: the page's own handlers ran first, and a key they took is theirs.
    this.doc.defaultView?.addEventListener('keydown', onKey, { signal });
    signal.addEventListener('abort', () => {
      this.toolbar?.remove();
      this.help?.remove();
      this.ring(null);
      if (this.sorted) this.unsort();
    });
  }

  private buildToolbar(): HTMLElement {
    const host = this.doc.createElement('div');
    host.setAttribute('data-papershelf-toolbar', '');
    host.style.cssText = 'position:fixed;right:12px;bottom:12px;z-index:2147483646';
    const root = host.attachShadow({ mode: SHADOW_MODE });
    const style = this.doc.createElement('style');
    style.textContent = TOOLBAR_CSS;
    const sort = this.doc.createElement('button');
    sort.type = 'button';
    sort.textContent = t('card_sortByRelevance');
    sort.setAttribute('aria-pressed', 'false');
    sort.addEventListener('click', (e) => {
      if (!e.isTrusted) return;
      const on = !this.sorted;
      // Every card must be ranked first (far ones are ranked only when near the viewport).
      sort.setAttribute('aria-busy', 'true');
      void this.beforeSort(on).finally(() => {
        sort.removeAttribute('aria-busy');
        this.setSorted(on);
        sort.setAttribute('aria-pressed', String(this.sorted));
      });
    });
    root.append(style, sort);
    this.doc.body.append(host);
    return host;
  }

  /**
   * Shown once a model exists (nothing to sort by before). Built then: a page whose cards have no
   * relevance (no tag has a model yet) never pays for it, and the scan at load does not either.
   */
  showSort(on: boolean) {
    if (!on && !this.toolbar) return;
    this.toolbar ??= this.buildToolbar();
    this.toolbar.hidden = !on;
  }

  setSorted(on: boolean) {
    if (on === this.sorted) return;
    this.sorted = on;
    if (on) this.sort();
    else this.unsort();
  }

  /** After a ranking batch: sort again what came in (the page's paging, re-renders). */
  resort() {
    if (!this.sorted) return;
    this.unsort();
    this.sort();
  }

  private sort() {
    const groups = new Map<Node, TriageCard[]>();
    for (const c of this.act.cards()) {
      const parent = c.parts[0]?.parentNode;
      if (!parent) continue;
      const g = groups.get(parent);
      if (g) g.push(c);
      else groups.set(parent, [c]);
    }
    this.original = [];
    for (const [parent, cards] of groups) {
      if (cards.length < 2) continue;
      const nodes = cards.flatMap((c) => c.parts);
      // After the last card: other children (headings, pagers) keep their places around the cards.
      const anchor = nodes[nodes.length - 1].nextSibling;
      this.original.push({ parent, nodes: [...nodes], anchor });
      const ranked = [...cards].sort((a, b) => (this.act.relevance(b.controls.id) ?? -1) - (this.act.relevance(a.controls.id) ?? -1));
      for (const c of ranked) for (const part of c.parts) parent.insertBefore(part, anchor);
    }
  }

  private unsort() {
    for (const { parent, nodes, anchor } of this.original) {
      const before = anchor && anchor.parentNode === parent ? anchor : null;
      for (const n of nodes) if (n.parentNode === parent) parent.insertBefore(n, before);
    }
    this.original = [];
  }

  private key(e: KeyboardEvent) {
    if (!this.enabled || !e.isTrusted || e.defaultPrevented || e.ctrlKey || e.altKey || e.metaKey) return;
    // Events from inside our controls' shadow roots are retargeted to their host; their editor stops its own keys.
    const target = e.target as HTMLElement | null;
    if (
      target &&
      (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.closest?.('[contenteditable=""], [contenteditable="true"]'))
    )
      return;
    const cards = this.act.cards();
    if (!cards.length) return;
    const cur = cards[this.at];
    let handled = true;
    switch (e.key) {
      case 'j':
        this.move(cards, this.at + 1);
        break;
      case 'k':
        this.move(cards, this.at < 0 ? 0 : this.at - 1);
        break;
      case 's':
        if (cur) this.act.toggleSave(cur.controls);
        else handled = false;
        break;
      case 'x':
        if (cur) this.act.notRelevant(cur.controls);
        else handled = false;
        break;
      case 'a': {
        const best = cur && this.act.suggested(cur.controls.id)[0];
        if (best) this.act.addTag(cur.controls, best);
        else handled = false;
        break;
      }
      case 'o':
        if (cur) window.open(cur.url, '_blank', 'noopener');
        else handled = false;
        break;
      case '?':
        void this.showHelp();
        break;
      case 'Escape':
        if (this.help) this.help.remove(), (this.help = null);
        else handled = false;
        break;
      default:
        if (/^[1-9]$/.test(e.key) && cur) {
          const n = Number(e.key) - 1;
          void this.act.tagNames().then((names) => names[n] && this.act.addTag(cur.controls, names[n]));
        } else handled = false;
    }
    if (handled) e.preventDefault();
  }

  private move(cards: TriageCard[], to: number) {
    this.at = Math.max(0, Math.min(cards.length - 1, to));
    const c = cards[this.at];
    this.ring(c.parts[0]);
    c.parts[0].scrollIntoView({ block: 'nearest', behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
    c.controls.host.setAttribute('data-cursor', '');
  }

  private ring(el: Element | null) {
    if (this.ringed instanceof HTMLElement) {
      this.ringed.style.outline = '';
      this.ringed.style.outlineOffset = '';
    }
    this.doc.querySelectorAll(`[${HOST_ATTR}][data-cursor]`).forEach((h) => h.removeAttribute('data-cursor'));
    this.ringed = el;
    if (el instanceof HTMLElement) {
      el.style.outline = RING;
      el.style.outlineOffset = '2px';
    }
  }

  /** The keys, in a dialog of ours; the tag names for 1–9 appear only now that the user asked. */
  private async showHelp() {
    if (this.help) return;
    const names = await this.act.tagNames().catch(() => [] as string[]);
    const host = this.doc.createElement('div');
    host.setAttribute('data-papershelf-help', '');
    host.style.cssText = 'position:fixed;inset:0;z-index:2147483647;display:grid;place-items:center;background:rgb(0 0 0/.35)';
    const root = host.attachShadow({ mode: SHADOW_MODE });
    const box = this.doc.createElement('div');
    box.setAttribute('role', 'dialog');
    box.setAttribute('aria-modal', 'true');
    box.setAttribute('aria-label', t('card_keysTitle'));
    box.tabIndex = -1;
    const style = this.doc.createElement('style');
    style.textContent = HELP_CSS;
    const h = this.doc.createElement('h2');
    h.textContent = t('card_keysTitle');
    const dl = this.doc.createElement('dl');
    const rows: [string, string][] = [
      ['j / k', t('card_keyMove')],
      ['s', t('card_keySave')],
      ['x', t('card_keyNotRelevant')],
      ['a', t('card_keyAccept')],
      ...names.slice(0, 9).map((n, i) => [String(i + 1), t('card_keyTag', n)] as [string, string]),
      ['o', t('card_keyOpen')],
      ['?', t('card_keyHelp')],
    ];
    for (const [k, what] of rows) {
      const dt = this.doc.createElement('dt');
      dt.textContent = k;
      const dd = this.doc.createElement('dd');
      dd.textContent = what;
      dd.style.margin = '0';
      dl.append(dt, dd);
    }
    box.append(h, dl);
    root.append(style, box);
    host.addEventListener('click', () => {
      host.remove();
      this.help = null;
    });
    this.doc.body.append(host);
    this.help = host;
    box.focus();
  }
}
