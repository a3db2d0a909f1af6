/**
 * The popup's module entry: loads the review UI (App.tsx) once the first
 * paint (first-paint.ts, a classic script that ran before this one) has drawn
 * its rows, and hands it over. Alone, without the first paint (the script
 * failed to load), the review UI still opens.
 */
import type { FirstPaint } from './first-paint';

async function start() {
  const first: FirstPaint | null = window.papershelfFirstPaint ?? null;
  await first?.painted.catch(() => {});
  // A search typed meanwhile is answered first: loading the review UI (its code, then 10,000 papers)
  // would hold that answer back on a loaded machine.
  await first?.idle();
  // Test builds: ?hold keeps the review UI from loading until the test calls papershelfLoadReviewUi(),
  // so a test types into the first paint and sees the takeover (test/e2e/first-paint.e2e.ts).
  if (__PAPERSHELF_TEST_HOOKS__ && new URLSearchParams(location.search).has('hold')) {
    await new Promise<void>((release) => ((window as unknown as { papershelfLoadReviewUi: () => void }).papershelfLoadReviewUi = release));
  }
  const { mount } = await import('./App');
  await mount(document.getElementById('app')!, first);
}

void start();
