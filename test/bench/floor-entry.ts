/**
 * The floor for the content script's figures: the host elements the content
 * script puts on cards (`data-papershelf="<id>"` and HOST_ATTRIBUTES), on every
 * card (the content script now inserts them only near the viewport:
 * docs/architecture.md, "Where the time goes"), where it mounts them, in the barest way (one
 * template clone, one attribute, one insertBefore per card), with no
 * detection, no observer and no messaging. Bundled as an IIFE by
 * test/bench/run.mjs and injected into a page the content script does not
 * run on.
 *
 * `prepare(kind)` finds the cards and their ids (not timed: that is
 * detection): "hf" puts a host after each article's h3, "arxiv" at the end of
 * each listing `dt`, as the adapters do. `insert()` is the timed part and
 * returns its duration in ms.
 */
import { HOST_ATTR, HOST_ATTRIBUTES } from '../../src/content/ui/host';

interface Slot {
  id: string;
  parent: Element;
  before: Node | null;
}

let slots: Slot[] = [];

function prepare(kind: 'hf' | 'arxiv' = 'hf'): number {
  if (kind === 'arxiv') {
    slots = Array.from(document.querySelectorAll('dl > dt')).flatMap((dt) => {
      const id = dt.querySelector('a[title="Abstract"]')?.getAttribute('id') ?? '';
      return id ? [{ id, parent: dt, before: null }] : [];
    });
    return slots.length;
  }
  slots = Array.from(document.querySelectorAll('article')).flatMap((card) => {
    const heading = card.querySelector('h3');
    const href = heading?.querySelector('a')?.getAttribute('href') ?? '';
    const id = href.replace('/papers/', '');
    return heading?.parentElement && id ? [{ id, parent: heading.parentElement, before: heading.nextSibling }] : [];
  });
  return slots.length;
}

function insert(): number {
  const start = performance.now();
  const host = document.createElement('div');
  for (const [name, value] of HOST_ATTRIBUTES) host.setAttribute(name, value);
  for (const s of slots) {
    const h = host.cloneNode(false) as Element;
    h.setAttribute(HOST_ATTR, s.id);
    s.parent.insertBefore(h, s.before);
  }
  const ms = performance.now() - start;
  // For the trace: the thread CPU time of exactly this interval.
  performance.measure('papershelf-bench:floor', { start });
  return ms;
}

(globalThis as unknown as { __paperShelfFloor: unknown }).__paperShelfFloor = { prepare, insert };
