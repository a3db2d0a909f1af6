/**
 * Content capabilities per tab: a content script may act only on the papers
 * its own tab listed, and only so fast. A compromised huggingface.co or
 * arxiv.org renderer can forge any message its content script could send; this
 * ledger keeps what it can reach to what a person browsing that tab could.
 *
 * - Listing (papers.status) is how a tab names its cards: at most LISTED_PER_HOUR
 *   new ids an hour per tab (a 1,000-entry arXiv list is 1,000), so a page cannot
 *   enumerate the library or flood the corpus 5,000 ids a message.
 * - Acting (unsave, untag, status, save, tag, restore, rank, seen, not relevant)
 *   only on ids the tab listed.
 * - Destructive calls (unsave, untag) from a token bucket: DESTRUCTIVE_BURST at
 *   once, then one every DESTRUCTIVE_EVERY_MS, far above a person's pace.
 *
 * The ids a tab listed survive a stopped worker (storage.session, which content
 * scripts cannot read); the counters live in memory and start afresh with it.
 */
export const LISTED_PER_HOUR = 5_000;
/** Ids remembered per tab (the oldest are forgotten first). */
export const IDS_KEPT = 20_000;
export const DESTRUCTIVE_BURST = 10;
export const DESTRUCTIVE_EVERY_MS = 2_000;
const HOUR = 3_600_000;
const KEY = (tabId: number) => `papershelf.tab.${tabId}`;

/** The part of storage.session used here. */
export interface SessionArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(key: string): Promise<void>;
}

interface TabState {
  ids: Set<string>;
  windowStart: number;
  windowCount: number;
  tokens: number;
  tokensAt: number;
}

export type TabLedger = ReturnType<typeof createTabLedger>;

export function createTabLedger(session: SessionArea | null, now: () => number = Date.now) {
  const tabs = new Map<number, Promise<TabState>>();

  const state = (tabId: number): Promise<TabState> => {
    let s = tabs.get(tabId);
    if (!s) {
      s = (session ? session.get(KEY(tabId)).catch(() => ({}) as Record<string, unknown>) : Promise.resolve({} as Record<string, unknown>)).then((r) => {
        const stored = r[KEY(tabId)];
        const ids = Array.isArray(stored) ? stored.filter((x): x is string => typeof x === 'string') : [];
        return { ids: new Set(ids), windowStart: now(), windowCount: 0, tokens: DESTRUCTIVE_BURST, tokensAt: now() };
      });
      tabs.set(tabId, s);
    }
    return s;
  };

  // Written before the listing is answered: a worker stopped right after must still know the
  // tab's cards when it wakes for the user's click (save.e2e.ts, faults.e2e.ts).
  const save = async (tabId: number, s: TabState) => {
    if (session) await session.set({ [KEY(tabId)]: [...s.ids] }).catch(() => {});
  };

  return {
    /** A tab lists ids (its cards). Returns why it is refused, or null. */
    async list(tabId: number, ids: readonly string[]): Promise<string | null> {
      const s = await state(tabId);
      const fresh = [...new Set(ids)].filter((id) => !s.ids.has(id));
      if (!fresh.length) return null;
      const t = now();
      if (t - s.windowStart > HOUR) (s.windowStart = t), (s.windowCount = 0);
      if (s.windowCount + fresh.length > LISTED_PER_HOUR) return `a tab lists at most ${LISTED_PER_HOUR} papers an hour`;
      s.windowCount += fresh.length;
      for (const id of fresh) s.ids.add(id);
      for (const id of s.ids) {
        if (s.ids.size <= IDS_KEPT) break;
        s.ids.delete(id); // insertion order: the oldest first
      }
      await save(tabId, s);
      return null;
    },
    /** Whether the tab listed every one of these ids. */
    async listed(tabId: number, ids: readonly string[]): Promise<boolean> {
      const s = await state(tabId);
      return ids.every((id) => s.ids.has(id));
    },
    /** Takes a destructive call's token; false when the tab goes faster than a person could. */
    async destructive(tabId: number): Promise<boolean> {
      const s = await state(tabId);
      const t = now();
      s.tokens = Math.min(DESTRUCTIVE_BURST, s.tokens + (t - s.tokensAt) / DESTRUCTIVE_EVERY_MS);
      s.tokensAt = t;
      if (s.tokens < 1) return false;
      s.tokens -= 1;
      return true;
    },
    /** The tab closed. */
    forget(tabId: number): void {
      tabs.delete(tabId);
      void session?.remove(KEY(tabId)).catch(() => {});
    },
  };
}
