/**
 * Sync through the browser's own sync (storage.sync): its state, a switch, and
 * exactly what does not sync and why (papers, notes, removals left out for
 * room; a device whose clock is ahead), as the last round reported it.
 */
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import {
  SYNC_DEVICE,
  SYNC_DEVICE_KEY,
  SYNC_SETTINGS,
  SYNC_SETTINGS_KEY,
  SYNC_STATUS,
  SYNC_STATUS_KEY,
  type SyncSettings,
  type SyncStatus,
} from '../shared/sync-status';
import { formatNumber, lang, t, tn } from '../shared/i18n';
import { readStored } from '../shared/stored';

const when = (at?: number) => (at ? new Date(at).toLocaleString(lang()) : t('options_syncNever'));
const DAY = 86_400_000;

function stateLine(settings: SyncSettings, status: SyncStatus | null): string {
  if (!settings.enabled) return t('options_syncOff');
  if (!status) return t('options_syncWaiting');
  if (status.error) {
    return status.retryAt
      ? t('options_syncFailedRetry', status.error, new Date(status.retryAt).toLocaleTimeString(lang()))
      : t('options_syncFailed', status.error);
  }
  return status.excluded > 0
    ? t('options_syncPartial', formatNumber(status.included), formatNumber(status.excluded), when(status.at))
    : t('options_syncAll', formatNumber(status.included), when(status.at));
}

/** The list of what the last round left out, and what it carried that the user may wonder about. */
function details(status: SyncStatus): string[] {
  const out: string[] = [];
  if (status.excluded > 0) out.push(tn('options_syncPapersOut', status.excluded));
  const notesTooLong = status.notesTooLong ?? 0;
  const notesNoRoom = (status.notesLeftOut ?? 0) - notesTooLong;
  if (notesNoRoom > 0) out.push(tn('options_syncNotesOut', notesNoRoom));
  if (notesTooLong > 0) out.push(tn('options_syncNotesTooLong', notesTooLong));
  if ((status.tombstonesLeftOut ?? 0) > 0) out.push(tn('options_syncRemovalsOut', status.tombstonesLeftOut!));
  if ((status.tombstones ?? 0) > 0) out.push(tn('options_syncRemovalsSent', status.tombstones!));
  if (status.ahead) out.push(t('options_syncAhead', status.ahead.device, formatNumber(Math.max(1, Math.round(status.ahead.ms / DAY)))));
  return out;
}

export function SyncSection() {
  const [settings, setSettings] = useState<SyncSettings>({ enabled: true });
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [device, setDevice] = useState('');
  useEffect(() => {
    const read = () =>
      void readStored(browser.storage.local, SYNC_SETTINGS, SYNC_STATUS, SYNC_DEVICE).then(([s, st, d]) => {
        setSettings(s);
        setStatus(st);
        setDevice(d ?? '');
      });
    read();
    const onChange = (changes: Record<string, browser.Storage.StorageChange>, area: string) => {
      if (area === 'local' && (changes[SYNC_STATUS_KEY] || changes[SYNC_SETTINGS_KEY] || changes[SYNC_DEVICE_KEY])) read();
    };
    browser.storage.onChanged.addListener(onChange);
    return () => browser.storage.onChanged.removeListener(onChange);
  }, []);

  const toggle = (enabled: boolean) => {
    const next = { ...settings, enabled };
    setSettings(next);
    void browser.storage.local.set({ [SYNC_SETTINGS_KEY]: next });
  };

  const items = settings.enabled && status && !status.error ? details(status) : [];
  return (
    <section id="sync" aria-labelledby="sync-h">
      <h2 id="sync-h">{t('options_syncHeading')}</h2>
      <p class="muted">{t('options_syncIntro')}</p>
      <label>
        <input type="checkbox" checked={settings.enabled} onChange={(e) => toggle(e.currentTarget.checked)} /> {t('options_syncToggle')}
      </label>
      <p role="status" aria-label={t('options_syncStateLabel')}>
        {stateLine(settings, status)}
      </p>
      {items.length > 0 && (
        <div id="sync-details">
          <h3>{t('options_syncLeftOutHeading')}</h3>
          <ul>
            {items.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </div>
      )}
      {settings.enabled && device && <p class="muted">{t('options_syncDevice', device)}</p>}
    </section>
  );
}
