/** The controls' look, one stylesheet shared by every card's shadow root. */
export const CSS = `
:host { all: initial; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 6px 0; font: 500 12px/1.2 system-ui, sans-serif; color: #374151; position: relative; }
button { font: inherit; cursor: pointer; border: 1px solid #d1d5db; border-radius: 999px; padding: 3px 10px; background: #fff; color: inherit; }
button:hover { background: #f3f4f6; }
button:focus-visible, input:focus-visible { outline: 2px solid #2563eb; outline-offset: 2px; }
button[aria-pressed="true"] { background: #fef3c7; border-color: #f59e0b; color: #92400e; }
button[disabled] { opacity: .6; cursor: default; }
button[aria-busy="true"] { opacity: .75; cursor: progress; }
.chips { display: contents; }
.chip { display: inline-flex; align-items: center; gap: 2px; border-radius: 999px; padding: 1px 2px 1px 8px; background: hsl(var(--hue) 70% 92%); color: hsl(var(--hue) 60% 25%); border: 1px solid hsl(var(--hue) 50% 75%); }
.chip .x { border: 0; background: transparent; padding: 0 5px; border-radius: 999px; }
.chip .x:hover { background: hsl(var(--hue) 60% 84%); }
.editor { position: relative; display: inline-block; }
input { font: inherit; border: 1px solid #9ca3af; border-radius: 6px; padding: 3px 6px; width: 11em; background: #fff; color: inherit; }
.sugg { position: absolute; z-index: 10; left: 0; top: 100%; margin: 2px 0 0; padding: 2px; list-style: none; min-width: 100%; background: #fff; border: 1px solid #d1d5db; border-radius: 6px; box-shadow: 0 4px 12px rgb(0 0 0 / .12); }
.sugg:empty { display: none; }
.sugg li { padding: 3px 6px; border-radius: 4px; cursor: pointer; white-space: nowrap; }
.sugg li[aria-selected="true"], .sugg li:hover { background: #dbeafe; }
.msg { color: #b91c1c; }
@media (prefers-color-scheme: dark) {
  :host { color: #e5e7eb; }
  button, input, .sugg { background: #1f2937; border-color: #4b5563; }
  button:hover { background: #374151; }
  button[aria-pressed="true"] { background: #78350f; border-color: #f59e0b; color: #fde68a; }
  .chip { background: hsl(var(--hue) 40% 22%); color: hsl(var(--hue) 70% 85%); border-color: hsl(var(--hue) 40% 35%); }
  .sugg li[aria-selected="true"], .sugg li:hover { background: #1e3a8a; }
  .msg { color: #fca5a5; }
}
`;

const sheets = new Map<string, CSSStyleSheet | null>();

/**
 * Styles a shadow root with `css` (the controls' own by default) through one
 * constructable stylesheet per text, shared by every card. Firefox refuses a
 * sheet constructed in the content script's compartment (adoptedStyleSheets
 * through Xray wrappers), so there each root gets a <style>, once per text.
 */
export function style(root: ShadowRoot, css: string = CSS): void {
  if (!sheets.has(css)) {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      sheets.set(css, sheet);
    } catch {
      sheets.set(css, null);
    }
  }
  const sheet = sheets.get(css);
  if (sheet) {
    if (root.adoptedStyleSheets.includes(sheet)) return;
    try {
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      return;
    } catch {
      sheets.set(css, null);
    }
  }
  if (Array.from(root.querySelectorAll('style')).some((el) => el.textContent === css)) return;
  const el = document.createElement('style');
  el.textContent = css;
  root.prepend(el);
}
