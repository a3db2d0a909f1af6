/**
 * A card's ranking, shown in its controls' shadow root beside the buttons: a
 * meter with the best tag (hovering or focusing it shows the words that
 * weighed most), the suggested tags as buttons one click accepts, and "New"
 * for a paper not on screen on an earlier visit. Its own constructable
 * stylesheet, adopted next to the controls' one. Text only, never HTML.
 */
import type { CardVerdict } from '../../shared/rank-wire';
import type { CardControls } from './controls';
import { style } from './style';
import { t } from '../../shared/i18n';
import { tagKey } from '../../shared/model';

/** The suggested tag names the card does not carry yet (compared as the library compares tags). */
export function notTagged(suggested: string[], tags: string[]): string[] {
  const have = new Set(tags.map(tagKey));
  return suggested.filter((name) => !have.has(tagKey(name)));
}

const CSS = `
.rank { display: inline-flex; flex-wrap: wrap; align-items: center; gap: 4px; margin-left: 6px; font: 12px/1.2 system-ui, sans-serif; }
.meter { display: inline-flex; align-items: center; gap: 4px; border-radius: 4px; padding: 1px 4px; cursor: help; background: #f3f4f6; color: #111827; }
.meter:focus-visible { outline: 2px solid #1d4ed8; outline-offset: 1px; }
.bar { display: inline-block; width: 40px; height: 6px; border-radius: 3px; background: #e5e7eb; overflow: hidden; }
.bar > i { display: block; height: 100%; background: #1d4ed8; }
.why { display: none; position: absolute; z-index: 2147483646; margin-top: 28px; max-width: 320px; padding: 4px 8px; border-radius: 6px; background: #111827; color: #f9fafb; }
.meter:hover + .why, .meter:focus + .why { display: block; }
.ps-sugg { font: inherit; border: 1px dashed #4b5563; border-radius: 999px; padding: 1px 8px; background: #fff; color: #111827; cursor: pointer; }
.ps-sugg:focus-visible { outline: 2px solid #1d4ed8; outline-offset: 1px; }
/* Own backgrounds: the page behind may be light while the system is dark, or the other way round. */
.new { font-weight: 600; color: #1e3a8a; background: #dbeafe; border-radius: 4px; padding: 1px 4px; }
@media (prefers-color-scheme: dark) { .meter { background: #1f2937; color: #e5e7eb; } .bar { background: #374151; } .bar > i { background: #93c5fd; } .new { color: #dbeafe; background: #1e3a8a; } .ps-sugg { border-color: #9ca3af; background: #1f2937; color: #e5e7eb; } }
@media (forced-colors: active) { .bar { border: 1px solid CanvasText; } .bar > i { background: Highlight; } .ps-sugg { border-color: ButtonText; } }
`;

let seq = 0;
/** The latest verdict of a card whose controls are not built yet: drawn when they are. */
const pending = new WeakMap<CardControls, () => void>();

/** Shows `v` on the card now if its controls are built, else when they are (the card nears the viewport). */
export function showRank(c: CardControls, v: CardVerdict, tagsNow: () => string[], accept: (name: string) => void) {
  const render = () => draw(c, v, tagsNow, accept);
  if (c.upgraded) return render();
  if (!pending.has(c)) {
    c.later(() => {
      const latest = pending.get(c);
      pending.delete(c);
      latest?.();
    });
  }
  pending.set(c, render);
}

function draw(c: CardControls, v: CardVerdict, tagsNow: () => string[], accept: (name: string) => void) {
  const root = c.shadow();
  if (!root) return;
  let box = root.querySelector<HTMLElement>('.rank');
  if (!box) {
    box = document.createElement('span');
    box.className = 'rank';
    root.append(box);
    style(root, CSS);
  }
  const parts: Node[] = [];
  if (!v.seen) {
    const n = document.createElement('span');
    n.className = 'new';
    n.textContent = t('card_new');
    n.title = t('card_newTitle');
    parts.push(n);
  }
  if (v.updated) {
    const u = document.createElement('span');
    u.className = 'new';
    u.textContent = t('card_updated', v.updated);
    u.title = t('card_updatedTitle');
    parts.push(u);
  }
  if (v.relevance !== undefined) {
    const pct = Math.round(v.relevance * 100);
    const id = `ps-why-${++seq}`;
    const meter = document.createElement('span');
    meter.className = 'meter';
    meter.tabIndex = 0;
    meter.setAttribute('role', 'meter');
    meter.setAttribute('aria-valuemin', '0');
    meter.setAttribute('aria-valuemax', '100');
    meter.setAttribute('aria-valuenow', String(pct));
    meter.setAttribute('aria-label', v.bestTag ? t('card_relevanceClosest', pct, v.bestTag) : t('card_relevance', pct));
    const bar = document.createElement('span');
    bar.className = 'bar';
    const fill = document.createElement('i');
    fill.style.width = `${pct}%`;
    bar.append(fill);
    const label = document.createElement('span');
    label.textContent = v.bestTag ?? '';
    meter.append(bar, label);
    const why = document.createElement('span');
    why.className = 'why';
    why.id = id;
    why.setAttribute('role', 'tooltip');
    why.textContent = v.why.length
      ? t(
          'card_because',
          v.why.reduce((list, w) => t('card_whyJoin', list, w)),
        )
      : t('card_noWord');
    meter.setAttribute('aria-describedby', id);
    parts.push(meter, why);
  }
  for (const name of notTagged(v.suggested, tagsNow())) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'ps-sugg';
    b.setAttribute('aria-label', t('card_addSuggestedTag', name));
    const plus = document.createElement('span');
    plus.setAttribute('aria-hidden', 'true');
    plus.textContent = '+ ';
    b.append(plus, name);
    // Only the user's own click (a page script cannot accept a suggestion for them).
    b.addEventListener('click', (e) => {
      if (!e.isTrusted) return;
      accept(name);
      b.remove();
    });
    parts.push(b);
  }
  box.replaceChildren(...parts);
}
