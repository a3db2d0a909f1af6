/**
 * preact/compat's memo, without preact/compat: importing compat would also install its React
 * shims for every component (onChange read as onInput on text fields, among others).
 */
import { createElement, type FunctionComponent } from 'preact';

const same = (a: object, b: object) => {
  for (const k in a) if (!(k in b)) return false;
  for (const k in b) if ((a as Record<string, unknown>)[k] !== (b as Record<string, unknown>)[k]) return false;
  return true;
};

/** `fn`, drawn again only when one of its props changed (compared with ===). */
export function memo<P extends object>(fn: FunctionComponent<P>): FunctionComponent<P> {
  function Memo(this: { props: P; shouldComponentUpdate?(next: P): boolean }, props: P) {
    this.shouldComponentUpdate = (next: P) => !same(this.props, next);
    return createElement(fn, props);
  }
  Memo.displayName = `Memo(${fn.displayName ?? fn.name})`;
  return Memo as FunctionComponent<P>;
}
