/**
 * Where the library lives and whether the browser may evict it: IndexedDB of
 * the extension's origin, kept under `unlimitedStorage` and asked to be
 * persistent. Also the first place a downgrade shows: a database written by a
 * newer PaperShelf is read by nothing here, and this section says so.
 */
import { useEffect, useState } from 'preact/hooks';
import { openShelf } from '../library/db';

type State = { kind: 'loading' } | { kind: 'ok'; papers: number; persistent: boolean | null; usage?: number } | { kind: 'error'; message: string };

const mb = (bytes?: number) => (bytes === undefined ? '' : ` (${(bytes / 1e6).toFixed(1)} MB used)`);

async function persisted(): Promise<boolean | null> {
  if (!navigator.storage?.persisted) return null;
  if (await navigator.storage.persisted()) return true;
  // Chrome grants it at once to an extension with unlimitedStorage; Firefox may too.
  return navigator.storage.persist ? navigator.storage.persist().catch(() => false) : false;
}

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
      setState({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  };
  useEffect(() => void read(), []);

  return (
    <section id="storage" aria-labelledby="storage-h">
      <h2 id="storage-h">Your library</h2>
      {state.kind === 'loading' ? (
        <p>Reading your library…</p>
      ) : state.kind === 'error' ? (
        <p class="error" role="alert" data-testid="library-error">
          {state.message}
        </p>
      ) : (
        <>
          <p data-testid="library-count">
            {state.papers} saved paper{state.papers === 1 ? '' : 's'}, kept in this browser's extension storage (IndexedDB){mb(state.usage)}.
          </p>
          <p role="status" data-testid="persistence">
            {state.persistent === true
              ? 'Storage is persistent: the browser will not clear your library to free disk space.'
              : state.persistent === false
                ? 'Storage is not marked persistent: under disk pressure the browser may clear it. Keep a backup (Export → PaperShelf backup).'
                : 'This browser does not say whether storage is persistent. Keep a backup (Export → PaperShelf backup).'}
          </p>
        </>
      )}
    </section>
  );
}
