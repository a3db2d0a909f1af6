/**
 * Answers from the fixtures the requests Firefox makes outside any tab. The
 * extension's background is an event page, not a tab: WebDriver BiDi neither
 * reports nor intercepts its requests (puppeteer intercepts per tab), so its
 * fetches (background/metadata.ts: the Hugging Face paper API, arXiv abstract
 * pages) went to the profile's dead proxy and failed. The test profile's HTTPS
 * proxy is this server instead: a CONNECT to huggingface.co or arxiv.org gets
 * a TLS server of ours (the session accepts any certificate,
 * acceptInsecureCerts) answering from routes.mjs, exactly what tabs get at
 * the same URLs; any other host is refused, as by the dead proxy. Nothing
 * reaches the network. (Chromium needs none of this: Playwright's routing sees
 * the extension's service worker.)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { tempDir } from './browsers.mjs';
import { answer } from './routes.mjs';

/** The hosts answered; everything else is refused. */
const PROXIED_HOSTS = new Set(['huggingface.co', 'arxiv.org']);

let credentials;
/** One self-signed certificate per test process (openssl, removed at exit); the browser is told to accept any. */
function tlsCredentials() {
  if (credentials) return credentials;
  const dir = tempDir('tls');
  const key = join(dir.path, 'key.pem');
  const cert = join(dir.path, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=papershelf-fixtures',
    ],
    { stdio: 'ignore' },
  );
  credentials = { key: readFileSync(key), cert: readFileSync(cert) };
  dir.remove();
  return credentials;
}

/**
 * Starts the proxy on 127.0.0.1 (a free port). `pages` and `demo` as for
 * routes.mjs's answer. Throws when no certificate can be made (no openssl).
 * @param {{ pages?: Map<string, string>, demo?: boolean }} [options]
 */
export async function startFixtureProxy({ pages = new Map(), demo = false } = {}) {
  const { key, cert } = tlsCredentials();
  const sockets = new Set();
  const inner = createServer((req, res) => {
    const url = `https://${req.headers.host}${req.url}`;
    let a;
    try {
      a = answer(url, pages, { demo });
    } catch (e) {
      a = { status: 500, contentType: 'text/plain', body: `routes.mjs failed: ${e?.message ?? e}` };
    }
    res.writeHead(a.status, { 'content-type': a.contentType, 'content-length': Buffer.byteLength(a.body) });
    res.end(a.body);
  });
  const proxy = createServer((_req, res) => {
    // Plain-HTTP proxying: nothing of ours uses it.
    res.writeHead(502);
    res.end();
  });
  proxy.on('connect', (req, socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const host = String(req.url).replace(/:\d+$/, '');
    if (!PROXIED_HOSTS.has(host)) return void socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    const tls = new TLSSocket(socket, { isServer: true, key, cert });
    tls.on('error', () => socket.destroy());
    inner.emit('connection', tls);
  });
  await new Promise((resolve, reject) => {
    proxy.once('error', reject);
    proxy.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: proxy.address().port,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => proxy.close(() => resolve()));
      inner.close();
    },
  };
}
