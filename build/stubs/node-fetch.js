/**
 * Browser stand-in for node-fetch, aliased in vite.config.ts.
 *
 * @citation-js/core imports node-fetch for Node.js, but in a browser (and in an
 * extension service worker) it calls the global fetch/Headers instead. Bundling
 * the real node-fetch only pulled node:http, node:zlib, node:stream… into the
 * options page as empty externals, with one build warning each. PaperShelf never
 * fetches anything through citation-js: it only parses BibTeX text.
 */
export default function fetch(...args) {
  return globalThis.fetch(...args);
}
export const Headers = globalThis.Headers;
