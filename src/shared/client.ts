/**
 * Typed callers for the message API, for the content script, popup and options.
 * A message that goes unanswered (the worker was stopped and is starting again,
 * or it was just updated) is retried a few times: every write is idempotent by
 * paper id, so a retry never saves twice.
 */
import { ext as browser } from './ext';
import type { Envelope, MessageName, Request, Responses, Result } from './messages';
import { errorText } from './errors';

export class ShelfError extends Error {}

/** The extension was reloaded or updated under this content script: it can no longer talk. */
export class ContextGone extends ShelfError {}

const RETRIES = [50, 200, 800];

export function contextAlive(): boolean {
  try {
    return Boolean(browser.runtime?.id);
  } catch {
    return false;
  }
}

export async function send<N extends MessageName>(name: N, body: Request<N>): Promise<Responses[N]> {
  const envelope: Envelope = { papershelf: 1, name, body };
  let lastError = 'no answer';
  for (let attempt = 0; ; attempt++) {
    if (!contextAlive()) throw new ContextGone('PaperShelf was updated: reload the page');
    try {
      const res = (await browser.runtime.sendMessage(envelope)) as Result<Responses[N]> | undefined;
      if (res && typeof res === 'object' && 'ok' in res) {
        if (res.ok) return res.value;
        throw new ShelfError(res.error); // an answer: retrying would get the same one
      }
    } catch (e) {
      if (e instanceof ShelfError) throw e;
      const msg = errorText(e);
      if (/context invalidated/i.test(msg)) throw new ContextGone('PaperShelf was updated: reload the page');
      lastError = msg;
    }
    if (attempt >= RETRIES.length) throw new ShelfError(`PaperShelf did not answer (${lastError})`);
    await new Promise((r) => setTimeout(r, RETRIES[attempt]));
  }
}
