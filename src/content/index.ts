/**
 * Content script entry: picks the adapter for the current URL (again after
 * each client-side navigation), annotates what is there, then only what is added.
 */
import { adapterFor } from './sites';
import { Annotator } from './annotate';
import { observe } from './observe';
import { contextAlive } from '../shared/client';

function start() {
  const controller = new AbortController();
  const annotator = new Annotator(() => adapterFor(location.href), document, controller.signal);
  timed(() => annotator.scan([document]));
  /** Left behind by an update or reload of the extension: the controls say so, and this script stops quietly. */
  const orphaned = () => {
    if (contextAlive()) return false;
    annotator.orphan();
    controller.abort();
    return true;
  };
  // A static page sends no mutations: check again whenever the user comes back to the tab.
  document.addEventListener('visibilitychange', orphaned, { signal: controller.signal });
  observe(({ nodes, urlChanged }) => {
    if (orphaned()) return;
    timed(() => annotator.scan(urlChanged ? [document] : nodes));
  }, controller.signal);
}

/**
 * Each scan leaves a User Timing entry "papershelf:scan" (detail: cards seen),
 * so `npm run bench` and DevTools show what the extension costs a page.
 */
function timed(scan: () => number) {
  const start = performance.now();
  const cards = scan();
  try {
    performance.measure('papershelf:scan', { start, detail: { cards } });
  } catch {
    // Older engines without measure options: timing is only for benchmarks.
  }
}

start();
