/**
 * Sync through the user's own WebDAV or Nextcloud folder: connect (the host
 * permission for that server only, then the credentials and passphrase are
 * checked before anything is written), "Sync now", the last round (when, what
 * it sent and received), errors in words the user can act on, and the
 * library as it was on a day of the last 30, which can be restored (a
 * deliberate write through importLibrary, like an import).
 */
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { send } from '../shared/client';
import { formatNumber, lang, t } from '../shared/i18n';
import {
  errorKind,
  WEBDAV_SETTINGS,
  WEBDAV_SETTINGS_KEY,
  WEBDAV_STATUS,
  WEBDAV_STATUS_KEY,
  type WebDavErrorKind,
  type WebDavSettings,
  type WebDavStatus,
} from '../shared/webdav-status';
import { DavClient } from '../library/webdav/client';
import { stateOnDay } from '../library/webdav/engine';
import { importKey, unb64 } from '../library/webdav/crypto';
import type { DavState } from '../library/webdav/state';
import type { Paper, Tag } from '../shared/model';
import { connection } from '../library/db';
import { importLibrary } from '../library/import-write';
import { broadcast } from '../library/broadcast';
import { errorText } from '../shared/errors';
import { readStored } from '../shared/stored';

const db = connection();

const kB = (n: number) => formatNumber(Math.max(0.1, Math.round(n / 100) / 10));

function webDavErrorText(kind: WebDavErrorKind, status: number | undefined, message: string, retryAt?: number): string {
  const retry = retryAt ? t('options_webdavRetryAt', new Date(retryAt).toLocaleTimeString(lang())) : '';
  switch (kind) {
    case 'auth':
      return t('options_webdavErrAuth', String(status ?? 401));
    case 'full':
      return `${t('options_webdavErrFull')} ${retry}`.trim();
    case 'busy':
      return `${t('options_webdavErrBusy', String(status ?? ''))} ${retry}`.trim();
    case 'unreachable':
      return `${t('options_webdavErrUnreachable')} ${retry}`.trim();
    case 'passphrase':
      return t('options_webdavErrPassphrase');
    case 'encrypted':
      return t('options_webdavErrEncrypted');
    case 'newer':
      return t('options_webdavErrNewer');
    case 'permission':
      return t('options_webdavErrPermission');
    default:
      return `${t('options_webdavErrOther', message)} ${retry}`.trim();
  }
}

function statusLine(s: WebDavStatus | null, settings: WebDavSettings | null): string {
  if (!settings) return t('options_webdavNotConnected');
  if (!s?.ok) return s?.error ? t('options_webdavLastFailed', new Date(s.at).toLocaleString(lang())) : t('options_webdavWaiting');
  const o = s.ok;
  return t(
    'options_webdavLast',
    new Date(s.at).toLocaleString(lang()),
    formatNumber(o.sentFiles),
    kB(o.sentBytes),
    formatNumber(o.receivedFiles),
    kB(o.receivedBytes),
    formatNumber(o.papers),
    formatNumber(o.devices),
  );
}

/** A state from the folder as papers and tags for importLibrary. */
function asLibrary(s: DavState): { papers: Paper[]; tags: Tag[] } {
  const papers: Paper[] = [];
  for (const [id, p] of s.core.papers) {
    if (!p.savedAt) continue;
    const m = s.meta.get(id)?.v ?? {};
    papers.push({
      id,
      title: (m.title as string) ?? p.title ?? `arXiv:${id}`,
      authors: (m.authors as string[]) ?? [],
      url: (m.url as string) ?? `https://arxiv.org/abs/${id}`,
      source: (m.source as 'hf' | 'arxiv') ?? 'arxiv',
      ...(typeof m.abstract === 'string' ? { abstract: m.abstract } : {}),
      ...(typeof m.published === 'string' ? { published: m.published } : {}),
      ...(typeof m.version === 'string' ? { version: m.version } : {}),
      savedAt: p.savedAt,
      updatedAt: Math.max(p.savedAt, p.tagsAt, p.statusAt, p.noteAt),
      tags: p.tags,
      status: p.status,
      note: p.note ?? '',
    });
  }
  return { papers, tags: [...s.core.tags.values()].map((t) => ({ key: t.key, name: t.name, hue: t.hue })) };
}

export function WebDavSection() {
  const [url, setUrl] = useState('');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [settings, setSettings] = useState<WebDavSettings | null>(null);
  const [status, setStatus] = useState<WebDavStatus | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [day, setDay] = useState('');
  const [history, setHistory] = useState<{ day: string; papers: Paper[]; tags: Tag[] } | null>(null);
  const [restored, setRestored] = useState('');

  useEffect(() => {
    const read = () =>
      void readStored(browser.storage.local, WEBDAV_SETTINGS, WEBDAV_STATUS).then(([s, st]) => {
        setSettings(s);
        setStatus(st);
        if (s) {
          setUrl((u) => u || s.url);
          setUser((u) => u || s.user);
        }
      });
    read();
    const onChange = (changes: Record<string, browser.Storage.StorageChange>, area: string) => {
      if (area === 'local' && (changes[WEBDAV_SETTINGS_KEY] || changes[WEBDAV_STATUS_KEY])) read();
    };
    browser.storage.onChanged.addListener(onChange);
    return () => browser.storage.onChanged.removeListener(onChange);
  }, []);

  const fail = (e: unknown) => {
    const k = errorKind(e);
    setError(webDavErrorText(k.kind, k.status, errorText(e)));
  };

  const syncNow = async () => {
    setError('');
    setBusy(true);
    try {
      const r = await send('webdav.sync', {});
      if (r?.error) setError(webDavErrorText(r.error.kind, r.error.status, r.error.message, r.retryAt));
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  const connect = async () => {
    setError('');
    let parsed: URL;
    try {
      parsed = new URL(url.trim());
      if (!/^https?:$/.test(parsed.protocol)) throw new Error(parsed.protocol);
    } catch {
      setError(t('options_webdavErrUrl'));
      return;
    }
    // First, inside the click: browsers grant permissions only in answer to the user's gesture.
    // Match patterns have no port: the permission is for that host.
    const granted = await browser.permissions.request({ origins: [`${parsed.protocol}//${parsed.hostname}/*`] }).catch(() => false);
    if (!granted) {
      setError(webDavErrorText('permission', undefined, ''));
      return;
    }
    setBusy(true);
    try {
      // The background connects and syncs (its requests are the extension's, with the permission
      // just granted): the password and passphrase are checked before anything is written or kept.
      const r = await send('webdav.sync', { connect: { url: parsed.href, user, password, passphrase } });
      if (r?.error) setError(webDavErrorText(r.error.kind, r.error.status, r.error.message, r.retryAt));
      else setPassphrase('');
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  const showDay = async () => {
    if (!settings || !day) return;
    setError('');
    setRestored('');
    setBusy(true);
    try {
      const client = new DavClient(settings.url, { user: settings.user, password: settings.password });
      const { state } = await stateOnDay(client, day, settings.key ? await importKey(unb64(settings.key)) : null);
      setHistory({ day, ...asLibrary(state) });
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  const restore = async () => {
    if (!history) return;
    setBusy(true);
    try {
      const d = await db();
      const r = await importLibrary(d, history.papers, history.tags);
      await broadcast(d, r.ids, true, 'page').catch(() => {});
      setRestored(t('options_webdavRestored', formatNumber(r.added), formatNumber(r.updated), history.day));
      setHistory(null);
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  const roundError = status?.error ? webDavErrorText(status.error.kind, status.error.status, status.error.message, status.retryAt) : '';
  const shown = error || roundError;
  return (
    <section id="webdav" aria-labelledby="webdav-h">
      <h2 id="webdav-h">{t('options_webdavHeading')}</h2>
      <p class="muted">{t('options_webdavIntro')}</p>
      <form
        class="webdav"
        onSubmit={(e) => {
          e.preventDefault();
          void connect();
        }}
      >
        <label>
          {t('options_webdavUrl')}
          <input type="url" name="url" autocomplete="url" value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
        </label>
        <label>
          {t('options_webdavUser')}
          <input type="text" name="user" autocomplete="username" value={user} onInput={(e) => setUser(e.currentTarget.value)} />
        </label>
        <label>
          {t('options_webdavPassword')}
          <input type="password" name="password" autocomplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        <label>
          {t('options_webdavPassphrase')}
          <input type="password" name="passphrase" autocomplete="off" value={passphrase} onInput={(e) => setPassphrase(e.currentTarget.value)} />
        </label>
        <div class="row">
          <button type="submit" class="primary" disabled={busy}>
            {t('options_webdavConnect')}
          </button>
          <button type="button" disabled={busy || !settings} onClick={() => void syncNow()}>
            {t('options_webdavSyncNow')}
          </button>
        </div>
      </form>
      <p role="status" aria-label={t('options_webdavStateLabel')}>
        {statusLine(status, settings)}
      </p>
      {shown && (
        <p class="error" role="alert">
          {shown}
        </p>
      )}
      {settings && (
        <details>
          <summary>{t('options_webdavHistory')}</summary>
          <div class="row">
            <label>
              {t('options_webdavDay')}
              <input type="date" value={day} onInput={(e) => setDay(e.currentTarget.value)} />
            </label>
            <button type="button" disabled={busy || !day} onClick={() => void showDay()}>
              {t('options_webdavShowDay')}
            </button>
          </div>
          {history && (
            <div>
              <p>{t('options_webdavDayHeld', history.day, formatNumber(history.papers.length))}</p>
              <ul class="history">
                {history.papers.slice(0, 200).map((p) => (
                  <li key={p.id}>{p.title}</li>
                ))}
              </ul>
              <button type="button" class="primary" disabled={busy || !history.papers.length} onClick={() => void restore()}>
                {t('options_webdavRestore')}
              </button>
            </div>
          )}
          {restored && <p class="ok">{restored}</p>}
        </details>
      )}
    </section>
  );
}
