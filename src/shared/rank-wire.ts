/**
 * What a listing's cards and the ranking say to each other (messages `cards.rank`,
 * `paper.notRelevant`, `digest.list`): the content script, the popup, the background and
 * the library all read these, so they live here, not in one of them.
 */

/** A card as a listing shows it: what the ranking reads and the corpus keeps (shared/messages.ts ListedCardSchema checks it). */
export interface ListedCard {
  id: string;
  title: string;
  authors: string[];
  abstract?: string;
  version?: string;
}

export interface CardVerdict {
  /** In [0, 1]; absent while no tag has a model. */
  relevance?: number;
  /** Display name of the best tag. */
  bestTag?: string;
  /** Display names, best first, at most 3. */
  suggested: string[];
  /** The words that weighed most for the best tag. */
  why: string[];
  seen: boolean;
  notRelevant: boolean;
  /** Newest version a listing showed. */
  version?: string;
  /** Saved, and listed now with a newer version than the one saved ("v3"). */
  updated?: string;
}

export interface RankReply {
  /** Tags with a model. */
  models: number;
  cards: Record<string, CardVerdict>;
}
