/** The fixture pages and what they hold (test/fixtures/README.md), for the adapter tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIX = join(__dirname, '..', 'fixtures');

export interface Expected {
  url: string;
  count: number;
  cards: { id: string; title: string; authors?: string[]; section?: string; version?: string }[];
}
export const expected: Record<string, Expected> = JSON.parse(readFileSync(join(FIX, 'expected.json'), 'utf8'));

/** Loads a fixture as the document at its real URL. */
export function load(file: string, url = expected[file].url): Document {
  const html = readFileSync(join(FIX, file), 'utf8');
  const doc = new DOMParser().parseFromString(html, 'text/html');
  Object.defineProperty(doc, 'location', { value: new URL(url), configurable: true });
  return doc;
}
