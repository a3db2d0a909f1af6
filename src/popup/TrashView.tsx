/**
 * "Recently removed": the trash (library/trash.ts), the most recently removed
 * first, each paper with when it went, its tags and a Restore button; Restore
 * all. A restore is a write of this page: through the library, in one
 * transaction, then one broadcast (the background hears it and syncs). Follows
 * the change broadcast, so removals made on cards or in other tabs show here.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type { Shelf } from '../library/db';
import { listTrash, restoreFromTrash, TRASH_DAYS, type TrashEntry } from '../library/trash';
import { broadcast } from '../library/broadcast';
import { CHANGE_KEY } from '../shared/messages';
import { absUrl, hfUrl, type Tag } from '../shared/model';
import { lang, t, tn } from '../shared/i18n';
import { ago } from './ago';
import { errorText } from '../shared/errors';

/** Rows drawn at most: a bulk removal of thousands is restored with "Restore all", not read row by row. */
const SHOWN = 300;

let relative: Intl.RelativeTimeFormat | undefined;
function removedWhen(at: number, now: number): string {
  const a = ago(at, now);
  if (!a) return t('popup_trashRemovedJustNow');
  relative ??= new Intl.RelativeTimeFormat(lang(), { numeric: 'auto' });
  return t('popup_trashRemovedAgo', relative.format(...a));
}

export function TrashView({ db, tag }: { db: () => Promise<Shelf>; tag: (key: string) => Tag | undefined }) {
  const [entries, setEntries] = useState<TrashEntry[] | null>(null);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  /** A restore is under way: a second press waits for it (restoring twice is harmless, but says "restored 0"). */
  const busy = useRef(false);
  const list = useRef<HTMLUListElement>(null);
  /** The row whose Restore had focus: focus goes to the row that takes its place. */
  const refocusAt = useRef<number | null>(null);

  const read = useCallback(async () => {
    try {
      setEntries(await listTrash(await db()));
    } catch (e) {
      setError(t('popup_errLoadTrash', errorText(e)));
    }
  }, [db]);

  useEffect(() => {
    void read();
    const onChange = (changes: Record<string, browser.Storage.StorageChange>, area: string) => {
      if (area === 'local' && changes[CHANGE_KEY]?.newValue) void read();
    };
    browser.storage.onChanged.addListener(onChange);
    return () => browser.storage.onChanged.removeListener(onChange);
  }, [read]);

  useLayoutEffect(() => {
    const at = refocusAt.current;
    if (at === null || !entries) return;
    refocusAt.current = null;
    const buttons = list.current?.querySelectorAll<HTMLButtonElement>('button') ?? [];
    if (buttons.length) buttons[Math.min(at, buttons.length - 1)].focus();
    else document.getElementById('tab-trash')?.focus();
  }, [entries]);

  const restore = async (ids: string[], title?: string, at?: number) => {
    if (busy.current) return;
    busy.current = true;
    try {
      const d = await db();
      const restored = await restoreFromTrash(d, ids);
      if (restored.length) await broadcast(d, restored, true, 'page');
      setStatus(title !== undefined ? t('popup_trashRestoredOne', title) : tn('popup_trashRestoredCount', restored.length));
      setError('');
      refocusAt.current = at ?? 0;
      await read();
    } catch (e) {
      setError(t('popup_errRestore', errorText(e)));
    } finally {
      busy.current = false;
    }
  };

  const now = Date.now();
  return (
    <>
      <p class="sr-only" role="status">
        {status}
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {entries && (
        <div class="trash-head">
          <p>{tn('popup_trashKept', TRASH_DAYS)}</p>
          {entries.length > 0 && (
            <button type="button" class="small" onClick={() => void restore(entries.map((e) => e.id))}>
              {t('popup_trashRestoreAll')}
            </button>
          )}
        </div>
      )}
      {entries && !entries.length && <p class="empty">{t('popup_trashEmpty')}</p>}
      {entries && entries.length > 0 && (
        <ul class="trash" ref={list} aria-label={t('popup_trashLabel')}>
          {entries.slice(0, SHOWN).map(({ id, removedAt, paper }, i) => (
            <li key={id} class="row trash-row">
              <div class="main">
                <a class="title" href={paper.source === 'arxiv' ? absUrl(id) : hfUrl(id)} target="_blank" rel="noopener noreferrer">
                  {paper.title}
                </a>
                <div class="meta">
                  <span>{removedWhen(removedAt, now)}</span>
                </div>
                {paper.tags.length > 0 && (
                  <div class="actions">
                    {paper.tags.map((key) => (
                      <span class="chip plain" key={key} style={{ '--hue': tag(key)?.hue ?? 0 }}>
                        {tag(key)?.name ?? key}
                      </span>
                    ))}
                  </div>
                )}
              </div>
              <button type="button" class="small restore" title={t('popup_trashRestoreTitled', paper.title)} onClick={() => void restore([id], paper.title, i)}>
                {t('popup_trashRestore')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {entries && entries.length > SHOWN && <p class="empty">{tn('popup_trashMore', entries.length - SHOWN)}</p>}
    </>
  );
}
