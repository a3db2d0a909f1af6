/** A plain object read from JSON or a page's data (not null, not an array), whose fields are still to be checked. */
export const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
