/**
 * The background: the only owner of the database. Listeners are registered at
 * the top level, synchronously, so that a worker woken by a message (Chrome
 * service worker, Firefox event page) has them before the event is dispatched.
 * Nothing here may rely on memory surviving between events: the worker can be
 * stopped at any time.
 */
import browser from 'webextension-polyfill';
import { openShelf, type Shelf } from '../shared/db';
import { CHANGE_KEY, isEnvelope, parseRequest, type Change, type MessageName, type Request, type Responses, type Result } from '../shared/messages';
import { countPapers, listPapers, savePaper, statusOf, unsavePaper } from './papers';
import { senderAllowed, type SenderLike } from './sender';

let dbPromise: Promise<Shelf> | undefined;
const db = () => (dbPromise ??= openShelf().catch((e) => {
  dbPromise = undefined; // let the next message try again
  throw e;
}));

type Handlers = { [N in MessageName]: (req: Request<N>) => Promise<Responses[N]> };

const handlers: Handlers = {
  'papers.status': async ({ ids }) => statusOf(await db(), ids),
  'paper.save': async ({ ref }) => {
    const paper = await savePaper(await db(), ref);
    await changed({ [ref.id]: { saved: true } });
    return paper;
  },
  'paper.unsave': async ({ id }) => {
    const removed = await unsavePaper(await db(), id);
    if (removed) await changed({ [id]: { saved: false } });
    return { removed };
  },
  'papers.list': async () => listPapers(await db()),
};

/** Tells every tab, popup and options page what changed, and updates the badge. */
async function changed(papers: Change['papers']): Promise<void> {
  const change: Change = { seq: Date.now() + Math.random(), papers };
  await Promise.all([browser.storage.local.set({ [CHANGE_KEY]: change }), updateBadge()]);
}

async function updateBadge(): Promise<void> {
  const n = await countPapers(await db());
  await browser.action.setBadgeText({ text: n ? String(n) : '' });
  await browser.action.setBadgeBackgroundColor({ color: '#4b5563' });
}

export async function handle(message: unknown, sender: SenderLike): Promise<Result<unknown>> {
  const refused = senderAllowed(sender, browser.runtime.id, browser.runtime.getURL(''));
  if (refused) return { ok: false, error: `refused: ${refused}` };
  if (!isEnvelope(message)) return { ok: false, error: 'refused: not a PaperShelf message' };
  const parsed = parseRequest(message.name, message.body);
  if (!parsed.ok) return parsed;
  try {
    const handler = handlers[parsed.value.name] as (req: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.value.body) };
  } catch (e) {
    console.error('PaperShelf:', parsed.value.name, e);
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
  // Not ours (another listener's traffic): leave it unanswered.
  if (!isEnvelope(message)) return undefined;
  return handle(message, sender);
});

browser.runtime.onInstalled.addListener(() => void updateBadge().catch(console.error));
browser.runtime.onStartup.addListener(() => void updateBadge().catch(console.error));

