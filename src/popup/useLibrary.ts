/**
 * The popup's copy of the library: the papers (no abstracts), read whole in
 * slices after the first frames, the tags, and every change followed. Also the
 * popup's one way to run a library call and show what failed (`run`).
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { isNewerDatabase, type Shelf } from '../library/db';
import { getPapers, listPapers } from '../library/papers';
import { listTags } from '../library/tags';
import { CHANGE_KEY, type Change } from '../shared/messages';
import type { Paper, TagCount } from '../shared/model';
import { t, type MessageKey } from '../shared/i18n';
import { errorText } from '../shared/errors';
import type { SearchFirst } from './search-first';

/** A message "Could not …: $1" ($1 the reason), the key written out where `run` is called. */
export type FailKey = MessageKey & `popup_err${string}`;
export type Run = (what: FailKey, fn: () => Promise<unknown>) => Promise<void>;

export function useLibrary(db: () => Promise<Shelf>, first: Paper[] | null, onChange: () => void, searchFirst?: SearchFirst) {
  const turn = searchFirst && (() => searchFirst.turn());
  const [papers, setPapers] = useState<Paper[] | null>(first);
  const [complete, setComplete] = useState(false);
  const [tags, setTags] = useState<TagCount[]>([]);
  /** Whether `tags` was read (until then the first paint's count stands in for its length). */
  const [tagsIn, setTagsIn] = useState(false);
  const [error, setError] = useState('');

  const run: Run = useCallback(async (what, fn) => {
    try {
      await fn();
      setError('');
    } catch (e) {
      const text = errorText(e);
      // A downgrade: nothing here can be read or written; the rows of the last session's snapshot would mislead.
      if (isNewerDatabase(e)) {
        setPapers([]);
        return setError(text);
      }
      setError(t(what, text));
    }
  }, []);

  const loadTags = useCallback(
    () =>
      run('popup_errLoadTags', async () => {
        setTags(await listTags(await db(), turn));
        setTagsIn(true);
      }),
    [run, db],
  );

  // Papers that changed while the whole list was being read (in slices, not one snapshot: listPapers);
  // read again once it is in. null while no read is going on.
  const missed = useRef<Set<string> | null>(new Set());

  /** Reads `ids` again and puts them in the list (added, updated, or gone). */
  const refresh = useCallback(
    (ids: string[]) =>
      run('popup_errRefresh', async () => {
        const fresh = new Map((await getPapers(await db(), ids)).map((p) => [p.id, p]));
        setPapers((list) => {
          if (!list) return list;
          const kept = list.filter((p) => !ids.includes(p.id) || fresh.has(p.id)).map((p) => fresh.get(p.id) ?? p);
          const added = [...fresh.values()].filter((p) => !list.some((q) => q.id === p.id));
          return added.length ? [...added, ...kept].sort((a, b) => b.savedAt - a.savedAt) : kept;
        });
      }),
    [run, db],
  );

  // The whole list (no abstracts: they stay in the database, searched through the index).
  const loadAll = useCallback(
    () =>
      run('popup_errLoadPapers', async () => {
        missed.current ??= new Set();
        const list = await listPapers(await db(), undefined, 0, turn);
        const again = [...missed.current];
        missed.current = null;
        setPapers(list);
        setComplete(true);
        if (again.length) void refresh(again);
      }),
    [run, refresh, db],
  );

  useLayoutEffect(() => {
    // The tags (small) at once, for the filter; the whole list after the first frames: its read
    // (10,000 records) would delay an early search's answer.
    void loadTags();
    setTimeout(() => void loadAll(), 50);
  }, []);

  // Follow changes from cards, other tabs and this popup.
  const changed = useRef(onChange);
  changed.current = onChange;
  useEffect(() => {
    const listener = (changes: Record<string, browser.Storage.StorageChange>, area: string) => {
      const change = area === 'local' ? (changes[CHANGE_KEY]?.newValue as Change | undefined) : undefined;
      if (!change) return;
      changed.current();
      if (change.tags || change.papers === 'all') void loadTags();
      if (change.papers === 'all') return void loadAll();
      const ids = Object.keys(change.papers);
      if (!ids.length) return;
      if (missed.current) for (const id of ids) missed.current.add(id);
      void refresh(ids);
    };
    browser.storage.onChanged.addListener(listener);
    return () => browser.storage.onChanged.removeListener(listener);
  }, [loadAll, loadTags, refresh]);

  useEffect(() => {
    if (complete) performance.mark('papershelf:all-loaded');
  }, [complete]);

  return { papers, complete, tags, tagsIn, error, setError, run };
}
