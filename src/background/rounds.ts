/**
 * What both sync transports' background runners share (syncer.ts for storage.sync,
 * webdav-syncer.ts for a WebDAV folder): rounds one at a time, debounced requests,
 * and the backoff after failures, counted in storage.local so that a worker stopped
 * between a failure and its retry still waits longer the next time.
 */
import type browser from 'webextension-polyfill';

const MINUTE = 60_000;

/** Backoff after the n-th failure in a row (n from 1): 30 s doubling, capped at an hour; a write-rate error waits at least its window. */
export function retryDelay(failures: number, error: string): number {
  const backoff = Math.min(60 * MINUTE, 30_000 * 2 ** Math.max(0, failures - 1));
  if (/PER_HOUR/i.test(error)) return Math.max(backoff, 60 * MINUTE);
  if (/PER_MINUTE|rate limit/i.test(error)) return Math.max(backoff, MINUTE);
  return backoff;
}

type Local = Pick<browser.Storage.StorageArea, 'get' | 'set'>;

/** Failures in a row under `key`: `failed` counts one and returns the delay before the retry; `succeeded` resets the count. */
export function backoff(local: Local, key: string) {
  return {
    async failed(error: string): Promise<number> {
      const failures = (((await local.get(key))[key] as number | undefined) ?? 0) + 1;
      await local.set({ [key]: failures });
      return retryDelay(failures, error);
    },
    succeeded: () => local.set({ [key]: 0 }),
  };
}

/**
 * Runs `round` one at a time: `now()` during a round returns that round and queues one more
 * (however many ask); `request(delay)` runs one after `delay` ms without another request.
 */
export function serialRounds<T>(round: () => Promise<T>, what: string) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<T> | null = null;
  let again = false;
  const fail = (e: unknown) => console.error(`PaperShelf: ${what}`, e);
  const now = (): Promise<T> => {
    if (running) {
      again = true;
      return running;
    }
    running = round().finally(() => {
      running = null;
      if (again) {
        again = false;
        void now().catch(fail);
      }
    });
    return running;
  };
  return {
    now,
    request(delay: number) {
      clearTimeout(timer);
      timer = setTimeout(() => void now().catch(fail), delay);
    },
  };
}
