/** @tanstack/virtual-core bound to Preact: renders only the rows in view (10,000 papers stay fast). */
import { elementScroll, observeElementOffset, observeElementRect, Virtualizer, measureElement } from '@tanstack/virtual-core';
import { useLayoutEffect, useReducer, useState } from 'preact/hooks';

/**
 * The virtualizer, and `measure`, the ref of every row. A row mounted is measured after the commit,
 * with the others, not in its ref: Preact applies a ref in the middle of its commit, so reading a
 * row's height there forced one layout per new row (issue 20, popup.keystroke); after it, the first
 * read lays out once and the others read that layout. The ResizeObserver virtual-core sets on every
 * row measures its later changes.
 */
export function useVirtual(count: number, scroller: () => HTMLElement | null, estimate: number, key: (i: number) => string) {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const [v] = useState(
    () =>
      new Virtualizer<HTMLElement, HTMLElement>({
        count,
        getScrollElement: scroller,
        estimateSize: () => estimate,
        scrollToFn: elementScroll,
        observeElementRect,
        observeElementOffset,
        measureElement,
        // Three rows past each edge: enough for the arrow keys and a wheel step to find a row drawn. A
        // new query's rows are all new, and each costs its layout (its status select most): in three
        // alternated runs of 606 to 1,010 keystrokes, popup.keystroke's p95 was 18.0 to 23.9 ms at 6
        // and 15.3 to 20.6 at 3. At 2, Firefox reported a ResizeObserver loop in trash.e2e (rows
        // measured, then more rows drawn in the same frame) in every run; at 3, in none of five.
        overscan: 3,
        getItemKey: key,
        onChange: () => rerender(0),
        // The popup's list size, so the first render already has rows (no wait for a ResizeObserver).
        initialRect: { width: 480, height: 460 },
      }),
  );
  const [mounted] = useState(() => new Set<HTMLElement>());
  const [measure] = useState(() => (el: HTMLElement | null) => {
    if (el) mounted.add(el);
    else v.measureElement(null); // a row gone: virtual-core lets go of the rows no longer in the page
  });
  v.setOptions({ ...v.options, count, getItemKey: key });
  useLayoutEffect(() => v._didMount(), []);
  useLayoutEffect(() => {
    v._willUpdate();
    for (const el of mounted) if (el.isConnected) v.measureElement(el);
    mounted.clear();
  });
  return { virtual: v, measure };
}
