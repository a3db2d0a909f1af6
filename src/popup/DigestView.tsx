/**
 * The Digest: papers listed on the pages you read in the last days that you
 * have neither saved nor marked "not relevant", unseen ones first, then by
 * relevance to your tags (background/ranker.ts). Save or dismiss from here.
 */
import { useEffect, useState } from 'preact/hooks';
import { send } from '../shared/client';
import type { DigestEntry } from '../shared/messages';
import { hfUrl } from '../shared/model';
import { shortAuthors } from './Row';
import { t, tn } from '../shared/i18n';
import { errorText } from '../shared/errors';

const DAYS = 3;

export function DigestView() {
  const [rows, setRows] = useState<DigestEntry[] | null>(null);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  const load = () =>
    send('digest.list', { days: DAYS }).then(
      (r) => setRows(r),
      (e) => setError(t('popup_digestLoadFailed', errorText(e))),
    );
  useEffect(() => void load(), []);

  const act = async (row: DigestEntry, what: 'save' | 'dismiss') => {
    try {
      if (what === 'save') {
        await send('paper.save', { ref: { id: row.id, title: row.title, authors: row.authors, url: hfUrl(row.id), source: 'hf' } });
        setStatus(t('popup_digestSaved', row.title));
      } else {
        await send('paper.notRelevant', { card: { id: row.id, title: row.title, authors: row.authors }, on: true });
        setStatus(t('popup_digestDismissed', row.title));
      }
      setRows((rs) => rs?.filter((r) => r.id !== row.id) ?? rs);
    } catch (e) {
      setError(errorText(e));
    }
  };

  if (error)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  if (!rows) return <p class="empty">{tn('popup_digestRanking', DAYS)}</p>;
  if (!rows.length) return <p class="empty">{tn('popup_digestEmpty', DAYS)}</p>;
  return (
    <>
      <p class="sr-only" role="status">
        {status}
      </p>
      <ul class="digest" aria-label={t('popup_digestLabel')}>
        {rows.map((r) => (
          <li key={r.id} class="row digest-row">
            <div class="main">
              <a class="title" href={hfUrl(r.id)} target="_blank" rel="noopener noreferrer">
                {r.title}
              </a>
              <div class="meta">
                {!r.seen && <span class="new">{t('popup_new')}</span>}
                {r.relevance !== undefined && (
                  <span class="relevance" title={r.why.length ? t('popup_becauseOf', r.why.join(', ')) : undefined}>
                    <meter
                      min={0}
                      max={1}
                      value={r.relevance}
                      aria-label={
                        r.bestTag ? t('popup_relevanceClosest', Math.round(r.relevance * 100), r.bestTag) : t('popup_relevance', Math.round(r.relevance * 100))
                      }
                    />{' '}
                    {r.bestTag}
                  </span>
                )}
                {r.authors.length > 0 && <span>{shortAuthors(r.authors)}</span>}
                {r.version && <span>{r.version}</span>}
              </div>
            </div>
            <div class="digest-actions">
              <button type="button" class="small" onClick={() => void act(r, 'save')} aria-label={t('popup_saveTitled', r.title)}>
                {t('popup_digestSave')}
              </button>
              <button type="button" class="small" onClick={() => void act(r, 'dismiss')} aria-label={t('popup_notRelevantTitled', r.title)}>
                {t('popup_notRelevant')}
              </button>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
