/**
 * The digest ranked for the user, on the page: after the cards are annotated
 * (never before), their text goes to the background in batches, which ranks
 * them against the user's tags (background/ranker.ts) off this page's thread;
 * each verdict lands on the card's host (`data-relevance`, `data-suggested`,
 * `data-new`) and in its controls (a meter with the best tag, suggestion
 * buttons, "New", "updated: v3"). Cards that were on screen are reported
 * seen, so the next visit marks only what is new since.
 */
import { testAttr } from './exposure';
import type { CardVerdict, ListedCard, RankReply } from '../shared/rank-wire';
import type { CardControls } from './ui/controls';
import { idOfHost } from './ui/host';
import { showRank } from './ui/rank-view';
import { whenIdle } from './observe';

/** Batches: a 1,000-entry list ranks in five messages, each answered in a few ms of scoring. */
const BATCH = 200;
const SEEN_AFTER_MS = 600;

export interface Rankable {
  controls: CardControls;
  /** What the listing shows of the paper; read only when ranking (never on the annotation's path). */
  read(): ListedCard | null;
}

type Send = {
  rank(cards: ListedCard[]): Promise<RankReply>;
  seen(ids: string[]): Promise<unknown>;
};

export class PageRanking {
  private queue: Rankable[] = [];
  private scheduled = false;
  readonly verdicts = new Map<string, CardVerdict>();
  private seenSent = new Set<string>();
  private seenQueue = new Set<string>();
  private seenTimer: ReturnType<typeof setTimeout> | undefined;
  private visible = new Map<Element, ReturnType<typeof setTimeout>>();
  private io: IntersectionObserver;
  /** Called after each batch is applied (the sort re-sorts). */
  onRanked: () => void = () => {};

  constructor(
    private send: Send,
    signal: AbortSignal,
  ) {
    // A card counts as seen once at least half of it was on screen for a moment (not while scrolling past).
    this.io = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          const host = e.target as HTMLElement;
          if (e.isIntersecting) {
            if (!this.visible.has(host))
              this.visible.set(
                host,
                setTimeout(() => this.markSeen(host), SEEN_AFTER_MS),
              );
          } else {
            clearTimeout(this.visible.get(host));
            this.visible.delete(host);
          }
        }
      },
      { threshold: 0.5 },
    );
    signal.addEventListener('abort', () => {
      this.io.disconnect();
      clearTimeout(this.seenTimer);
    });
  }

  /** Cards not ranked yet: ranked when their controls enter the page (or all at once for the sort). */
  private waiting = new Map<CardControls, Rankable>();
  /** Controls handed to add(), and controls in the page (shown): either may come first (the settings are read late). */
  private added = new WeakSet<CardControls>();
  private inPage = new WeakSet<CardControls>();

  /**
   * Cards just annotated. Reading a card's text costs; a 1,000-entry list is
   * read only where the reader is (and all of it when the sort asks).
   */
  add(items: Rankable[]) {
    const now: Rankable[] = [];
    for (const it of items) {
      const c = it.controls;
      this.added.add(c);
      if (this.inPage.has(c)) this.io.observe(c.host);
      const v = this.verdicts.get(c.id);
      if (v) apply(c, v);
      else if (this.inPage.has(c)) now.push(it);
      else this.waiting.set(c, it);
    }
    if (now.length) this.enqueue(now);
  }

  /**
   * A card's controls entered the page (the annotator's observer: the card neared the viewport,
   * or took focus): it is ranked now, and watched for being seen. No observer of ours watches
   * a card before that.
   */
  shown(c: CardControls) {
    this.inPage.add(c);
    if (!this.added.has(c)) return;
    this.io.observe(c.host);
    const it = this.waiting.get(c);
    if (!it) return;
    this.waiting.delete(c);
    this.enqueue([it]);
  }

  /** Ranks every card still waiting (the sort needs them all); resolves when they are ranked. */
  async rankAll(): Promise<void> {
    const all = [...this.waiting.values()];
    this.waiting.clear();
    if (all.length) await this.flushNow(all);
  }

  private enqueue(items: Rankable[]) {
    this.queue.push(...items);
    if (this.scheduled) return;
    this.scheduled = true;
    // Annotated first, ranked after: an idle moment (or a short delay where there is no idle callback).
    whenIdle(() => void this.flush());
  }

  private async flush() {
    this.scheduled = false;
    await this.flushNow(this.queue.splice(0));
  }

  private async flushNow(items: Rankable[]) {
    const byId = new Map<string, Rankable[]>();
    for (const it of items) {
      if (this.verdicts.has(it.controls.id)) continue;
      const list = byId.get(it.controls.id);
      if (list) list.push(it);
      else byId.set(it.controls.id, [it]);
    }
    const ids = [...byId.keys()];
    for (let i = 0; i < ids.length; i += BATCH) {
      const cards: ListedCard[] = [];
      for (const id of ids.slice(i, i + BATCH)) {
        const card = byId.get(id)![0].read();
        if (card) cards.push(card);
      }
      if (!cards.length) continue;
      let reply: RankReply;
      try {
        reply = await this.send.rank(cards);
      } catch {
        return; // ranking is a bonus: the cards work without it, and the next scan asks again
      }
      for (const [id, v] of Object.entries(reply.cards)) {
        this.verdicts.set(id, v);
        for (const it of byId.get(id) ?? []) apply(it.controls, v);
      }
      this.onRanked();
    }
  }

  private markSeen(host: HTMLElement) {
    this.visible.delete(host);
    this.io.unobserve(host);
    const id = idOfHost(host);
    if (!id || this.seenSent.has(id)) return;
    this.seenSent.add(id);
    this.seenQueue.add(id);
    clearTimeout(this.seenTimer);
    this.seenTimer = setTimeout(() => {
      const ids = [...this.seenQueue];
      this.seenQueue.clear();
      void this.send.seen(ids).catch(() => ids.forEach((x) => this.seenSent.delete(x)));
    }, 400);
  }

  /** "Not relevant" from a key: the verdict changes here at once. */
  dismiss(id: string) {
    const v = this.verdicts.get(id);
    if (v) this.verdicts.set(id, { ...v, notRelevant: true });
  }
}

/** How a verdict reaches the controls: set by content/index.ts (the annotator's tags and its tag write). */
export const view = {
  tagsOf: (_id: string): string[] => [],
  accept: (_c: CardControls, _name: string): void => {},
};

/** Puts a verdict on a card: the controls' display and, in test builds only, host attributes (contracts in docs/architecture.md). */
export function apply(c: CardControls, v: CardVerdict) {
  // The host is in the page's DOM: any script of the page reads its attributes. The user's
  // tag names, relevance and seen marks go there only in test builds, where tests drive them.
  // (Production never reads `c.host` here: that would make a host for a card far from view.)
  if (__PAPERSHELF_TEST_HOOKS__) {
    const h = c.host;
    if (v.relevance !== undefined) {
      testAttr(h, 'data-relevance', String(v.relevance));
      testAttr(h, 'data-suggested', v.suggested.join(','));
    }
    testAttr(h, 'data-new', v.seen ? null : '');
    if (v.notRelevant) testAttr(h, 'data-not-relevant', '');
  }
  showRank(
    c,
    v,
    () => view.tagsOf(c.id),
    (name) => view.accept(c, name),
  );
}
