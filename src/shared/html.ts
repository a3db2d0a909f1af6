/** HTML text read as text: never parsed into a document. */

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** HTML character references in an attribute value: the named ones arXiv uses, and every numeric one. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(?:#(\d+)|#[xX]([0-9a-fA-F]+)|([a-zA-Z]{2,8}));?/g, (all, dec: string, hex: string, name: string) => {
    if (name) return NAMED[name.toLowerCase()] ?? all;
    const digits = dec ?? hex;
    const cp = digits.length > 7 ? -1 : dec ? Number(dec) : parseInt(hex, 16);
    // NUL, surrogates and out-of-range code points are what the HTML parser replaces too.
    return cp > 0 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
  });
}
