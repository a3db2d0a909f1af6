/**
 * In the popup (passed to page.evaluate): types each query a letter at a time into the search
 * box, as input events, and times each letter from the event to the list updated in the DOM.
 * Used by popup.mjs (popup.keystroke) and popup-trace.mjs (keys).
 *
 * Each wait for the next task is a MessageChannel message, not setTimeout(0): the loop runs in
 * timers' callbacks, and from the sixth nested setTimeout on the browser holds each one at least
 * 4 ms (the HTML spec's clamp). Until December 2026 the figure counted two of those waits, about
 * 8.4 ms of every keystroke, even one whose answer came in 1 ms and changed nothing.
 *
 * Returns one { q, t0, ms, asked } per letter: asked is when the index's answer was in hand
 * (ms after the event; null when the query had no searchable word yet); ms is when the list was.
 */
export async function typeQueries(queries) {
  const input = document.querySelector('input.search');
  const task = () =>
    new Promise((r) => {
      const c = new MessageChannel();
      c.port1.onmessage = () => r();
      c.port2.postMessage(0);
    });
  const out = [];
  for (const q of queries) {
    for (let i = 1; i <= q.length; i++) {
      const before = performance.getEntriesByName('papershelf:search-answered').length;
      const t0 = performance.now();
      input.value = q.slice(0, i);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      // Settled: the index answered this query (or it has no searchable word yet)…
      const deadline = t0 + 5000;
      while (performance.getEntriesByName('papershelf:search-answered').length === before && performance.now() < deadline && /\w{2}/.test(input.value))
        await task();
      const answered = performance.getEntriesByName('papershelf:search-answered');
      const asked = answered.length > before ? answered[answered.length - 1].startTime - t0 : null;
      // …and Preact, which commits in a microtask after the answer, drew it: a task later the list in the DOM is the new one.
      await task();
      out.push({ q: input.value, t0, ms: performance.now() - t0, asked });
    }
    input.value = '';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((r) => requestAnimationFrame(() => r()));
  }
  return out;
}
