/**
 * Where the library lives and whether the browser may evict it: IndexedDB of
 * the extension's origin, kept under `unlimitedStorage` and asked to be
 * persistent. Also the first place a downgrade shows: a database written by a
 * newer PaperShelf is read by nothing here, and this section says so.
 */
import { useEffect, useState } from 'preact/hooks';
import { openShelf } from '../library/db';
import { lang, t, tn } from '../shared/i18n';
import { testId } from '../ui/test-id';
import { errorText } from '../shared/errors';
import { persisted } from '../shared/persisted';

type State = { kind: 'loading' } | { kind: 'ok'; papers: number; persistent: boolean | null; usage?: number } | { kind: 'error'; message: string };

/** Megabytes with one decimal, in the user's number format. */
const mb = (bytes: number) => new Intl.NumberFormat(lang(), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(bytes / 1e6);

export function StorageSection() {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const read = async () => {
    try {
      const db = await openShelf();
      const papers = await db.count('papers');
      db.close();
      const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
      setState({ kind: 'ok', papers, persistent: await persisted(), usage: estimate?.usage });
    } catch (e) {
      setState({ kind: 'error', message: errorText(e) });
    }
  };
  useEffect(() => void read(), []);

  return (
    <section id="storage" aria-labelledby="storage-h">
      <h2 id="storage-h">{t('options_storageHeading')}</h2>
      {state.kind === 'loading' ? (
        <p>{t('options_storageReading')}</p>
      ) : state.kind === 'error' ? (
        <p class="error" role="alert" {...testId('library-error')}>
          {state.message}
        </p>
      ) : (
        <>
          <p {...testId('library-count')}>
            {state.usage === undefined ? tn('options_libraryCount', state.papers) : tn('options_libraryCountUsage', state.papers, mb(state.usage))}
          </p>
          <p role="status" {...testId('persistence')}>
            {state.persistent === true
              ? t('options_storagePersistent')
              : state.persistent === false
                ? t('options_storageNotPersistent')
                : t('options_storageUnknown')}
          </p>
        </>
      )}
    </section>
  );
}
