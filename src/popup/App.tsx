/** The toolbar popup: the saved papers, newest first. Talks to the background only through messages. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { send } from '../shared/client';
import { CHANGE_KEY } from '../shared/messages';
import { hfUrl, absUrl, type Paper } from '../shared/model';

const dateFmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

export function shortAuthors(authors: string[]): string {
  if (authors.length <= 3) return authors.join(', ');
  return `${authors.slice(0, 2).join(', ')} et al. (${authors.length})`;
}

export function App() {
  const [papers, setPapers] = useState<Paper[] | null>(null);
  const [error, setError] = useState('');

  const load = useCallback(async () => {
    try {
      setPapers(await send('papers.list', {}));
      setError('');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, []);

  useEffect(() => {
    void load();
    const onChange = (changes: Record<string, browser.Storage.StorageChange>, area: string) => {
      if (area === 'local' && changes[CHANGE_KEY]) void load();
    };
    browser.storage.onChanged.addListener(onChange);
    return () => browser.storage.onChanged.removeListener(onChange);
  }, [load]);

  const remove = async (p: Paper) => {
    setPapers((list) => list && list.filter((x) => x.id !== p.id));
    try {
      await send('paper.unsave', { id: p.id });
    } catch (e) {
      setError(`Could not remove "${p.title}": ${e instanceof Error ? e.message : String(e)}`);
      void load();
    }
  };

  return (
    <>
      <header>
        <h1>PaperShelf</h1>
        {papers && <span class="count">{papers.length} saved</span>}
      </header>
      {error && <p class="error" role="alert">{error}</p>}
      {papers && papers.length === 0 && (
        <p class="empty">Nothing saved yet. Open Hugging Face Papers and press “Save” on a paper card.</p>
      )}
      {papers && papers.length > 0 && (
        <ul aria-label="Saved papers">
          {papers.map((p) => (
            <li key={p.id}>
              <a class="title" href={p.source === 'arxiv' ? absUrl(p.id) : hfUrl(p.id)} target="_blank" rel="noopener noreferrer">
                {p.title}
              </a>
              <button type="button" class="remove" aria-label="Remove" title={`Remove “${p.title}”`} onClick={() => void remove(p)}>
                Remove
              </button>
              <span class="meta">
                {shortAuthors(p.authors)}
                {p.authors.length ? ' · ' : ''}saved {dateFmt.format(p.savedAt)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
