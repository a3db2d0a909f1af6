/** At most one metadata request a second, whatever the number of saves: one queue per worker. */

export interface Limiter {
  /** Runs `task` once every task scheduled before it has started and at least `interval` ms after the last one started; null when too many are waiting. */
  <T>(task: () => Promise<T>): Promise<T | null>;
  /** Tasks scheduled and not started yet. */
  readonly waiting: number;
}

/**
 * At most one task start per `interval` ms, in order. Tasks are short (each
 * fetch has a timeout), so one that hangs cannot hold the queue for long. Past
 * `maxWaiting` queued tasks a new one is refused at once (null): a burst of
 * saves is not worth a queue of minutes.
 */
export function createLimiter(
  interval = 1000,
  maxWaiting = 30,
  now = () => Date.now(),
  sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
): Limiter {
  let next = 0;
  let tail: Promise<unknown> = Promise.resolve();
  let waiting = 0;
  const schedule = <T>(task: () => Promise<T>): Promise<T | null> => {
    if (waiting >= maxWaiting) return Promise.resolve(null);
    waiting++;
    const run = async () => {
      const wait = next - now();
      if (wait > 0) await sleep(wait);
      waiting--;
      next = now() + interval;
      return task();
    };
    const p = tail.then(run, run);
    tail = p.catch(() => undefined);
    return p;
  };
  return Object.defineProperty(schedule, 'waiting', { get: () => waiting }) as Limiter;
}
