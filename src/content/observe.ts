/**
 * Watches the page for what changes after load: cards added (infinite scroll,
 * client-side navigation between day/week/month), cards re-rendered in place
 * (a paper link's href rewritten), and URL changes. Hands over only the
 * elements that were added or changed, batched once per frame; ignores our own
 * inserted nodes. Teardown is one AbortSignal.
 */
import { HOST_ATTR } from './ui/host';

export interface Batch {
  /** Elements added or whose paper link changed, outside our own controls. */
  nodes: Element[];
  /** location.href changed since the last batch (pushState, popstate). */
  urlChanged: boolean;
}

const ours = (el: Element) => el.hasAttribute(HOST_ATTR);

/**
 * Runs `fn` once, at the next frame; a background or occluded tab gets no
 * frames, so after 100 ms at the latest.
 */
export function nextFrame(fn: () => void): void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    cancelAnimationFrame(raf);
    clearTimeout(timer);
    fn();
  };
  const raf = requestAnimationFrame(run);
  const timer = setTimeout(run, 100);
}

/** Runs `fn` at an idle moment (at most 500 ms away), or after 50 ms where there is no idle callback. */
export function whenIdle(fn: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(fn, { timeout: 500 });
  else setTimeout(fn, 50);
}

export function observe(onBatch: (b: Batch) => void, signal: AbortSignal): void {
  let pending = new Set<Element>();
  let scheduled = false;
  let lastUrl = location.href;

  let raf = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    cancelAnimationFrame(raf);
    clearTimeout(timer);
    if (!scheduled) return;
    scheduled = false;
    if (signal.aborted) return;
    const nodes = [...pending].filter((n) => n.isConnected);
    pending = new Set();
    const urlChanged = location.href !== lastUrl;
    lastUrl = location.href;
    if (nodes.length || urlChanged) onBatch({ nodes, urlChanged });
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    // The next frame; a background or occluded tab gets no frames, so a timer too, whichever comes first.
    raf = requestAnimationFrame(flush);
    timer = setTimeout(flush, 100);
  };

  const mo = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes') {
        if (r.target instanceof Element) pending.add(r.target);
        continue;
      }
      for (const n of Array.from(r.addedNodes)) {
        if (n instanceof Element && !ours(n)) pending.add(n);
      }
    }
    if (pending.size) schedule();
  });
  mo.observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['href'] });
  addEventListener('popstate', schedule, { signal });
  signal.addEventListener('abort', () => mo.disconnect());
  // pushState from the page's world is invisible to us; the DOM it changes is not, and each batch compares the URL.
}
