/**
 * The floor for the content script's figures: what any annotator built the way the content
 * script is (docs/architecture.md, "Where the time goes") has to do on a listing at load, in
 * the barest way: find the cards and read their ids (one query, as the adapters do), watch
 * each card's mount point with one IntersectionObserver, and insert a light host (the content
 * script's HOST_ATTRIBUTES, one template clone, one attribute, one insertBefore) on the cards
 * within UPGRADE_MARGIN of the viewport. No controls, no messaging, no library. Bundled as an
 * IIFE by test/bench/run.mjs and injected into a page the content script does not run on.
 *
 * Until December 2026 (issue 20) the floor inserted a host on every card, which the content
 * script did then; it now makes hosts only near the viewport, so that floor measured work the
 * script no longer does and its ratios (7-17x) compared unlike things.
 *
 * `prepare(kind)` counts the cards (not timed: a check that the page is the one expected).
 * `insert()` is the timed part and returns its duration (ms), the cards it found and the hosts
 * it inserted. "hf" puts a host after each article's h3, "arxiv" at the end of each listing `dt`,
 * floated beside its links as the content script does.
 */
import { BESIDE_STYLE, HOST_ATTR, HOST_ATTRIBUTES, UPGRADE_MARGIN } from '../../src/content/ui/host';

interface Slot {
  id: string;
  parent: Element;
  before: Node | null;
}

let kind: 'hf' | 'arxiv' = 'hf';

function find(): Slot[] {
  if (kind === 'arxiv') {
    return Array.from(document.querySelectorAll('dl > dt a[href*="/abs/"]')).flatMap((a) => {
      const dt = a.closest('dt');
      const id = a.getAttribute('href')?.replace(/^.*\/abs\//, '') ?? '';
      return dt && id ? [{ id, parent: dt, before: null }] : [];
    });
  }
  return Array.from(document.querySelectorAll('article h3 a[href^="/papers/"]')).flatMap((a) => {
    const heading = a.closest('h3');
    const id = a.getAttribute('href')?.replace('/papers/', '') ?? '';
    return heading?.parentElement && id ? [{ id, parent: heading.parentElement, before: heading.nextSibling }] : [];
  });
}

function prepare(k: 'hf' | 'arxiv' = 'hf'): number {
  kind = k;
  return find().length;
}

let io: IntersectionObserver | undefined;

function insert(): { ms: number; cards: number; placed: number } {
  const start = performance.now();
  const slots = find();
  io = new IntersectionObserver(() => {}, { rootMargin: `${UPGRADE_MARGIN}px 0px` });
  for (const s of slots) io.observe(s.parent);
  const host = document.createElement('div');
  for (const [name, value] of HOST_ATTRIBUTES) host.setAttribute(name, value);
  // As the arXiv adapter mounts it: floated beside the dt's links (arxiv-list.ts mountPoint).
  if (kind === 'arxiv') host.setAttribute('style', BESIDE_STYLE);
  const top = -UPGRADE_MARGIN;
  const bottom = innerHeight + UPGRADE_MARGIN;
  let placed = 0;
  for (const s of slots) {
    const r = s.parent.getBoundingClientRect();
    if (r.bottom < top) continue;
    if (r.top > bottom) break;
    const h = host.cloneNode(false) as Element;
    h.setAttribute(HOST_ATTR, s.id);
    s.parent.insertBefore(h, s.before);
    placed++;
  }
  const ms = performance.now() - start;
  // For the trace: the thread CPU time of exactly this interval.
  performance.measure('papershelf-bench:floor', { start });
  return { ms, cards: slots.length, placed };
}

(globalThis as unknown as { __paperShelfFloor: unknown }).__paperShelfFloor = { prepare, insert };
