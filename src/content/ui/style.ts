/** The controls' look, one stylesheet shared by every card's shadow root. */
export const CSS = `
:host { all: initial; display: inline-flex; gap: 6px; align-items: center; margin: 6px 0; font: 500 12px/1.2 system-ui, sans-serif; color: #374151; }
button { font: inherit; cursor: pointer; border: 1px solid #d1d5db; border-radius: 999px; padding: 3px 10px; background: #fff; color: inherit; }
button:hover { background: #f3f4f6; }
button:focus-visible { outline: 2px solid #2563eb; outline-offset: 2px; }
button[aria-pressed="true"] { background: #fef3c7; border-color: #f59e0b; color: #92400e; }
button[disabled] { opacity: .6; cursor: default; }
button[aria-busy="true"] { opacity: .75; cursor: progress; }
.msg { color: #b91c1c; }
@media (prefers-color-scheme: dark) {
  :host { color: #e5e7eb; }
  button { background: #1f2937; border-color: #4b5563; }
  button:hover { background: #374151; }
  button[aria-pressed="true"] { background: #78350f; border-color: #f59e0b; color: #fde68a; }
  .msg { color: #fca5a5; }
}
`;

let shared: CSSStyleSheet | null | undefined;

/**
 * Styles a shadow root with one constructable stylesheet for all cards. Firefox
 * refuses a sheet constructed in the content script's compartment
 * (adoptedStyleSheets through Xray wrappers), so there each root gets a <style>.
 */
export function style(root: ShadowRoot): void {
  if (shared === undefined) {
    try {
      shared = new CSSStyleSheet();
      shared.replaceSync(CSS);
    } catch {
      shared = null;
    }
  }
  if (shared) {
    try {
      root.adoptedStyleSheets = [shared];
      return;
    } catch {
      shared = null;
    }
  }
  const el = document.createElement('style');
  el.textContent = CSS;
  root.append(el);
}
