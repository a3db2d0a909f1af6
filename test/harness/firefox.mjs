/**
 * Real Firefox (Debian's /usr/bin/firefox-esr, or FIREFOX_PATH: see
 * browsers.mjs) with the built extension
 * installed as a temporary add-on, driven by puppeteer-core over WebDriver
 * BiDi. Every request is answered from fixtures (routes.mjs); the profile's
 * prefs close Firefox's own network traffic, and a dead proxy catches anything
 * that slips through, so nothing reaches the internet.
 */
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { browserPath, requireBrowser, tempDir } from './browsers.mjs';
import { answer } from './routes.mjs';
import { startFixtureProxy } from './fixture-proxy.mjs';

/** The Firefox executable found (undefined if none): FIREFOX_PATH, else the usual places. */
export const FIREFOX = browserPath('firefox');
export const GECKO_ID = 'papershelf@papershelf.dev';
/** The extension's internal UUID, pinned so the popup's URL is known before launch. */
export const EXTENSION_UUID = 'a7b1c2d3-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

/** Prefs for a closed network and a quiet, deterministic profile (on top of puppeteer's own defaults). */
export const QUIET_PREFS = {
  // Catch-all: any request not answered by the interception goes to a dead proxy.
  'network.proxy.type': 1,
  'network.proxy.http': '127.0.0.1',
  'network.proxy.http_port': 9,
  'network.proxy.ssl': '127.0.0.1',
  'network.proxy.ssl_port': 9,
  'network.proxy.socks': '127.0.0.1',
  'network.proxy.socks_port': 9,
  'network.proxy.socks_remote_dns': true,
  'network.proxy.no_proxies_on': '',
  'network.proxy.allow_hijacking_localhost': false,
  'network.trr.mode': 5,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.predictor.enabled': false,
  'network.http.speculative-parallel-limit': 0,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'captivedetect.canonicalURL': '',
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.unified': false,
  'toolkit.telemetry.archive.enabled': false,
  'toolkit.telemetry.server': '',
  'datareporting.healthreport.uploadEnabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'app.update.enabled': false,
  'app.update.auto': false,
  'app.normandy.enabled': false,
  'app.shield.optoutstudies.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.safebrowsing.downloads.remote.enabled': false,
  'browser.safebrowsing.blockedURIs.enabled': false,
  'browser.safebrowsing.provider.google4.updateURL': '',
  'browser.safebrowsing.provider.mozilla.updateURL': '',
  'services.settings.server': 'http://127.0.0.1:9/remote-settings',
  'extensions.blocklist.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'extensions.systemAddon.update.enabled': false,
  'extensions.update.enabled': false,
  'browser.region.update.enabled': false,
  'browser.region.network.url': '',
  'browser.search.geoSpecificDefaults': false,
  'browser.newtabpage.enabled': false,
  'browser.newtabpage.activity-stream.feeds.system.topstories': false,
  'browser.newtabpage.activity-stream.feeds.topsites': false,
  'browser.newtabpage.activity-stream.telemetry': false,
  'browser.topsites.contile.enabled': false,
  'browser.ping-centre.telemetry': false,
  'browser.aboutHomeSnippets.updateUrl': '',
  'browser.startup.homepage_override.mstone': 'ignore',
  'messaging-system.rsexperimentloader.enabled': false,
  'identity.fxaccounts.enabled': false,
  'services.sync.engine.addons': false,
  'media.gmp-manager.updateEnabled': false,
  'media.gmp-gmpopenh264.enabled': false,
  'privacy.sanitize.sanitizeOnShutdown': false,
  'browser.ml.enable': false,
  'browser.translations.enable': false,
};

/** Prefs the extension needs in the test profile. */
export function extensionPrefs() {
  return {
    // moz-extension://<EXTENSION_UUID>/… instead of a random UUID per profile.
    'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: EXTENSION_UUID }),
    // MV3 host permissions (content_scripts matches) are granted at install, as
    // for a user who accepted the install prompt; default in Firefox ≥ 127.
    'extensions.originControls.grantByDefault': true,
    // Temporary add-ons (webExtension.install of a directory) need no signature.
    'xpinstall.signatures.required': false,
    'extensions.install.requireBuiltInCerts': false,
    'extensions.autoDisableScopes': 0,
    'extensions.enabledScopes': 5,
  };
}

/** Answers every request of `page` from fixtures; moz-extension:, data:, blob: and about: go on. `demo`: see routes.mjs. */
export async function routePage(page, pages = new Map(), { demo = false } = {}) {
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    if (request.isInterceptResolutionHandled()) return;
    const url = request.url();
    if (/^(moz-extension|data|blob|about):/.test(url)) return void request.continue().catch(() => {});
    let a;
    try {
      a = answer(url, pages, { demo });
    } catch (e) {
      a = { status: 500, contentType: 'text/plain', body: `routes.mjs failed: ${e?.message ?? e}` };
    }
    request
      // CDNs of the real pages (cdn-avatars.huggingface.co) allow any origin: pages load their images with crossorigin.
      .respond({ status: a.status, contentType: a.contentType, body: a.body, headers: { 'access-control-allow-origin': '*' } })
      .catch(() => {}); // the page went away meanwhile
  });
}

export const isExtensionUrl = (url) => url.startsWith('moz-extension:');

/**
 * Firefox's BiDi sends no events for extension documents (bug 1755014), so
 * puppeteer's goto/reload never see a moz-extension:// page load (and
 * page.url() stays at the previous URL). These wait in the parent process
 * instead (browsingContext.navigate/reload with wait: "complete"). Scripts,
 * clicks and keys work in extension pages as usual.
 */
export async function gotoExtension(page, url, timeout = 15000) {
  await page.browser().connection.send('browsingContext.navigate', { context: page.mainFrame()._id, url, wait: 'complete' }, timeout);
}
export async function reloadExtension(page, timeout = 15000) {
  await page.browser().connection.send('browsingContext.reload', { context: page.mainFrame()._id, wait: 'complete' }, timeout);
}

/** Files the built extension's manifest names that are not in `dir`. */
function missingFiles(dir) {
  const manifest = join(dir, 'manifest.json');
  if (!existsSync(manifest)) return ['manifest.json'];
  let m;
  try {
    m = JSON.parse(readFileSync(manifest, 'utf8'));
  } catch {
    return ['manifest.json (unreadable)'];
  }
  const files = [
    ...(m.content_scripts ?? []).flatMap((c) => [...(c.js ?? []), ...(c.css ?? [])]),
    ...(m.background?.scripts ?? []),
    ...(m.action?.default_popup ? [m.action.default_popup] : []),
  ];
  return files.filter((f) => !existsSync(join(dir, f)));
}

/** The prefs every launch gives Firefox, whatever its options (the proxy's port and `lang` come on top). */
const basePrefs = () => ({ ...QUIET_PREFS, ...extensionPrefs() });

/**
 * Makes `dir` a profile template: Firefox started in it once, with the prefs every launch sets,
 * and quit; no extension was ever installed in it, and no page but about:blank opened. What
 * Firefox does on the first start of a profile (its startup cache, its databases) is then done:
 * launchFirefox copies the template into each new profile when FIREFOX_PROFILE_TEMPLATE names one
 * (made by test/harness/e2e-setup.mjs or run-all.mjs; a folder without a profile, "none", is none),
 * which saves about a second and two of CPU per launch. A copy, not a shared folder: each browser
 * still starts on a profile of its own that no other browser has used.
 */
export async function makeProfileTemplate(dir) {
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: requireBrowser('firefox'),
    headless: true,
    userDataDir: dir,
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: basePrefs(),
  });
  await browser.close();
  // What a run leaves that a new profile must not start with: the lock, the session to restore, caches, crash reports.
  for (const name of [
    'lock',
    '.parentlock',
    'sessionstore.jsonlz4',
    'sessionstore-backups',
    'sessionCheckpoints.json',
    'cache2',
    'crashes',
    'minidumps',
    'user.js.puppeteer',
    'prefs.js.puppeteer',
  ])
    rmSync(join(dir, name), { recursive: true, force: true });
}

/**
 * Launches Firefox with `extension` (a built dist/firefox directory) installed.
 * `pages` are per-test answers (url → html), checked before the fixtures.
 * `live: true` (npm start on a reachable network) lets pages load from the
 * internet: no interception and no dead proxy. Everything else is closed.
 * `demo: true` dresses the offline pages with our stand-in stylesheets (routes.mjs; npm start only).
 *
 * `lang` (a BCP 47 tag, e.g. "zh-CN") is the browser's UI language, which picks the extension's
 * messages; Firefox needs that language's pack installed (Debian: firefox-esr-l10n-zh-cn), else it stays English.
 * `colorScheme` ('light' or 'dark') is what every page, ours included, sees as prefers-color-scheme
 * (puppeteer's per-page emulation is not in Firefox's WebDriver BiDi).
 *
 * @param {{ extension: string, headless?: boolean, pages?: Map<string, string>, live?: boolean, demo?: boolean, lang?: string, colorScheme?: 'light' | 'dark' }} options
 */
export async function launchFirefox({ extension, headless = true, pages = new Map(), live = false, demo = false, lang, colorScheme }) {
  const executablePath = requireBrowser('firefox');
  const { default: puppeteer } = await import('puppeteer-core');
  // Our own profile folder rather than puppeteer's: puppeteer deletes its temporary
  // profile asynchronously once Firefox has exited, so a test process that ends first
  // leaves it behind. tempDir removes this one on close(), on a failed start, and at exit.
  const profile = tempDir('firefox-profile');
  // A profile started once already (makeProfileTemplate), not for another language: Firefox
  // would start on the template's caches of its own language.
  const template = process.env.FIREFOX_PROFILE_TEMPLATE;
  if (template && !lang && existsSync(join(template, 'prefs.js'))) cpSync(template, profile.path, { recursive: true });
  // Firefox reads a temporary add-on's files from disk whenever it needs them
  // (content scripts on each page load, the event page on each wake): install a
  // copy, so a `npm run build` running meanwhile (it empties dist/firefox)
  // cannot break this session halfway.
  const copy = tempDir('firefox-ext');
  // What the extension's background fetches (no tab: BiDi does not see it) is answered by a
  // proxy of ours from the same fixtures (fixture-proxy.mjs); without one, the dead proxy refuses it.
  let proxy;
  const cleanup = () => {
    copy.remove();
    profile.remove();
    void proxy?.close();
  };
  let browser;
  try {
    if (!live) {
      try {
        proxy = await startFixtureProxy({ pages, demo });
      } catch (e) {
        console.warn(`firefox.mjs: no fixture proxy (${e?.message ?? e}); the extension's background requests will fail`);
      }
    }
    for (let attempt = 0; ; attempt++) {
      cpSync(extension, copy.path, { recursive: true });
      const missing = missingFiles(copy.path);
      if (!missing.length) break;
      if (attempt >= 20) throw new Error(`${extension} is incomplete (${missing.join(', ')}): run "npm run build"`);
      rmSync(copy.path, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 500)); // a build is probably writing it
    }
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath,
      headless,
      userDataDir: profile.path,
      defaultViewport: { width: 1280, height: 900 },
      // System access lets BiDi navigate tabs to moz-extension:// (the popup) and
      // reach the parent process (stopWorker); the pages themselves stay web content.
      args: ['--remote-allow-system-access'],
      // The fixture proxy's TLS server has a certificate of its own.
      acceptInsecureCerts: Boolean(proxy),
      extraPrefsFirefox: {
        ...basePrefs(),
        ...(live ? { 'network.proxy.type': 0 } : {}),
        ...(proxy ? { 'network.proxy.ssl_port': proxy.port } : {}),
        ...(lang ? { 'intl.locale.requested': lang } : {}),
        // 0 dark, 1 light (2 the system's, 3 the browser theme's).
        ...(colorScheme ? { 'layout.css.prefers-color-scheme.content-override': colorScheme === 'dark' ? 0 : 1 } : {}),
      },
    });
    const id = await browser.installExtension(copy.path);
    if (id !== GECKO_ID) throw new Error(`installed ${id}, expected ${GECKO_ID}`);
  } catch (e) {
    await browser?.close().catch(() => {});
    cleanup();
    throw e;
  }
  // Tabs the extension or a page opens get routed too.
  const routed = new WeakSet();
  const route = async (page) => {
    if (!page || routed.has(page)) return page;
    routed.add(page);
    if (!live) await routePage(page, pages, { demo });
    return page;
  };
  browser.on('targetcreated', (t) => {
    if (t.type() === 'page')
      t.page()
        .then(route)
        .catch(() => {});
  });
  for (const p of await browser.pages()) await route(p);

  /** Evaluates `expression` in the parent process (a chrome window), which needs --remote-allow-system-access. */
  const chrome = async (expression) => {
    const { result } = await browser.connection.send('browsingContext.getTree', { 'moz:scope': 'chrome', maxDepth: 0 });
    const context = result.contexts[0]?.context;
    if (!context) throw new Error('no chrome window to evaluate in');
    const r = await browser.connection.send('script.evaluate', { expression, target: { context }, awaitPromise: true, resultOwnership: 'none' });
    if (r.result.type === 'exception') throw new Error(`chrome evaluate: ${r.result.exceptionDetails.text}`);
    return r.result.result.value;
  };
  const extensionUrl = (path) => `moz-extension://${EXTENSION_UUID}/${path}`;
  return {
    browser,
    extensionId: GECKO_ID,
    extensionUrl,
    /** Routes a page opened with browser.newPage() (newPage() below already does). */
    route,
    /** A new tab, routed before it loads anything. */
    async newPage() {
      return route(await browser.newPage());
    },
    /**
     * Firefox has no extension service worker: the background is an event page,
     * which Firefox unloads after `extensions.background.idle.timeout` (30 s).
     * This unloads it now, as about:debugging's "Terminate background script"
     * does (extension.terminateBackground in the parent process, reached over
     * BiDi with system access), and resolves once its state is "stopped", so
     * the next message has to wake it, as after Chrome stops the worker.
     */
    async stopWorker() {
      const state = await chrome(`(async () => {
        const ext = WebExtensionPolicy.getByID(${JSON.stringify(GECKO_ID)})?.extension;
        if (!ext) throw new Error('PaperShelf is not installed');
        await ext.terminateBackground({ ignoreDevToolsAttached: true, disableResetIdleForTest: true });
        for (let i = 0; i < 100 && ext.backgroundState !== 'stopped'; i++) await new Promise((r) => setTimeout(r, 50));
        return ext.backgroundState;
      })()`);
      if (state !== 'stopped') throw new Error(`stopWorker: the event page is ${state}`);
    },
    async close() {
      try {
        // Killed, not shut down: the profile is thrown away just after, so nothing Firefox writes on
        // the way out (session store, caches, databases) is ever read, and a shutdown took ~0.7 s and
        // more of the other browser's CPU at every close. Puppeteer's close() kills the process
        // group (SIGKILL) after its BiDi browser.close too; here it is done first.
        const proc = browser.process();
        if (proc?.pid && proc.exitCode === null && proc.signalCode === null) {
          const exited = new Promise((r) => proc.once('exit', r));
          try {
            process.kill(-proc.pid, 'SIGKILL'); // the group: Firefox's content processes too
          } catch {
            proc.kill('SIGKILL');
          }
          await exited;
        }
        await browser.close().catch(() => {});
      } finally {
        cleanup();
      }
    },
  };
}
