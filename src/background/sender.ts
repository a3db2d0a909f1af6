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
  if (sender.id !== extensionId) return 'message from another extension or a web page';
  const url = sender.url ?? sender.tab?.url;
  if (!url) return 'message without a sender URL';
  // An extension page (popup, options; also when opened in a tab): its URL is on our own origin.
  if (url.startsWith(extensionOrigin)) return null;
  if (!sender.tab) return `extension page not on ${extensionOrigin}`;
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return 'sender URL does not parse';
  }
  return hosts.includes(host) ? null : `content script on a host we do not serve: ${host}`;
}
