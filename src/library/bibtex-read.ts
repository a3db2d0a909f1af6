/**
 * Reads BibTeX entries into raw fields, in one forward pass (issue 18): the
 * LaTeX in the values is left as written (import.ts converts the few fields it
 * uses). It reads what @citation-js/plugin-bibtex's grammar reads, with three
 * differences that a hostile file could otherwise use:
 *
 * - fields and @string macros live in Maps, so a field or macro named
 *   "constructor" or "__proto__" is a name like any other: a bare `constructor`
 *   is an undefined macro (""), never Object's constructor, and no "+an:"
 *   annotation field can reach a prototype (citation-js puts them in plain objects);
 * - nothing recurses: braces nested a million deep cost a counter, not the stack;
 * - nothing rescans: every loop moves forward, so the time is linear in the size.
 *
 * Between entries, what scanBibTeX (import.ts) skips is skipped the same way:
 * a `%` comment line, an `@` that opens no entry, a braced @comment{…} whole
 * (an unclosed one runs to the end of the file), any other @comment to the end
 * of its line.
 */

/** One entry as written: the type lower-cased, field names lower-cased, values raw. */
export interface BibEntry {
  type: string;
  label: string;
  /** Offset of its "@". */
  at: number;
  fields: Map<string, string | number>;
}

/** A syntax error at an offset, inside the entry starting at `entryAt` (-1: between entries). */
export class BibSyntaxError extends Error {
  constructor(
    readonly at: number,
    readonly entryAt: number,
    readonly entryLabel: string,
    why: string,
  ) {
    super(why);
  }
}

/** The same entry head as import.ts's scanner (`@type{key`): an "@" without one is text. */
export const ENTRY_HEAD = /@[ \t]*([A-Za-z]+)\s*([{(])\s*([^,\s{}()]*)/y;
const IDENTIFIER = /[a-zA-Z_][a-zA-Z0-9_:+-]*/y;
const NUMBER = /-?\d+/y;
// An entry head (ENTRY_HEAD's start) or a comment: the engine skips the rest, stray "@"s included.
const OUTER = /@[ \t]*[A-Za-z]+\s*[{(]|%/g;
const BRACES = /[\\{}]/g;
const QUOTED = /[\\{"]/g;

const isSpace = (c: number) =>
  c === 32 ||
  (c >= 9 && c <= 13) ||
  c === 0xa0 ||
  c === 0xfeff ||
  c === 0x2028 ||
  c === 0x2029 ||
  (c >= 0x2000 && c <= 0x200a) ||
  c === 0x1680 ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000;

/**
 * The offset just past the "}" that closes the group whose "{" is at `open`, or -1.
 * `\\`, `\{` and `\}` are text, as in citation-js's braced literal.
 */
export function closeOfGroup(text: string, open: number): number {
  let depth = 1;
  BRACES.lastIndex = open + 1;
  for (let m = BRACES.exec(text); m; m = BRACES.exec(text)) {
    const c = m[0];
    if (c === '\\') {
      const n = text[m.index + 1];
      if (n === '\\' || n === '{' || n === '}') BRACES.lastIndex = m.index + 2;
    } else if (c === '{') depth++;
    else if (--depth === 0) return m.index + 1;
  }
  return -1;
}

/**
 * Parses the entries of `text`, each handed to `onEntry` as soon as it is read: reading
 * stops when that says false. Throws BibSyntaxError.
 */
export function readBibTeX(text: string, onEntry: (entry: BibEntry) => boolean = () => true): BibEntry[] {
  const n = text.length;
  const macros = new Map<string, string | number>(DEFAULT_MACROS);
  const entries: BibEntry[] = [];
  let i = 0;
  let entryAt = -1;
  let entryLabel = '';

  const fail = (why: string): never => {
    throw new BibSyntaxError(i, entryAt, entryLabel, why);
  };

  /** Skips white space and `%` comments (to the end of their line). */
  const skip = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (isSpace(c)) i++;
      else if (c === 37 /* % */) {
        const eol = text.indexOf('\n', i);
        i = eol === -1 ? n : eol + 1;
      } else break;
    }
  };

  const identifier = (): string | null => {
    IDENTIFIER.lastIndex = i;
    const m = IDENTIFIER.exec(text);
    if (!m) return null;
    i += m[0].length;
    return m[0];
  };

  const braced = (): string => {
    const end = closeOfGroup(text, i);
    if (end < 0) fail('a "{" is never closed');
    const value = text.slice(i + 1, end - 1);
    i = end;
    return value;
  };

  const quoted = (): string => {
    const start = i + 1;
    QUOTED.lastIndex = start;
    for (let m = QUOTED.exec(text); m; m = QUOTED.exec(text)) {
      const c = m[0];
      if (c === '"') {
        i = m.index + 1;
        return text.slice(start, m.index);
      }
      if (c === '\\') {
        // In citation-js's quoted literal `\\` and `\{` are text; `\"` is a backslash, then the closing quote.
        const next = text[m.index + 1];
        if (next === '\\' || next === '{') QUOTED.lastIndex = m.index + 2;
      } else {
        // A braced group inside quotes: a quote in it does not close the value.
        i = m.index;
        braced();
        QUOTED.lastIndex = i;
      }
    }
    i = start - 1;
    return fail('a quoted value is never closed');
  };

  const part = (): string | number => {
    const c = text[i];
    if (c === '{') return braced();
    if (c === '"') return quoted();
    const name = identifier();
    if (name !== null) return macros.get(name.toLowerCase()) ?? '';
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(text);
    if (num) {
      i += num[0].length;
      return parseInt(num[0], 10);
    }
    return fail('expected a value: {…}, "…", a number or a @string name');
  };

  // What all values may add up to, @string macros expanded: twice the file, and a megabyte.
  // Macros that double each other (a = x # x, b = a # a, …) would otherwise make gigabytes.
  let budget = 2 * n + 1_000_000;
  const spend = (v: string | number) => {
    budget -= typeof v === 'string' ? v.length : 16;
    if (budget < 0) fail(`the values, with their @string macros, add up to more than ${2 * n + 1_000_000} characters`);
    return v;
  };

  const expression = (): string | number => {
    let out = spend(part());
    skip();
    while (text[i] === '#') {
      i++;
      skip();
      out = String(out) + String(spend(part()));
      skip();
    }
    return out;
  };

  /** `name = value`; the name lower-cased. */
  const field = (): [string, string | number] => {
    const name = identifier();
    if (name === null) return fail('expected a field name');
    skip();
    if (text[i] !== '=') fail(`expected "=" after "${name.slice(0, 40)}"`);
    i++;
    skip();
    return [name.toLowerCase(), expression()];
  };

  const close = () => {
    skip();
    // citation-js closes either kind of entry with either delimiter.
    if (text[i] !== '}' && text[i] !== ')') fail('expected "," or the end of the entry');
    i++;
  };

  OUTER.lastIndex = 0;
  for (let m = OUTER.exec(text); m; m = OUTER.exec(text)) {
    i = m.index;
    entryAt = -1;
    entryLabel = '';
    if (m[0] === '%') {
      const eol = text.indexOf('\n', i);
      OUTER.lastIndex = eol === -1 ? n : eol;
      continue;
    }
    ENTRY_HEAD.lastIndex = i;
    const head = ENTRY_HEAD.exec(text)!;
    const type = head[1].toLowerCase();
    // The head's "{" or "(": only blanks and the type's letters come before it.
    const open = text.indexOf(head[2], i + 1);
    if (type === 'comment') {
      if (head[2] === '{') {
        const end = closeOfGroup(text, open);
        // Never closed: a comment to the end of the file (scanBibTeX refused it if an entry follows).
        if (end < 0) break;
        OUTER.lastIndex = end;
      } else {
        const eol = text.indexOf('\n', i);
        OUTER.lastIndex = eol === -1 ? n : eol;
      }
      continue;
    }
    entryAt = m.index;
    if (type === 'string' || type === 'preamble') {
      entryLabel = `@${type}`;
      i = open + 1;
      skip();
      if (type === 'string') {
        const [name, value] = field();
        macros.set(name, value);
      } else expression();
      close();
    } else {
      entryLabel = head[3];
      i = m.index + head[0].length;
      skip();
      const fields = new Map<string, string | number>();
      if (text[i] === ',') {
        i++;
        skip();
        while (i < n && /[a-zA-Z_]/.test(text[i])) {
          const [name, value] = field();
          fields.set(name, value);
          skip();
          if (text[i] !== ',') break;
          i++;
          skip();
        }
      }
      close();
      const entry: BibEntry = { type, label: head[3], at: m.index, fields };
      entries.push(entry);
      if (!onEntry(entry)) break;
    }
    OUTER.lastIndex = i;
  }
  return entries;
}

/** Line number (from 1) of an offset. */
export function lineAt(text: string, at: number): number {
  let line = 1;
  for (let j = text.indexOf('\n'); j !== -1 && j < at; j = text.indexOf('\n', j + 1)) line++;
  return line;
}

// citation-js's default @string macros that can matter here: the months (`month = jan`).
const DEFAULT_MACROS: [string, string][] = [
  ['jan', '01'],
  ['feb', '02'],
  ['mar', '03'],
  ['apr', '04'],
  ['may', '05'],
  ['jun', '06'],
  ['jul', '07'],
  ['aug', '08'],
  ['sep', '09'],
  ['oct', '10'],
  ['nov', '11'],
  ['dec', '12'],
];
