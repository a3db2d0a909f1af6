/**
 * The popup's search: the index in IndexedDB (library/search.ts) asked as the
 * user types, from the input handler itself (an effect would wait for the next
 * frame first), a newer answer never losing to an older one. Takes over the
 * first paint's last answer (first-paint.ts), so nothing flashes.
 */
import { useCallback, useMemo, useRef, useState } from 'preact/hooks';
import type { Shelf } from '../library/db';
import { getPapers } from '../library/papers';
import { Searcher } from '../library/search';
import type { Paper } from '../shared/model';
import { t } from '../shared/i18n';
import type { FirstPaint } from './first-paint';
import type { Hits } from '../shared/query';
import { errorText } from '../shared/errors';
import type { SearchFirst } from './search-first';

export function useSearch(db: () => Promise<Shelf>, complete: boolean, first: FirstPaint | null, onError: (text: string) => void, searchFirst?: SearchFirst) {
  const searcher = useMemo(() => new Searcher(db), [db]);
  /** Search results for a query (ids, best first); null ids: the query has no searchable word. */
  const [hits, setHits] = useState<Hits | null>(first?.hits ?? null);
  /** Papers read for search hits before the whole list arrived. */
  const [extra, setExtra] = useState<Map<string, Paper>>(() => new Map((first?.found ?? []).map((p) => [p.id, p])));
  const completeRef = useRef(complete);
  completeRef.current = complete;
  const seq = useRef(0);
  const fail = useRef(onError);
  fail.current = onError;

  /** Asks the index for `query`; the answer lands in `hits`. */
  const search = useCallback(
    (query: string) => {
      const q = query.trim();
      const mine = ++seq.current;
      if (!q) return setHits(null);
      void (async () => {
        try {
          const read = async () => {
            const ids = await searcher.search(q);
            // Opened a moment ago, the whole list not read yet: the best hits are read by id, so the answer need not wait for it.
            if (ids?.length && !completeRef.current) {
              const found = await getPapers(await db(), ids.slice(0, 200));
              if (mine === seq.current) setExtra((m) => new Map([...m, ...found.map((p) => [p.id, p] as const)]));
            }
            return ids;
          };
          // The library's bulk reads wait while this one reads (search-first.ts).
          const ids = await (searchFirst ? searchFirst.during(read) : read());
          if (mine !== seq.current) return;
          setHits({ query: q, ids });
          performance.mark('papershelf:search-answered');
        } catch (e) {
          fail.current(t('popup_searchFailed', errorText(e)));
        }
      })();
    },
    [searcher, db, searchFirst],
  );

  /** The library changed: what was read is forgotten, and `query` asked again. */
  const again = useCallback(
    (query: string) => {
      searcher.invalidate();
      search(query);
    },
    [searcher, search],
  );

  return { hits, extra, search, again };
}
