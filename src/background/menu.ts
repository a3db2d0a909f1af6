/**
 * Anywhere else on the web nothing is injected: a context-menu item on links to
 * arXiv and Hugging Face papers saves the paper from the link alone. Its
 * metadata is fetched at once (background/metadata.ts: Hugging Face's paper
 * API, else the arXiv abstract page); where that fails, it is completed when
 * the paper is next seen on a listing (annotate.ts sends `paper.complete` for
 * saved papers with no authors).
 */
import { arxivIdFromUrl, cleanText, type PaperRef } from '../shared/model';

export const MENU_ID = 'papershelf-save-link';

/** Links the item shows on: arXiv abstract/PDF/HTML pages and Hugging Face paper pages. */
export const PAPER_LINK_PATTERNS = [
  '*://arxiv.org/abs/*',
  '*://arxiv.org/pdf/*',
  '*://arxiv.org/html/*',
  '*://www.arxiv.org/abs/*',
  '*://www.arxiv.org/pdf/*',
  '*://export.arxiv.org/abs/*',
  'https://huggingface.co/papers/*',
];

export interface LinkClick {
  linkUrl?: string;
  /** Firefox gives the link's text; Chrome does not. */
  linkText?: string;
  selectionText?: string;
  pageUrl?: string;
}

/** What a link tells about a paper: its id, and a title from the link text when there is one. */
export function refFromLink(info: LinkClick): PaperRef | null {
  if (!info.linkUrl) return null;
  const parsed = arxivIdFromUrl(info.linkUrl);
  if (!parsed) return null;
  const host = new URL(info.linkUrl).hostname;
  const text = cleanText(info.linkText ?? info.selectionText).slice(0, 1000);
  // Link texts like "arXiv:2505.16421", "pdf" or the bare URL say nothing about the title.
  const useful = text.length > 8 && !/^(arxiv:|https?:\/\/)/i.test(text) && !text.includes(parsed.id);
  const page = info.pageUrl && /^https?:\/\//.test(info.pageUrl) ? info.pageUrl : info.linkUrl;
  return {
    id: parsed.id,
    ...(parsed.version ? { version: parsed.version } : {}),
    title: useful ? text : `arXiv:${parsed.id}`,
    authors: [],
    url: page.slice(0, 2000),
    source: host === 'huggingface.co' ? 'hf' : 'arxiv',
  };
}
