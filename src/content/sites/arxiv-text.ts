/** Reading arXiv's markup as text, for every arXiv adapter (list, search results, abstract page). */
import { cleanText } from '../../shared/model';

// What MathJax 2 (arXiv's) puts in place of `$…$` once it has typeset it; the TeX itself stays in a script.
const TYPESET = '.MathJax, .MathJax_Preview, .MathJax_Display, .MathJax_SVG, .MathJax_CHTML';

/**
 * The text of a `.mathjax` node as written in the page source, also after
 * MathJax has run: its rendered spans are skipped and the TeX it keeps in
 * `script[type^="math/tex"]` comes back between `$`. Descriptors ("Title:",
 * "Abstract:") and whatever matches `skip` are left out. For titles and
 * abstracts on save only; never on the per-card path.
 */
export function sourceText(el: Element, skip = ''): string {
  const leave = `.descriptor, ${TYPESET}${skip ? `, ${skip}` : ''}`;
  let out = '';
  const walk = (node: Node) => {
    for (let c = node.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 3) out += c.nodeValue ?? '';
      else if (c.nodeType === 1) {
        const e = c as Element;
        if (e.tagName === 'SCRIPT') {
          const type = e.getAttribute('type') ?? '';
          if (type.startsWith('math/tex')) out += type.includes('display') ? ` $$${e.textContent}$$ ` : `$${e.textContent}$`;
        } else if (!e.matches(leave)) walk(e);
      }
    }
  };
  walk(el);
  return cleanText(out);
}

/** Author names as shown: the links of an authors block ("Authors:" descriptor and commas left out). */
export function authorLinks(block: Element | null | undefined): string[] {
  if (!block) return [];
  return Array.from(block.querySelectorAll('a'), (a) => cleanText(a.textContent)).filter(Boolean);
}
