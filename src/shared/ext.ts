/**
 * The extension API for the content script, without webextension-polyfill
 * (3 kB of the content script's 15 kB budget): Firefox gives `browser`, Chrome
 * gives `chrome`, and under Manifest V3 both return promises for what the
 * content script calls (runtime.sendMessage, storage.local.get, and events).
 * Typed as the polyfill's `browser`, which is the same API.
 */
import type Browser from 'webextension-polyfill';

const g = globalThis as unknown as { browser?: typeof Browser; chrome?: typeof Browser };
export const ext: typeof Browser = (g.browser ?? g.chrome)!;
