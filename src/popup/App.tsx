/**
 * The toolbar popup, the review tool: saved papers with search, tag and status
 * filters, sort, notes, tags, bulk actions and undo. Reads the library
 * straight from IndexedDB (same origin as the background) through the library
 * module: papers without their abstracts, the search index where it is kept.
 * Single writes go to the background as messages; an undo is a bulk write
 * done here, through the library, then broadcast. Follows every change.
 *
 * The parts: useLibrary (the papers, read in slices, tags, changes followed),
 * useSearch (the index, asked as the user types), useView (the view and its
 * storing), useUndo (removal and Undo), useKeys (the keyboard); Tabs, Filters,
 * ListRow and the views of the other tabs draw.
 */
import { render } from 'preact';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { send } from '../shared/client';
import { connection, type Shelf } from '../library/db';
import { READING_STATUSES, STATUS_LABEL, type ReadingStatus, type Tag } from '../shared/model';
import { applyView, DEFAULT_VIEW, type SortKey, type View } from '../shared/query';
import { TagInput } from './Row';
import { TagsView } from './TagsView';
import { DigestView } from './DigestView';
import { TrashView } from './TrashView';
import { SyncNote } from './SyncNote';
import { AccessBanner } from '../ui/AccessBanner';
import { useVirtual } from './useVirtual';
import { loadView } from '../shared/view-store';
import { sendNote } from './notes';
import { t, tn } from '../shared/i18n';
import type { FirstPaint } from './first-paint';
import { useLibrary } from './useLibrary';
import { useSearch } from './useSearch';
import { useView } from './useView';
import { useUndo } from './useUndo';
import { useKeys } from './useKeys';
import { Tabs, type TabId } from './Tabs';
import { Filters } from './Filters';
import { ListRow, type RowActions } from './ListRow';
import { memo } from './memo';
import { SearchFirst } from './search-first';

// Props-less parts with their own state: a keystroke need not draw them again.
const Banner = memo(AccessBanner);
const SyncLine = memo(SyncNote);
const Digest = memo(DigestView);

/**
 * Mounts the review UI over the first paint (first-paint.ts), in one commit: the stored view is
 * read first, the query typed in the first paint's box wins over it, and its last answer is shown
 * as it was.
 */
export async function mount(root: HTMLElement, first: FirstPaint | null) {
  const stored = await loadView().catch(() => DEFAULT_VIEW);
  // An answer the first paint is reading is taken over, not read again.
  await first?.idle();
  // Read after the await: a letter typed meanwhile is in the box, and in the view.
  const typed = first?.typed ? first.input.value : null;
  const view = typed === null ? stored : { ...stored, query: typed, ...(typed && stored.sort === 'saved' ? { sort: 'relevance' as SortKey } : {}) };
  render(<App db={connection()} first={first} initial={view} />, root);
}

export function App({ db, first, initial = DEFAULT_VIEW }: { db: () => Promise<Shelf>; first: FirstPaint | null; initial?: View }) {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [focus, setFocus] = useState(0);
  const [tagging, setTagging] = useState<string | null>(null);
  const [tab, setTab] = useState<TabId>('papers');
  const search = useRef<HTMLInputElement>(null);
  const scroller = useRef<HTMLDivElement>(null);

  const viewNow = useRef(initial);
  // Searches read first, the library's bulk reads between them (search-first.ts).
  const [searchFirst] = useState(() => new SearchFirst());
  const lib = useLibrary(db, first?.rows ?? null, () => index.again(viewNow.current.query), searchFirst);
  const { papers, complete, tags, error, run } = lib;
  const index = useSearch(db, complete, first, lib.setError, searchFirst);
  const { hits, extra } = index;
  const { view, viewRef, setView } = useView(initial, (next, merged) => {
    if ('query' in next) index.search(merged.query);
    setFocus(0);
  });
  viewNow.current = viewRef.current;

  const tagMap = useMemo(() => new Map<string, Tag>(tags.map((t) => [t.tag.key, t.tag])), [tags]);
  const tagOf = useCallback((k: string) => tagMap.get(k), [tagMap]);
  const suggestions = useMemo(() => tags.map((t) => t.tag.name), [tags]);

  const byId = useMemo(
    () => (complete ? new Map((papers ?? []).map((p) => [p.id, p])) : new Map([...extra, ...(papers ?? []).map((p) => [p.id, p] as const)])),
    [papers, extra, complete],
  );
  // On what the list depends, not on the query's text: a letter that does not change the answer (yet) changes nothing here.
  const hasQuery = view.query.trim() !== '';
  const shown = useMemo(
    () => (papers ? applyView(papers, { ...view, query: hasQuery ? view.query : '' }, hits, byId) : []),
    [papers, hits, byId, hasQuery, view.tags, view.status, view.sort],
  );

  // One key function per list: a new one makes the virtual list lay out every row again (10,000 without a query).
  const keyOf = useCallback((i: number) => shown[i]?.id ?? i, [shown]);
  const { virtual, measure } = useVirtual(shown.length, () => scroller.current, 92, keyOf);
  const items = virtual.getVirtualItems();

  // The first paint's box had focus (and a caret): this one has them now, in the commit that removes it.
  useLayoutEffect(() => {
    if (first) {
      const had = document.activeElement === first.input;
      const { selectionStart, selectionEnd } = first.input;
      first.stop();
      if (had && search.current) {
        search.current.focus();
        search.current.setSelectionRange(selectionStart, selectionEnd);
      }
    }
    document.getElementById('first')?.remove();
    performance.mark('papershelf:review-ui');
    // The stored query (or one typed before the first paint could answer it) is asked here.
    if (view.query.trim() && view.query.trim() !== hits?.query) index.search(view.query);
  }, []);

  // For `npm run bench` and DevTools: when the first rows are on screen.
  const firstMarked = useRef(false);
  const typedMarked = useRef(false);
  useLayoutEffect(() => {
    if (!firstMarked.current && shown.length > 0) {
      firstMarked.current = true;
      performance.mark('papershelf:first-rows');
    }
  }, [shown]);

  const undo = useUndo(db, run, () => setSelected(new Set()));
  const setStatus = (ids: string[], status: ReadingStatus) => run('popup_errSetStatus', () => send('papers.setStatus', { ids, status }));
  const addTag = (ids: string[], name: string) => run('popup_errAddTag', () => send('papers.tag', { ids, name }));

  /** Puts DOM focus on row `i` (the cursor), scrolling it into view. */
  const focusRow = (i: number) => {
    const to = Math.max(0, Math.min(shown.length - 1, i));
    setFocus(to);
    virtual.scrollToIndex(to, { align: 'auto' });
    requestAnimationFrame(() => scroller.current?.querySelector<HTMLElement>(`[data-index="${to}"]`)?.focus());
  };

  // After a removal the cursor stays at its place: the next paper takes the removed one's row. The
  // list may change for another reason first (the library's load finishing, a broadcast of an
  // earlier write): the cursor moves once the removed paper has left the list, not before, or it
  // would land on the row about to go and focus would go with it.
  const refocusAt = useRef<{ at: number; id: string } | null>(null);
  useEffect(() => {
    const pending = refocusAt.current;
    if (pending === null || shown.some((p) => p.id === pending.id)) return;
    refocusAt.current = null;
    if (shown.length) focusRow(pending.at);
    else search.current?.focus();
  }, [shown]);

  useKeys({
    active: tab === 'papers',
    search,
    shown,
    focus,
    focusRow,
    removeAt: (at, p) => {
      refocusAt.current = { at, id: p.id };
      void undo.remove([p.id]);
    },
    setStatus: (ids, s) => void setStatus(ids, s),
    setTagging,
  });

  // One object for every row, for the popup's life; its methods call the latest closures.
  const latest = useRef<RowActions>(null as unknown as RowActions);
  latest.current = {
    select: (id, on) =>
      setSelected((s) => {
        const n = new Set(s);
        on ? n.add(id) : n.delete(id);
        return n;
      }),
    remove: (id) => void undo.remove([id]),
    status: (id, st) => void setStatus([id], st),
    note: (id, note) => sendNote(id, note),
    addTag: (id, name) => void addTag([id], name),
    removeTag: (id, key) => void run('popup_errRemoveTag', () => send('paper.untag', { id, key })),
    tagging: (id) => setTagging(id),
    focus: (i) => setFocus(i),
  };
  const actions = useMemo<RowActions>(
    () => ({
      select: (...a) => latest.current.select(...a),
      remove: (...a) => latest.current.remove(...a),
      status: (...a) => latest.current.status(...a),
      note: (...a) => latest.current.note(...a),
      addTag: (...a) => latest.current.addTag(...a),
      removeTag: (...a) => latest.current.removeTag(...a),
      tagging: (...a) => latest.current.tagging(...a),
      focus: (...a) => latest.current.focus(...a),
    }),
    [],
  );

  const total = papers?.length ?? 0;
  const filtered = view.query || view.tags.length || view.status;

  return (
    <div class="app">
      <Tabs tab={tab} setTab={setTab} total={complete ? total : null} tagCount={lib.tagsIn ? tags.length : (first?.tagCount ?? tags.length)} />
      <Banner />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {tab === 'trash' ? (
        <div role="tabpanel" id="panel-trash" aria-labelledby="tab-trash" class="trash-panel">
          <TrashView db={db} tag={tagOf} />
        </div>
      ) : tab === 'digest' ? (
        <div role="tabpanel" id="panel-digest" aria-labelledby="tab-digest">
          <Digest />
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
              value={view.query}
              onInput={(e) => {
                // For `npm run bench` (popup.searchReady: when the typing arrived), unless the first paint's box had it.
                if (!typedMarked.current && !first?.typed) performance.mark('papershelf:typed');
                typedMarked.current = true;
                setView({
                  query: e.currentTarget.value,
                  ...(e.currentTarget.value && viewRef.current.sort === 'saved' ? { sort: 'relevance' as SortKey } : {}),
                });
              }}
            />
            <Filters status={view.status} tags={view.tags} sort={view.sort} query={view.query !== ''} allTags={tags} tag={tagOf} setView={setView} />
          </div>
          {selected.size > 0 && (
            <div class="bulk" role="toolbar" aria-label={t('popup_selectedLabel')}>
              <span>{tn('popup_selectedCount', selected.size)}</span>
              <TagInput label={t('popup_tagSelected')} suggestions={suggestions} onAdd={(name) => void addTag([...selected], name)} onClose={() => {}} />
              <select
                aria-label={t('popup_setStatusSelected')}
                value=""
                onChange={(e) => e.currentTarget.value && void setStatus([...selected], e.currentTarget.value as ReadingStatus)}
              >
                <option value="">{t('popup_setStatus')}</option>
                {READING_STATUSES.map((s) => (
                  <option value={s}>{STATUS_LABEL[s]}</option>
                ))}
              </select>
              <button type="button" class="danger" onClick={() => void undo.remove([...selected])}>
                {t('popup_removeSelected')}
              </button>
              <button type="button" onClick={() => setSelected(new Set())}>
                {t('popup_clearSelection')}
              </button>
            </div>
          )}
          {papers && total === 0 && complete && <p class="empty">{t('popup_emptyLibrary')}</p>}
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
                  <ListRow
                    key={p.id}
                    paper={p}
                    index={item.index}
                    start={item.start}
                    focused={item.index === focus}
                    selected={selected.has(p.id)}
                    tagging={tagging === p.id}
                    tag={tagOf}
                    suggestions={suggestions}
                    actions={actions}
                    measure={measure}
                  />
                );
              })}
            </ul>
          </div>
        </div>
      )}
      <SyncLine />
      {undo.undo && (
        <div class="toast" role="status">
          {undo.undo.papers.length === 1 ? t('popup_removedOne', undo.undo.papers[0].title) : tn('popup_removedCount', undo.undo.papers.length)}
          <button type="button" onClick={() => void undo.takeBack()}>
            {t('popup_undo')}
          </button>
        </div>
      )}
    </div>
  );
}
