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
        // A row mounted (its ref) is not measured there: reading its height forced a layout per new
        // row, in the middle of Preact's commit (issue 20, popup.keystroke). Its size is the one
        // known for its paper, or the estimate, until the ResizeObserver (which virtual-core sets
        // on every row) gives its border box after layout, before the frame is painted.
        measureElement: (el, entry, instance) =>
          entry ? measureElement(el, entry, instance) : (instance.itemSizeCache.get(instance.options.getItemKey(instance.indexFromElement(el))) ?? estimate),
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
