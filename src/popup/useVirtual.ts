/** @tanstack/virtual-core bound to Preact: renders only the rows in view (10,000 papers stay fast). */
import { elementScroll, observeElementOffset, observeElementRect, Virtualizer, measureElement } from '@tanstack/virtual-core';
import { useLayoutEffect, useReducer, useState } from 'preact/hooks';

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
        overscan: 6,
        getItemKey: key,
        onChange: () => rerender(0),
        // The popup's list size, so the first render already has rows (no wait for a ResizeObserver).
        initialRect: { width: 480, height: 460 },
      }),
  );
  v.setOptions({ ...v.options, count, getItemKey: key });
  useLayoutEffect(() => v._didMount(), []);
  useLayoutEffect(() => v._willUpdate());
  return v;
}
