/**
 * The floor for `content.floor.per1000`: the same controls the content script
 * mounts, inserted where it mounts them (after each card's heading), with no
 * detection and no messaging. Bundled as an IIFE by test/bench/run.mjs and
 * injected into a page the content script does not run on.
 *
 * `prepare()` finds the cards and their ids (not timed: that is detection);
 * `insert()` is the timed part and returns its duration in ms.
 */
import { createControls, type ControlEvents } from '../../src/content/ui/controls';

const noop: ControlEvents = {
  onToggle() {},
  onAddTag() {},
  onRemoveTag() {},
  suggestions: () => Promise.resolve([]),
};

interface Slot {
  id: string;
  parent: Element;
  before: Node | null;
}

let slots: Slot[] = [];

function prepare(): number {
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
  for (const s of slots) {
    const c = createControls(s.id, noop);
    s.parent.insertBefore(c.host, s.before);
  }
  const ms = performance.now() - start;
  // For the trace: the thread CPU time of exactly this interval.
  performance.measure('papershelf-bench:floor', { start });
  return ms;
}

(globalThis as unknown as { __paperShelfFloor: unknown }).__paperShelfFloor = { prepare, insert };
