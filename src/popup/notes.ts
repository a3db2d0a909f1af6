/**
 * Notes are sent keystroke by keystroke over a port; the background writes
 * them to the database debounced, and at once when the port closes. A popup
 * closed mid-sentence has already handed over every character it had.
 */
import browser from 'webextension-polyfill';
import { NOTES_PORT } from '../shared/ports';

let port: browser.Runtime.Port | undefined;

export function sendNote(id: string, note: string): void {
  if (!port) {
    port = browser.runtime.connect({ name: NOTES_PORT });
    port.onDisconnect.addListener(() => (port = undefined));
  }
  port.postMessage({ id, note });
}
