/**
 * The toolbar popup, the review tool: saved papers with search, tag and status
 * filters, sort, notes, tags, bulk actions and undo. Reads the library
 * straight from IndexedDB (same origin as the background) through the library
 * module: papers without their abstracts, the search index where it is kept.
 * Single writes go to the background as messages; an undo is a bulk write
 * done here, through the library, then broadcast. Follows every change.
 */
import { render } from 'preact';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { send } from '../shared/client';
import { connection, isNewerDatabase, type Shelf } from '../library/db';
import { getPapers, listPapers } from '../library/papers';
import { restoreFromTrash } from '../library/trash';
import { listTags } from '../library/tags';
import { Searcher } from '../library/search';
import { broadcast } from '../library/broadcast';
import { CHANGE_KEY, type Change } from '../shared/messages';
import { absUrl, hfUrl, READING_STATUSES, STATUS_LABEL, type Paper, type ReadingStatus, type Tag, type TagCount } from '../shared/model';
import { applyView, DEFAULT_VIEW, nextStatus, type Hits, type SortKey, type View } from './query';
import { Row, TagInput } from './Row';
import { TagsView } from './TagsView';
import { DigestView } from './DigestView';
import { TrashView } from './TrashView';
import { SyncNote } from './SyncNote';
import { AccessBanner } from '../ui/AccessBanner';
import { useVirtual } from './useVirtual';
import { loadView, saveView } from './view-store';
import { sendNote } from './notes';
import { formatNumber, t, tn, type MessageKey } from '../shared/i18n';

const UNDO_MS = 6000;
/** The popup's views, in the tablist's order. */
const TABS = ['papers', 'digest', 'tags', 'trash'] as const;

/** Mounts the review UI over the first paint (main.ts). */
export function mount(root: HTMLElement, first: Paper[] | null) {
  render(<App db={connection()} first={first} />, root);
}

/** A message "Could not …: $1" ($1 the reason), the key written out where `run` is called. */
type FailKey = MessageKey & `popup_err${string}`;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function App({ db, first }: { db: () => Promise<Shelf>; first: Paper[] | null }) {
  const [papers, setPapers] = useState<Paper[] | null>(first);
  const [complete, setComplete] = useState(false);
  const completeRef = useRef(false);
  completeRef.current = complete;
  const [tags, setTags] = useState<TagCount[]>([]);
  const [view, setViewState] = useState<View | null>(null);
  const searcher = useMemo(() => new Searcher(db), [db]);
  /** Search results for a query (ids, best first); null ids: the query has no searchable word. */
  const [hits, setHits] = useState<Hits | null>(null);
  const [libraryVersion, setLibraryVersion] = useState(0);
  /** Papers read for search hits before the whole list arrived. */
  const [extra, setExtra] = useState<Map<string, Paper>>(new Map());
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [focus, setFocus] = useState(0);
  const [tagging, setTagging] = useState<string | null>(null);
  const [tab, setTab] = useState<(typeof TABS)[number]>('papers');
  const [error, setError] = useState('');
  const [undo, setUndo] = useState<{ papers: Paper[]; timer: ReturnType<typeof setTimeout> } | null>(null);
  const search = useRef<HTMLInputElement>(null);
  const scroller = useRef<HTMLDivElement>(null);

  const tagMap = useMemo(() => new Map<string, Tag>(tags.map((t) => [t.tag.key, t.tag])), [tags]);
  const tagName = (k: string) => tagMap.get(k)?.name ?? k;

  const run = useCallback(async (what: FailKey, fn: () => Promise<unknown>) => {
    try {
      await fn();
      setError('');
    } catch (e) {
      const text = message(e);
      // A downgrade: nothing here can be read or written; the rows of the last session's snapshot would mislead.
      if (isNewerDatabase(e)) {
        setPapers([]);
        return setError(text);
      }
      setError(t(what, text));
    }
  }, []);

  const loadTags = useCallback(() => run('popup_errLoadTags', async () => setTags(await listTags(await db()))), [run, db]);

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
        const list = await listPapers(await db());
        const again = [...missed.current];
        missed.current = null;
        setPapers(list);
        setComplete(true);
        if (again.length) void refresh(again);
      }),
    [run, refresh, db],
  );

  // The first paint's rows are on screen: read the stored view and everything, and take over once there is something to show.
  useLayoutEffect(() => {
    // A query typed before the stored view arrived wins over it.
    void loadView().then(
      (v) => {
        viewRef.current ??= v;
        setViewState((now) => now ?? v);
      },
      () => setViewState((now) => now ?? DEFAULT_VIEW),
    );
    // The tags (small) at once, for the filter; the whole list after the first frames: its read
    // (10,000 records) would delay an early search's answer.
    void loadTags();
    setTimeout(() => void loadAll(), 50);
  }, []);

  // Search answers from the index in IndexedDB; a newer answer never loses to an older one.
  const searchSeq = useRef(0);
  useEffect(() => {
    const q = view?.query.trim() ?? '';
    if (!q) return setHits(null);
    const seq = ++searchSeq.current;
    void (async () => {
      try {
        const ids = await searcher.search(q);
        // Opened a moment ago, the whole list not read yet: the best hits are read by id, so the answer need not wait for it.
        if (ids?.length && !completeRef.current) {
          const found = await getPapers(await db(), ids.slice(0, 200));
          if (seq === searchSeq.current) setExtra((m) => new Map([...m, ...found.map((p) => [p.id, p] as const)]));
        }
        if (seq !== searchSeq.current) return;
        setHits({ query: q, ids });
        performance.mark('papershelf:search-answered');
      } catch (e) {
        setError(t('popup_searchFailed', message(e)));
      }
    })();
  }, [view?.query, libraryVersion, searcher]);

  // Follow changes from cards, other tabs and this popup.
  useEffect(() => {
    const onChange = (changes: Record<string, browser.Storage.StorageChange>, area: string) => {
      const change = area === 'local' ? (changes[CHANGE_KEY]?.newValue as Change | undefined) : undefined;
      if (!change) return;
      searcher.invalidate();
      setLibraryVersion((v) => v + 1);
      if (change.tags || change.papers === 'all') void loadTags();
      if (change.papers === 'all') return void loadAll();
      const ids = Object.keys(change.papers);
      if (!ids.length) return;
      if (missed.current) for (const id of ids) missed.current.add(id);
      void refresh(ids);
    };
    browser.storage.onChanged.addListener(onChange);
    return () => browser.storage.onChanged.removeListener(onChange);
  }, [loadAll, loadTags, refresh, searcher]);

  const saveTimer = useRef<ReturnType<typeof setTimeout>>();
  const pendingView = useRef<View | null>(null);
  const flushView = () => {
    clearTimeout(saveTimer.current);
    if (pendingView.current) void saveView(pendingView.current);
    pendingView.current = null;
  };
  useEffect(() => {
    addEventListener('pagehide', flushView);
    return () => removeEventListener('pagehide', flushView);
  }, []);
  // The view as last set, for the next change: the save happens here, at once, not inside a state
  // updater (which runs at the next render, perhaps after the popup closed).
  const viewRef = useRef<View | null>(null);
  viewRef.current ??= view;
  const setView = (next: Partial<View>) => {
    const merged = { ...(viewRef.current ?? view ?? DEFAULT_VIEW), ...next };
    viewRef.current = merged;
    setViewState(merged);
    // Typing is stored after a pause: every storage.local write wakes every open tab's onChanged.
    clearTimeout(saveTimer.current);
    pendingView.current = merged;
    if ('query' in next) saveTimer.current = setTimeout(flushView, 400);
    else flushView();
    setFocus(0);
  };

  const byId = useMemo(() => (complete ? new Map((papers ?? []).map((p) => [p.id, p])) : new Map([...extra, ...(papers ?? []).map((p) => [p.id, p] as const)])), [papers, extra, complete]);
  const shown = useMemo(
    () => (papers && view ? applyView(papers, view, hits, byId) : []),
    [papers, view, hits, byId],
  );

  const virtual = useVirtual(shown.length, () => scroller.current, 92, (i) => shown[i]?.id ?? i);
  const items = virtual.getVirtualItems();

  // The first paint (main.ts) goes in the frame where this list can stand in for it.
  useLayoutEffect(() => {
    if (view && (shown.length > 0 || complete || error)) document.getElementById('first')?.remove();
  }, [view, shown, complete, error]);

  // For `npm run bench` and DevTools: when the first rows are on screen, and when the whole library is.
  const firstMarked = useRef(false);
  useLayoutEffect(() => {
    if (!firstMarked.current && shown.length > 0) {
      firstMarked.current = true;
      performance.mark('papershelf:first-rows');
    }
  }, [shown]);
  useEffect(() => {
    if (complete) performance.mark('papershelf:all-loaded');
  }, [complete]);

  const remove = (ids: string[]) =>
    run('popup_errRemove', async () => {
      const { removed } = await send('papers.remove', { ids });
      setSelected(new Set());
      if (undo) clearTimeout(undo.timer);
      const timer = setTimeout(() => setUndo(null), UNDO_MS);
      setUndo({ papers: removed, timer });
    });

  const takeBack = () =>
    undo &&
    run('popup_errUndo', async () => {
      clearTimeout(undo.timer);
      setUndo(null);
      // Back from the trash as they were (tags, status, note, abstract): a bulk write of this page,
      // through the library, in one transaction, then one broadcast.
      const d = await db();
      const ids = await restoreFromTrash(d, undo.papers.map((p) => p.id));
      if (ids.length) await broadcast(d, ids, true, 'page');
    });

  const setStatus = (ids: string[], status: ReadingStatus) => run('popup_errSetStatus', () => send('papers.setStatus', { ids, status }));
  const addTag = (ids: string[], name: string) => run('popup_errAddTag', () => send('papers.tag', { ids, name }));

  /** Puts DOM focus on row `i` (the cursor), scrolling it into view. */
  const focusRow = (i: number) => {
    const to = Math.max(0, Math.min(shown.length - 1, i));
    setFocus(to);
    virtual.scrollToIndex(to, { align: 'auto' });
    requestAnimationFrame(() => scroller.current?.querySelector<HTMLElement>(`[data-index="${to}"]`)?.focus());
  };

  // After a removal the cursor stays at its place: the next paper takes the removed one's row.
  const refocusAt = useRef<number | null>(null);
  useEffect(() => {
    const at = refocusAt.current;
    if (at === null) return;
    refocusAt.current = null;
    if (shown.length) focusRow(at);
    else search.current?.focus();
  }, [shown]);

  // Keyboard, as in mail clients and feed readers: / search; ↓ from the search box into the list,
  // ↑ from the first row back to it; arrows or j/k move the cursor (visible from the start);
  // Enter opens, s status, t tag, Delete or Backspace removes the cursor row.
  // The handler is rebuilt every render (it reads the latest rows); the listener is added once.
  const onKeyRef = useRef<(e: KeyboardEvent) => void>(() => {});
  onKeyRef.current = (e: KeyboardEvent) => {
    const t = e.target as HTMLElement;
    if (e.ctrlKey || e.metaKey || e.altKey || tab !== 'papers') return;
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
    const removeAt = () => {
      if (!p) return;
      refocusAt.current = at;
      void remove([p.id]);
    };
    const keys: Record<string, () => void> = {
      '/': () => search.current?.focus(),
      ArrowDown: down,
      j: down,
      ArrowUp: up,
      k: up,
      Enter: () => p && window.open(p.source === 'arxiv' ? absUrl(p.id) : hfUrl(p.id), '_blank', 'noopener'),
      s: () => p && void setStatus([p.id], nextStatus(p.status)),
      t: () => p && setTagging(p.id),
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

  const suggestions = useMemo(() => tags.map((t) => t.tag.name), [tags]);
  const total = papers?.length ?? 0;
  const filtered = view && (view.query || view.tags.length || view.status);

  return (
    <div class="app">
      <header>
        {/* The icon, not the name: four tabs and the menu fill the popup's width. */}
        <h1>
          <img src="/icons/icon-32.png" width={20} height={20} alt={t('extName')} />
        </h1>
        <div role="tablist" aria-label={t('popup_viewsLabel')} class="tabs">
          {TABS.map((id) => (
            <button
              key={id}
              id={`tab-${id}`}
              role="tab"
              type="button"
              aria-selected={tab === id}
              aria-controls={`panel-${id}`}
              tabIndex={tab === id ? 0 : -1}
              onClick={() => setTab(id)}
              onKeyDown={(e) => {
                // Tabs as the ARIA pattern has them: arrows move between them.
                const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
                if (!step) return;
                e.preventDefault();
                const next = TABS[(TABS.indexOf(id) + step + TABS.length) % TABS.length];
                setTab(next);
                document.getElementById(`tab-${next}`)?.focus();
              }}
            >
              {id === 'papers'
                ? complete
                  ? t('popup_tabPapersCount', formatNumber(total))
                  : t('popup_tabPapers')
                : id === 'digest'
                  ? t('popup_tabDigest')
                  : id === 'tags'
                    ? t('popup_tabTagsCount', formatNumber(tags.length))
                    : t('popup_tabTrash')}
            </button>
          ))}
        </div>
        <button type="button" class="menu" title={t('popup_menuTitle')} aria-label={t('popup_menuLabel')} onClick={() => void browser.runtime.openOptionsPage().then(() => close())}>
          ⋯
        </button>
      </header>
      <AccessBanner />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {tab === 'trash' ? (
        <div role="tabpanel" id="panel-trash" aria-labelledby="tab-trash" class="trash-panel">
          <TrashView db={db} tag={(k) => tagMap.get(k)} />
        </div>
      ) : tab === 'digest' ? (
        <div role="tabpanel" id="panel-digest" aria-labelledby="tab-digest">
          <DigestView />
        </div>
      ) : tab === 'tags' ? (
        <div role="tabpanel" id="panel-tags" aria-labelledby="tab-tags">
        <TagsView
          tags={tags}
          onRename={(key, name) => void run('popup_errRename', () => send('tags.rename', { key, name }))}
          onMerge={(from, into) => void run('popup_errMerge', () => send('tags.merge', { from, into }))}
          onDelete={(key) => void run('popup_errDeleteTag', () => send('tags.delete', { key }))}
          onFilter={(key) => {
            setView({ tags: [key] });
            setTab('papers');
          }}
        />
        </div>
      ) : (
        <div role="tabpanel" id="panel-papers" aria-labelledby="tab-papers" class="panel">
          <div class="controls">
            <input
              ref={search}
              type="search"
              class="search"
              aria-label={t('popup_searchLabel')}
              placeholder={t('popup_searchPlaceholder')}
              value={view?.query ?? ''}
              onInput={(e) => setView({ query: e.currentTarget.value, ...(e.currentTarget.value && view?.sort === 'saved' ? { sort: 'relevance' as SortKey } : {}) })}
            />
            <div class="filters">
              <select aria-label={t('popup_filterStatusLabel')} value={view?.status ?? ''} onChange={(e) => setView({ status: e.currentTarget.value as View['status'] })}>
                <option value="">{t('popup_anyStatus')}</option>
                {READING_STATUSES.map((s) => (
                  <option value={s}>{STATUS_LABEL[s]}</option>
                ))}
              </select>
              <select
                aria-label={t('popup_filterTagLabel')}
                value=""
                onChange={(e) => e.currentTarget.value && setView({ tags: [...(view?.tags ?? []), e.currentTarget.value] })}
              >
                <option value="">{t('popup_addTagFilter')}</option>
                {tags
                  .filter((tc) => !view?.tags.includes(tc.tag.key))
                  .map((tc) => (
                    <option value={tc.tag.key}>{t('popup_tagWithCount', tc.tag.name, formatNumber(tc.count))}</option>
                  ))}
              </select>
              <select aria-label={t('popup_sortLabel')} value={view?.sort ?? 'saved'} onChange={(e) => setView({ sort: e.currentTarget.value as SortKey })}>
                {view?.query && <option value="relevance">{t('popup_sortRelevance')}</option>}
                <option value="saved">{t('popup_sortSaved')}</option>
                <option value="published">{t('popup_sortPublished')}</option>
                <option value="title">{t('popup_sortTitle')}</option>
                <option value="upvotes">{t('popup_sortUpvotes')}</option>
              </select>
            </div>
            {view && view.tags.length > 0 && (
              <div class="active-tags" aria-label={t('popup_tagFiltersLabel')}>
                {view.tags.map((k) => (
                  <span class="chip" style={{ '--hue': tagMap.get(k)?.hue ?? 0 }}>
                    {tagName(k)}
                    <button type="button" class="x" aria-label={t('popup_removeFilter', tagName(k))} onClick={() => setView({ tags: view.tags.filter((x) => x !== k) })}>
                      ×
                    </button>
                  </span>
                ))}
              </div>
            )}
          </div>
          {selected.size > 0 && (
            <div class="bulk" role="toolbar" aria-label={t('popup_selectedLabel')}>
              <span>{tn('popup_selectedCount', selected.size)}</span>
              <TagInput label={t('popup_tagSelected')} suggestions={suggestions} onAdd={(name) => void addTag([...selected], name)} onClose={() => {}} />
              <select aria-label={t('popup_setStatusSelected')} value="" onChange={(e) => e.currentTarget.value && void setStatus([...selected], e.currentTarget.value as ReadingStatus)}>
                <option value="">{t('popup_setStatus')}</option>
                {READING_STATUSES.map((s) => (
                  <option value={s}>{STATUS_LABEL[s]}</option>
                ))}
              </select>
              <button type="button" class="danger" onClick={() => void remove([...selected])}>
                {t('popup_removeSelected')}
              </button>
              <button type="button" onClick={() => setSelected(new Set())}>
                {t('popup_clearSelection')}
              </button>
            </div>
          )}
          {papers && total === 0 && complete && (
            <p class="empty">{t('popup_emptyLibrary')}</p>
          )}
          {papers && total > 0 && shown.length === 0 && filtered && (
            <p class="empty">
              {t('popup_noMatch')}{' '}
              <button type="button" class="link" onClick={() => setView({ query: '', tags: [], status: '' })}>
                {t('popup_clearFilters')}
              </button>
            </p>
          )}
          <div class="scroller" ref={scroller}>
            <ul aria-label={t('popup_listLabel')} style={{ height: `${virtual.getTotalSize()}px` }}>
              {items.map((item) => {
                const p = shown[item.index];
                if (!p) return null;
                return (
                  <li
                    key={p.id}
                    data-index={item.index}
                    ref={virtual.measureElement}
                    tabIndex={item.index === focus ? 0 : -1}
                    onFocusCapture={() => setFocus(item.index)}
                    style={{ transform: `translateY(${item.start}px)` }}
                  >
                    <Row
                      paper={p}
                      tag={(k) => tagMap.get(k)}
                      selected={selected.has(p.id)}
                      focused={item.index === focus}
                      tagging={tagging === p.id}
                      tagSuggestions={suggestions}
                      onSelect={(on) =>
                        setSelected((s) => {
                          const n = new Set(s);
                          on ? n.add(p.id) : n.delete(p.id);
                          return n;
                        })
                      }
                      onRemove={() => void remove([p.id])}
                      onStatus={(st) => void setStatus([p.id], st)}
                      onNote={(note) => sendNote(p.id, note)}
                      onAddTag={(name) => void addTag([p.id], name)}
                      onRemoveTag={(key) => void run('popup_errRemoveTag', () => send('paper.untag', { id: p.id, key }))}
                      onTagging={(open) => setTagging(open ? p.id : null)}
                    />
                  </li>
                );
              })}
            </ul>
          </div>
        </div>
      )}
      <SyncNote />
      {undo && (
        <div class="toast" role="status">
          {undo.papers.length === 1 ? t('popup_removedOne', undo.papers[0].title) : tn('popup_removedCount', undo.papers.length)}
          <button type="button" onClick={() => void takeBack()}>
            {t('popup_undo')}
          </button>
        </div>
      )}
    </div>
  );
}
