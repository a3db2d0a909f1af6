/**
 * The receiving end of popup/notes.ts: every keystroke arrives here; the
 * database write waits for a pause in typing (NOTE_DEBOUNCE_MS) or for the
 * popup to close, whichever comes first. The port keeps the worker alive while
 * the popup is open, so the pending note never outlives it.
 */
import type browser from 'webextension-polyfill';
import { parseRequest } from '../shared/messages';

export const NOTE_DEBOUNCE_MS = 400;

export function acceptNotes(port: browser.Runtime.Port, write: (id: string, note: string) => Promise<void>, refused: string | null): void {
  if (refused) {
    console.warn(`PaperShelf: notes port refused: ${refused}`);
    port.disconnect();
    return;
  }
  const pending = new Map<string, string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    clearTimeout(timer);
    for (const [id, note] of pending) void write(id, note).catch((e) => console.error('PaperShelf: note not saved', e));
    pending.clear();
  };
  port.onMessage.addListener((message: unknown) => {
    const parsed = parseRequest('paper.setNote', message);
    if (!parsed.ok) return console.warn(`PaperShelf: ${parsed.error}`);
    const { id, note } = parsed.value.body as { id: string; note: string };
    pending.set(id, note);
    clearTimeout(timer);
    timer = setTimeout(flush, NOTE_DEBOUNCE_MS);
  });
  port.onDisconnect.addListener(flush);
}
