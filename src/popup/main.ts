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
  const { mount } = await import('./App');
  await mount(document.getElementById('app')!, first);
}

void start();
