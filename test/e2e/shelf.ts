/**
 * The library as a test sets it up, through the test build's messages (shared/messages.ts
 * testRequests) sent from one of our pages (an extension page: the popup, say), so that each
 * `it` starts from a state of its own instead of the one the test before it left.
 */
import { expect } from 'vitest';
import type { Tab } from './session';

/** Sends one of our messages from an extension page open in `tab`; the answer is `{ ok, value | error }`. */
export function message<T = unknown>(tab: Tab, name: string, body: unknown): Promise<{ ok: boolean; value: T; error?: string }> {
  return tab.evaluate(
    ([n, b]) => {
      const g = globalThis as any;
      return (g.browser ?? g.chrome).runtime.sendMessage({ papershelf: 1, name: n, body: b });
    },
    [name, body] as const,
  ) as never;
}

export interface Seed {
  id: string;
  title: string;
  authors?: string[];
  /** Tag names (each becomes a tag record, key = lower case). */
  tags?: string[];
  status?: 'to-read' | 'reading' | 'read';
  note?: string;
}

/**
 * Empties the library (every paper to Recently removed, every tag deleted), then stores `papers`
 * with their tags; the last one is the newest (the popup lists it first).
 */
export async function resetLibrary(tab: Tab, papers: Seed[] = []): Promise<void> {
  const list = await message<{ id: string }[]>(tab, 'papers.list', {});
  expect(list.ok, list.error).toBe(true);
  // Also when the library is empty already (a removal of nothing is answered ok), so the check always runs.
  const removed = await message(tab, 'papers.remove', { ids: list.value.map((p) => p.id) });
  expect(removed.ok, removed.error).toBe(true);
  const tags = await message<{ tag: { key: string } }[]>(tab, 'tags.list', {});
  expect(tags.ok, tags.error).toBe(true);
  for (const t of tags.value) expect((await message(tab, 'tags.delete', { key: t.tag.key })).ok).toBe(true);
  if (!papers.length) return;
  const at = Date.now() - papers.length * 1000;
  const names = [...new Set(papers.flatMap((p) => p.tags ?? []))];
  if (names.length) {
    const t = await message(tab, 'library.import', { papers: [], tags: names.map((n) => ({ key: n.toLowerCase(), name: n, hue: 200 })) });
    expect(t.ok, t.error).toBe(true);
  }
  // Stored as given (an undo's write): an import would date a paper removed before as saved now.
  const r = await message(tab, 'papers.restore', {
    papers: papers.map((p, i) => ({
      id: p.id,
      title: p.title,
      authors: p.authors ?? [],
      url: `https://huggingface.co/papers/${p.id}`,
      source: 'hf',
      savedAt: at + i * 1000,
      updatedAt: at + i * 1000,
      tags: (p.tags ?? []).map((n) => n.toLowerCase()),
      status: p.status ?? 'to-read',
      note: p.note ?? '',
    })),
  });
  expect(r.ok, r.error).toBe(true);
}
