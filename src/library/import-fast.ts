/**
 * A fast yes/no of a valibot schema, for the import of a backup (issue 20): valibot's own run
 * makes a dataset, a pipe loop and an issue list per field, a fifth of a 10,000-paper import's
 * preview. `compileSchema` turns a schema into one closure per node, calling the schema's own
 * requirements (its `requirement` functions, regexes, lengths, options), so the two cannot drift
 * apart on what a field allows. Its output is valibot's: new objects with the schema's keys in
 * the schema's order (a backup written later keeps that order), new arrays.
 *
 * It answers only "valid, and here is the output" or "not valid": on not valid the caller runs
 * valibot for its message. A schema with anything it does not know (a transformation, a default,
 * a fallback, an async or unknown node) compiles to null, and the caller always runs valibot.
 */
import type { GenericSchema } from 'valibot';

/** What a compiled check returns for input the schema refuses. */
export const INVALID: unique symbol = Symbol('invalid');

export type Compiled = (input: unknown) => unknown;

// The nodes valibot's schema and action objects are made of, as far as this reads them.
interface Node {
  kind: string;
  type: string;
  async?: boolean;
  pipe?: Node[];
  entries?: Record<string, Node>;
  item?: Node;
  wrapped?: Node;
  options?: unknown[];
  literal?: unknown;
  requirement?: unknown;
  default?: unknown;
  fallback?: unknown;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** A validation action as a test of a value the schema before it typed; null when unknown. */
function action(a: Node): ((x: never) => boolean) | null {
  const r = a.requirement;
  switch (a.type) {
    case 'max_length':
      return (x: { length: number }) => !(x.length > (r as number));
    case 'min_length':
      return (x: { length: number }) => !(x.length < (r as number));
    case 'max_value':
      return (x: number) => x <= (r as number);
    case 'min_value':
      return (x: number) => x >= (r as number);
    case 'regex':
      return (x: string) => (r as RegExp).test(x);
    case 'check':
    case 'integer':
    case 'url':
      return typeof r === 'function' ? (x: never) => !!(r as (x: unknown) => unknown)(x) : null;
    default:
      return null;
  }
}

/** The compiled check of `schema`, or null when it holds a node this does not know. */
export function compileSchema(schema: GenericSchema): Compiled | null {
  return compile(schema as unknown as Node);
}

function compile(s: Node): Compiled | null {
  if (s.async || s.fallback !== undefined) return null;
  if (s.pipe) {
    const [base, ...rest] = s.pipe;
    const run = base && base.kind === 'schema' ? compile(base) : null;
    if (!run) return null;
    const tests: ((x: never) => boolean)[] = [];
    for (const a of rest) {
      if (a.kind === 'metadata') continue;
      const test = a.kind === 'validation' && !a.async ? action(a) : null;
      if (!test) return null;
      tests.push(test);
    }
    return (x) => {
      const out = run(x);
      if (out === INVALID) return INVALID;
      for (const test of tests) if (!test(out as never)) return INVALID;
      return out;
    };
  }
  switch (s.type) {
    case 'string':
      return (x) => (typeof x === 'string' ? x : INVALID);
    case 'number':
      return (x) => (typeof x === 'number' && !Number.isNaN(x) ? x : INVALID);
    case 'boolean':
      return (x) => (typeof x === 'boolean' ? x : INVALID);
    case 'literal': {
      // SameValueZero (what includes compares by), as valibot's literal.
      const l = [s.literal];
      return (x) => (l.includes(x) ? x : INVALID);
    }
    case 'picklist': {
      const options = s.options ?? [];
      return (x) => (options.includes(x) ? x : INVALID);
    }
    case 'optional': {
      if (s.default !== undefined || !s.wrapped) return null;
      const run = compile(s.wrapped);
      return run && ((x) => (x === undefined ? x : run(x)));
    }
    case 'array': {
      const item = s.item && compile(s.item);
      if (!item) return null;
      return (x) => {
        if (!Array.isArray(x)) return INVALID;
        const out: unknown[] = [];
        for (let i = 0; i < x.length; i++) {
          const v = item(x[i]);
          if (v === INVALID) return INVALID;
          out.push(v);
        }
        return out;
      };
    }
    case 'strict_object': {
      const entries = s.entries ?? {};
      const keys = Object.keys(entries);
      const runs: Compiled[] = [];
      const optional: boolean[] = [];
      for (const k of keys) {
        const e = entries[k];
        const run = compile(e);
        if (!run) return null;
        runs.push(run);
        optional.push(e.type === 'optional');
      }
      return (x) => {
        if (!x || typeof x !== 'object') return INVALID;
        const input = x as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (let i = 0; i < keys.length; i++) {
          const k = keys[i];
          if (k in input) {
            const v = runs[i](input[k]);
            if (v === INVALID) return INVALID;
            out[k] = v;
          } else if (!optional[i]) return INVALID;
        }
        for (const k in input) if (!hasOwn.call(entries, k)) return INVALID;
        return out;
      };
    }
    default:
      return null;
  }
}
