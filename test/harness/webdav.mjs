/**
 * Real WebDAV servers for the tests, on free loopback ports (127.0.0.1 only),
 * each behind a fault proxy of ours:
 *
 * - Debian's Apache with mod_dav_fs (`apache2 -X`, its own config in a temp
 *   folder, a htpasswd user; as root it runs as www-data, which owns the data).
 * - `rclone serve webdav` over a local folder, with a user and password.
 *
 * The proxy (plain Node http) forwards everything, and on demand: truncates
 * the next uploads, answers 423/507/500 instead of the server, drops the
 * connection in the middle of an upload, moves a file to "name (1).json" when
 * its destination exists (a server that renames on conflict), and restarts the
 * server in the middle of a round. Faults are per request kind, counted down.
 *
 * Install (Debian): apt-get install -y apache2 rclone (.ci/run does).
 */
import { spawn, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { createServer as netServer } from 'node:net';
import { join } from 'node:path';
import { tempDir } from './browsers.mjs';

export const USER = 'reader';
export const PASSWORD = 'app-password-1';

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = netServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function waitUp(port, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const r = httpRequest({ host: '127.0.0.1', port, method: 'OPTIONS', path: '/' }, (res) => {
        res.resume();
        resolve(true);
      });
      r.on('error', () => resolve(false));
      r.end();
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`no server on 127.0.0.1:${port} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** Apache httpd with mod_dav: { port, data (folder), start(), stop() }. */
async function apache() {
  const dir = tempDir('apache');
  const data = join(dir.path, 'dav');
  const locks = join(dir.path, 'locks');
  mkdirSync(data);
  mkdirSync(locks);
  const htpasswd = join(dir.path, 'htpasswd');
  execFileSync('htpasswd', ['-cbB', htpasswd, USER, PASSWORD], { stdio: 'ignore' });
  const port = await freePort();
  const mods = '/usr/lib/apache2/modules';
  const root = isRoot();
  if (root) {
    // Apache will not serve as root: the children run as www-data, which must own what they write.
    for (const p of [dir.path, data, locks]) chownSync(p, 33, 33);
  }
  const conf = join(dir.path, 'httpd.conf');
  writeFileSync(
    conf,
    `ServerRoot "${dir.path}"
ServerName 127.0.0.1
Listen 127.0.0.1:${port}
PidFile "${join(dir.path, 'httpd.pid')}"
ErrorLog "${join(dir.path, 'error.log')}"
LogLevel warn
LoadModule mpm_prefork_module ${mods}/mod_mpm_prefork.so
LoadModule authz_core_module ${mods}/mod_authz_core.so
LoadModule authz_user_module ${mods}/mod_authz_user.so
LoadModule authn_core_module ${mods}/mod_authn_core.so
LoadModule authn_file_module ${mods}/mod_authn_file.so
LoadModule auth_basic_module ${mods}/mod_auth_basic.so
LoadModule dav_module ${mods}/mod_dav.so
LoadModule dav_fs_module ${mods}/mod_dav_fs.so
${root ? 'User www-data\nGroup www-data\n' : ''}DavLockDB "${join(locks, 'lockdb')}"
DocumentRoot "${data}"
Timeout 30
KeepAlive Off
LimitRequestBody 0
<Directory "${data}">
  Dav On
  AuthType Basic
  AuthName "PaperShelf test"
  AuthUserFile "${htpasswd}"
  Require valid-user
</Directory>
`,
  );
  let proc;
  const start = async () => {
    proc = spawn('/usr/sbin/apache2', ['-f', conf, '-X'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, APACHE_RUN_DIR: dir.path, APACHE_LOG_DIR: dir.path },
    });
    let err = '';
    proc.stderr.on('data', (d) => (err += d));
    proc.on('exit', (code) => {
      if (code && code !== 0 && !proc.stopping) console.error(`apache2 exited ${code}: ${err}`);
    });
    await waitUp(port);
  };
  const stop = async () => {
    if (!proc || proc.exitCode !== null) return;
    proc.stopping = true;
    const done = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await done;
    clearTimeout(t);
  };
  await start();
  return { name: 'apache', port, data, start, stop, remove: () => dir.remove() };
}

/** rclone serve webdav over a local folder. */
async function rclone() {
  const dir = tempDir('rclone');
  const data = join(dir.path, 'dav');
  mkdirSync(data);
  const port = await freePort();
  let proc;
  const start = async () => {
    proc = spawn(
      'rclone',
      ['serve', 'webdav', data, '--addr', `127.0.0.1:${port}`, '--user', USER, '--pass', PASSWORD, '--config', '/dev/null', '--log-level', 'ERROR'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    proc.stderr.on('data', () => {});
    await waitUp(port);
  };
  const stop = async () => {
    if (!proc || proc.exitCode !== null) return;
    const done = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await done;
    clearTimeout(t);
  };
  await start();
  return { name: 'rclone', port, data, start, stop, remove: () => dir.remove() };
}

/** Every file under a folder (relative paths), for "no stray files" checks. */
export function filesUnder(root, sub = '') {
  const out = [];
  const here = join(root, sub);
  if (!existsSync(here)) return out;
  for (const n of readdirSync(here)) {
    const rel = sub ? `${sub}/${n}` : n;
    if (statSync(join(root, rel)).isDirectory()) out.push(...filesUnder(root, rel));
    else out.push(rel);
  }
  return out;
}

/**
 * The fault proxy. `faults` is a queue per kind; each request takes the first
 * fault that applies to it:
 *   { kind: 'status', method, status, times }  answer `status` instead of the server
 *   { kind: 'truncate', times }                forward only half of the next PUT bodies
 *   { kind: 'drop', times }                    cut the connection in the middle of a PUT
 *   { kind: 'rename', times }                  a MOVE onto an existing name goes to "<name> (1).json"
 *   { kind: 'restart', times }                 restart the server when the next PUT arrives
 */
async function faultProxy(server) {
  const faults = [];
  // What clients sent (request line, headers and body, as they arrived): the bench's count of a round.
  const stats = { requests: 0, byMethod: {}, sent: 0 };
  const take = (pred) => {
    const i = faults.findIndex(pred);
    if (i < 0) return null;
    const f = faults[i];
    if (--f.times <= 0) faults.splice(i, 1);
    return f;
  };
  const forward = (req, res, body, headers = {}) =>
    new Promise((resolve) => {
      const h = { ...req.headers, ...headers, host: `127.0.0.1:${server.port}` };
      if (h.destination) h.destination = h.destination.replace(/^http:\/\/[^/]+/, `http://127.0.0.1:${server.port}`);
      if (body) h['content-length'] = String(body.length);
      const up = httpRequest({ host: '127.0.0.1', port: server.port, method: req.method, path: req.url, headers: h }, (r) => {
        const out = { ...r.headers };
        res.writeHead(r.statusCode ?? 502, out);
        r.pipe(res);
        r.on('end', resolve);
      });
      up.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
        resolve();
      });
      up.end(body);
    });
  const exists = (path) =>
    new Promise((resolve) => {
      const r = httpRequest(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'HEAD',
          path,
          headers: { authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        },
      );
      r.on('error', () => resolve(false));
      r.end();
    });
  const proxy = createServer(async (req, res) => {
    stats.requests++;
    stats.byMethod[req.method] = (stats.byMethod[req.method] ?? 0) + 1;
    const chunks = [];
    let dropped = false;
    const drop = req.method === 'PUT' ? take((f) => f.kind === 'drop') : null;
    req.on('data', (c) => {
      chunks.push(c);
      if (drop && !dropped && Buffer.concat(chunks).length > 0) {
        dropped = true;
        req.socket.destroy();
      }
    });
    await new Promise((r) => req.on('end', r).on('close', r));
    if (dropped || req.socket.destroyed) return;
    let body = Buffer.concat(chunks);
    let head = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n\r\n`.length;
    for (let i = 0; i < req.rawHeaders.length; i += 2) head += req.rawHeaders[i].length + req.rawHeaders[i + 1].length + 4;
    stats.sent += head + body.length;
    const status = take((f) => f.kind === 'status' && (!f.method || f.method === req.method));
    if (status) {
      res.writeHead(status.status, { 'content-type': 'text/plain' });
      return res.end(`fault ${status.status}`);
    }
    if (req.method === 'PUT') {
      if (take((f) => f.kind === 'restart')) {
        await server.stop();
        await server.start();
      }
      if (take((f) => f.kind === 'truncate')) body = body.subarray(0, Math.floor(body.length / 2));
    }
    if (req.method === 'MOVE' && faults.some((f) => f.kind === 'rename')) {
      const dest = new URL(String(req.headers.destination)).pathname;
      if (await exists(dest)) {
        take((f) => f.kind === 'rename');
        const renamed = dest.replace(/\.json$/, '%20(1).json');
        return forward(req, res, body, { destination: `http://127.0.0.1:${server.port}${renamed}`, overwrite: 'T' });
      }
    }
    await forward(req, res, body.length || req.method === 'PUT' ? body : undefined);
  });
  const sockets = new Set();
  proxy.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
  return {
    port: proxy.address().port,
    faults,
    stats,
    add: (f) => faults.push({ times: 1, ...f }),
    clear: () => faults.splice(0),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => proxy.close(() => r()));
    },
  };
}

/**
 * Starts a server ('apache' | 'rclone') and its fault proxy.
 * Returns { name, url (through the proxy), directUrl, data, proxy, restart(), close() }.
 */
export async function startWebDav(kind = 'apache') {
  const server = kind === 'rclone' ? await rclone() : await apache();
  const proxy = await faultProxy(server);
  return {
    name: server.name,
    url: `http://127.0.0.1:${proxy.port}/`,
    directUrl: `http://127.0.0.1:${server.port}/`,
    data: server.data,
    proxy,
    restart: async () => {
      await server.stop();
      await server.start();
    },
    close: async () => {
      await proxy.close();
      await server.stop();
      server.remove();
    },
  };
}

/** In an extension page: the stored abstract of a paper, read from the library's database `db` (papers.get leaves abstracts out), or null. */
export function abstractIn([db, id]) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(db);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      // Since v7 the abstracts are in pages ({id, texts: {paperId: text}}, src/library/abstracts.ts).
      const req = open.result.transaction('abstracts').objectStore('abstracts').getAll();
      req.onsuccess = () => {
        // (A build before v7, one record per abstract, is read too: npm run bench compares builds.)
        const page = req.result.find((r) => (r.texts ? id in r.texts : r.id === id));
        resolve((page?.texts ? page.texts[id] : page?.text) ?? null);
        open.result.close();
      };
      req.onerror = () => reject(req.error);
    };
  });
}

/** Whether the servers can run here (apache2, htpasswd and rclone installed). */
export const webdavAvailable = (kind) =>
  kind === 'rclone' ? existsSync('/usr/bin/rclone') : existsSync('/usr/sbin/apache2') && existsSync('/usr/bin/htpasswd');
