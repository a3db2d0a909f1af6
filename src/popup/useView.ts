/**
 * The view (search, filters, sort): set at once, stored in storage.local
 * (view-store.ts) after a pause while typing, at once otherwise, and on close.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { View } from '../shared/query';
import { saveView } from '../shared/view-store';

export function useView(initial: View, onSet: (next: Partial<View>, merged: View) => void) {
  const [view, setViewState] = useState<View>(initial);
  // The view as last set, for the next change: the save happens here, at once, not inside a state
  // updater (which runs at the next render, perhaps after the popup closed).
  const viewRef = useRef<View>(initial);
  const saveTimer = useRef<ReturnType<typeof setTimeout>>();
  const pending = useRef<View | null>(null);
  const flush = () => {
    clearTimeout(saveTimer.current);
    if (pending.current) void saveView(pending.current);
    pending.current = null;
  };
  useEffect(() => {
    addEventListener('pagehide', flush);
    return () => removeEventListener('pagehide', flush);
  }, []);
  const onSetRef = useRef(onSet);
  onSetRef.current = onSet;
  // Stable, so the memoised parts that take it (Filters) are not drawn again for it.
  const setView = useCallback((next: Partial<View>) => {
    const merged = { ...viewRef.current, ...next };
    viewRef.current = merged;
    setViewState(merged);
    // Typing is stored after a pause: every storage.local write wakes every open tab's onChanged.
    clearTimeout(saveTimer.current);
    pending.current = merged;
    if ('query' in next) saveTimer.current = setTimeout(flush, 400);
    else flush();
    onSetRef.current(next, merged);
  }, []);
  return { view, viewRef, setView };
}
