/**
 * How Chromium's storage gives values back: as its own dictionaries, so every object comes
 * back with its keys sorted ({v, k, at, d} is read as {at, d, k, v}). The storage.sync fakes
 * of the unit tests read back this way, so a comparison that depends on key order fails here
 * as it did in the browser (src/library/sync-read.ts sortedJson).
 */

/** A JSON.parse reviver giving objects their keys in sorted order. */
export const sortedObject = (_k: string, v: unknown): unknown =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
    ? Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, (v as Record<string, unknown>)[k]]),
      )
    : v;

/** A deep copy of `x` as Chromium's storage would give it back. */
export const asChromiumReadsIt = <T>(x: T): T => JSON.parse(JSON.stringify(x), sortedObject) as T;
