/**
 * Settings and statuses in storage.local: one way to read them. Each is a key
 * and a schema; whatever is stored (another version's shape, a value another
 * extension version left, nothing at all) reads as a valid value, or as the
 * fallback when it does not parse. Writers are the background and our pages.
 */
import * as v from 'valibot';

export interface Stored<T> {
  readonly key: string;
  /** What is stored under `key`, checked: the fallback when absent or not of the schema's shape. */
  read(raw: unknown): T;
}

export function stored<T, F = T>(key: string, schema: v.GenericSchema<unknown, T>, fallback: F): Stored<T | F> {
  return {
    key,
    read: (raw) => {
      const r = v.safeParse(schema, raw);
      return r.success ? r.output : fallback;
    },
  };
}

/** storage.local, or a fake of it in tests. */
export interface LocalArea {
  get(keys: string | string[]): Promise<Record<string, unknown>>;
}

/** Reads several stored values in one request. */
export async function readStored<T extends readonly Stored<unknown>[]>(
  area: LocalArea,
  ...s: T
): Promise<{ [K in keyof T]: T[K] extends Stored<infer U> ? U : never }> {
  const r = await area.get(s.map((x) => x.key));
  return s.map((x) => x.read(r[x.key])) as { [K in keyof T]: T[K] extends Stored<infer U> ? U : never };
}
