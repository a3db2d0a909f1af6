/**
 * The popup's reads, searches first (issue 20). IndexedDB answers a page's requests one after the
 * other: a search typed while the popup reads its whole library (ten slices of 1,000 papers) and
 * its tags' counts (a count per tag) waited behind every request already sent. The bulk reads
 * now ask for their `turn()` before each request, which waits while a search is reading
 * (`during`); a search then waits for at most the one bulk request on its way.
 */
export class SearchFirst {
  private reading = 0;
  private waiting: (() => void)[] = [];

  /** Runs a search's reads; bulk reads wait until it settles. */
  async during<T>(read: () => Promise<T>): Promise<T> {
    this.reading++;
    try {
      return await read();
    } finally {
      if (--this.reading === 0) for (const go of this.waiting.splice(0)) go();
    }
  }

  /** Settles once no search is reading: a bulk read's next request goes then. */
  turn(): Promise<void> {
    return this.reading === 0 ? Promise.resolve() : new Promise((go) => this.waiting.push(go));
  }
}
