/** Sync through the browser's own sync (storage.sync): its state, and a switch. */
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { SYNC_SETTINGS_KEY, SYNC_STATUS_KEY, type SyncSettings, type SyncStatus } from '../shared/sync-status';
import { formatNumber, lang, t } from '../shared/i18n';

const when = (at?: number) => (at ? new Date(at).toLocaleString(lang()) : t('options_syncNever'));

export function SyncSection() {
  const [settings, setSettings] = useState<SyncSettings>({ enabled: true });
  const [status, setStatus] = useState<SyncStatus | null>(null);
  useEffect(() => {
    const read = () =>
      void browser.storage.local.get([SYNC_SETTINGS_KEY, SYNC_STATUS_KEY]).then((r) => {
        setSettings((r[SYNC_SETTINGS_KEY] as SyncSettings) ?? { enabled: true });
        setStatus((r[SYNC_STATUS_KEY] as SyncStatus) ?? null);
      });
    read();
    const onChange = (changes: Record<string, browser.Storage.StorageChange>, area: string) => {
      if (area === 'local' && (changes[SYNC_STATUS_KEY] || changes[SYNC_SETTINGS_KEY])) read();
    };
    browser.storage.onChanged.addListener(onChange);
    return () => browser.storage.onChanged.removeListener(onChange);
  }, []);

  const toggle = (enabled: boolean) => {
    const next = { ...settings, enabled };
    setSettings(next);
    void browser.storage.local.set({ [SYNC_SETTINGS_KEY]: next });
  };

  return (
    <section id="sync" aria-labelledby="sync-h">
      <h2 id="sync-h">{t('options_syncHeading')}</h2>
      <p class="muted">{t('options_syncIntro')}</p>
      <label>
        <input type="checkbox" checked={settings.enabled} onChange={(e) => toggle(e.currentTarget.checked)} /> {t('options_syncToggle')}
      </label>
      <p role="status" aria-label={t('options_syncStateLabel')}>
        {!settings.enabled
          ? t('options_syncOff')
          : !status
            ? t('options_syncWaiting')
            : status.error
              ? status.retryAt
                ? t('options_syncFailedRetry', status.error, new Date(status.retryAt).toLocaleTimeString(lang()))
                : t('options_syncFailed', status.error)
              : status.excluded > 0
                ? t('options_syncPartial', formatNumber(status.included), formatNumber(status.excluded), when(status.at))
                : t('options_syncAll', formatNumber(status.included), when(status.at))}
      </p>
    </section>
  );
}
