/**
 * The review list's keyboard, as in mail clients and feed readers: / search; ↓ from the search box
 * into the list, ↑ from the first row back to it; arrows or j/k move the cursor (visible from the
 * start); Enter opens, s status, t tag, Delete or Backspace removes the cursor row.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { RefObject } from 'preact';
import { absUrl, hfUrl, type Paper, type ReadingStatus } from '../shared/model';
import { nextStatus } from '../shared/query';

export interface KeyTargets {
  /** Whether the papers' tab is the one shown (the keys act there only). */
  active: boolean;
  search: RefObject<HTMLInputElement>;
  shown: Paper[];
  focus: number;
  focusRow(i: number): void;
  /** Removes the paper of row `at` (the cursor stays at its place). */
  removeAt(at: number, p: Paper): void;
  setStatus(ids: string[], status: ReadingStatus): void;
  setTagging(id: string): void;
}

/** The handler is rebuilt every render (it reads the latest rows); the listener is added once. */
export function useKeys(k: KeyTargets) {
  const onKeyRef = useRef<(e: KeyboardEvent) => void>(() => {});
  onKeyRef.current = (e: KeyboardEvent) => {
    const t = e.target as HTMLElement;
    const { search, shown, focus, focusRow } = k;
    if (e.ctrlKey || e.metaKey || e.altKey || !k.active) return;
    if (t === search.current) {
      if (e.key === 'Escape') return void t.blur();
      if (e.key === 'ArrowDown' && shown.length) {
        e.preventDefault();
        focusRow(focus);
      }
      return;
    }
    const typing = t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable;
    if (typing) return;
    // The row the key was pressed on, when focus is on one or inside one; else the cursor row.
    const rowEl = t.closest<HTMLElement>('li[data-index]');
    const onRow = rowEl !== null && t === rowEl;
    const at = rowEl ? Number(rowEl.dataset.index) : focus;
    const p = shown[at];
    // The first move from outside the list lands on the cursor row itself, not the one after it.
    const down = () => (rowEl ? focusRow(at + 1) : focusRow(at));
    const up = () => (onRow && at === 0 ? search.current?.focus() : rowEl ? focusRow(at - 1) : focusRow(at));
    const removeAt = () => p && k.removeAt(at, p);
    const keys: Record<string, () => void> = {
      '/': () => search.current?.focus(),
      ArrowDown: down,
      j: down,
      ArrowUp: up,
      k: up,
      Enter: () => p && window.open(p.source === 'arxiv' ? absUrl(p.id) : hfUrl(p.id), '_blank', 'noopener'),
      s: () => p && k.setStatus([p.id], nextStatus(p.status)),
      t: () => p && k.setTagging(p.id),
      // Mac keyboards' "delete" key sends Backspace.
      Delete: removeAt,
      Backspace: removeAt,
    };
    const act = keys[e.key];
    // Enter and the removal keys act only on the focused row (its focus ring shows which); s and t also
    // on the cursor row when no control has focus.
    const rowOnly = e.key === 'Enter' || e.key === 'Delete' || e.key === 'Backspace';
    const cursorKey = e.key === 's' || e.key === 't';
    if (act && (rowOnly ? onRow : !cursorKey || onRow || t === document.body)) {
      e.preventDefault();
      act();
    }
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => onKeyRef.current(e);
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
}
