/**
 * The one path every committed write takes afterwards, whoever made it (docs/architecture.md,
 * "Who writes, and the way back"): the background's message handlers, the notes Port, the
 * ranker, sync and WebDAV call it directly; a write one of our pages made itself (import,
 * restore, undo) reaches it through that page's broadcast, which the background hears.
 *
 * What follows a write: the ranking is out of date; the other devices want it (unless it came
 * from them); the open pages and cards hear what changed (unless the page that wrote told them
 * already); the badge counts again. Each effect may fail on its own (storage quota, a closed
 * window) without undoing the write: failures are logged, never thrown.
 */

/** Who made the write. */
export type Writer =
  /** The background (a message, the notes Port, a link save, the ranker): it broadcasts. */
  | 'background'
  /** One of our pages, which wrote and broadcast itself. */
  | 'page'
  /** A sync round (storage.sync or WebDAV): what came from other devices is not sent back at once. */
  | 'sync'
  /**
   * A mark on the ranking's data, not the library (a card's "not relevant", library/corpus.ts):
   * the ranking is redone and the mark goes out (WebDAV carries it), but no page shows it, so
   * nothing is broadcast and the badge does not change.
   */
  | 'corpus';

export interface AfterWriteEffects {
  /** Ask both sync transports for a round. */
  requestSync(): void;
  invalidateRanking(): void;
  /** Tell every context what changed (library/broadcast.ts). */
  broadcast(ids: string[], tags: boolean): Promise<unknown>;
  updateBadge(): Promise<void>;
  log(what: string, e: unknown): void;
}

export function createAfterWrite(fx: AfterWriteEffects) {
  return async function afterWrite(writer: Writer, ids: string[], tags = false): Promise<void> {
    if (writer !== 'sync') fx.requestSync();
    fx.invalidateRanking();
    if (writer === 'corpus') return;
    const results = await Promise.allSettled([writer === 'page' ? undefined : fx.broadcast(ids, tags), fx.updateBadge()]);
    for (const r of results) if (r.status === 'rejected') fx.log('after a stored write', r.reason);
  };
}
