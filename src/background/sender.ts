/**
 * Who may talk to the background: this extension's own pages, and its content
 * scripts on the hosts the manifest lists. Anything else is refused before its
 * message is even parsed.
 */
export interface SenderLike {
  id?: string;
  url?: string;
  tab?: { id?: number; url?: string };
}

/**
 * `hosts`: the hosts whose pages run our content script. The background passes
 * them from the manifest (shared/access.ts contentOrigins), the one list of them.
 */
export function senderAllowed(sender: SenderLike, extensionId: string, extensionOrigin: string, hosts: readonly string[]): string | null {
  const c = classifySender(sender, extensionId, extensionOrigin, hosts);
  return 'refused' in c ? c.refused : null;
}

/**
 * Who is asking: one of our extension pages (popup, options, welcome: every
 * capability), or our content script on a listed host (only what cards need:
 * shared/messages.ts CONTENT_CAPABILITIES). A compromised huggingface.co or
 * arxiv.org renderer can forge anything its content script could send, so the
 * content script's capabilities are all a page can ever get.
 */
export type SenderKind = 'page' | 'content';

export function classifySender(
  sender: SenderLike,
  extensionId: string,
  extensionOrigin: string,
  hosts: readonly string[],
): { kind: SenderKind } | { refused: string } {
  if (sender.id !== extensionId) return { refused: 'message from another extension or a web page' };
  const url = sender.url ?? sender.tab?.url;
  if (!url) return { refused: 'message without a sender URL' };
  // An extension page (popup, options; also when opened in a tab): its URL is on our own origin.
  if (url.startsWith(extensionOrigin)) return { kind: 'page' };
  if (!sender.tab) return { refused: `extension page not on ${extensionOrigin}` };
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return { refused: 'sender URL does not parse' };
  }
  return hosts.includes(host) ? { kind: 'content' } : { refused: `content script on a host we do not serve: ${host}` };
}
