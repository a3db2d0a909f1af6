/** Sync through the browser's own sync (storage.sync): its state, and a switch. */
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { SYNC_SETTINGS_KEY, SYNC_STATUS_KEY, type SyncSettings, type SyncStatus } from '../shared/sync-status';

const when = (t?: number) => (t ? new Date(t).toLocaleString() : 'never');

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
      <h2 id="sync-h">Sync</h2>
      <p class="muted">
        Through your browser's own sync (Chrome Sync or Firefox Sync), signed in to the same account: no server of ours. For each paper it syncs the id, tags,
        reading status, date saved, and the note and a short title where they fit; authors and abstracts are filled in on the other browser when you see the
        paper there.
      </p>
      <label>
        <input type="checkbox" checked={settings.enabled} onChange={(e) => toggle(e.currentTarget.checked)} /> Sync my library
      </label>
      <p role="status" aria-label="Sync state">
        {!settings.enabled
          ? 'Sync is off: this library stays in this browser only.'
          : !status
            ? 'Waiting for the first sync.'
            : status.error
              ? `Sync failed: ${status.error}.${status.retryAt ? ` Trying again at ${new Date(status.retryAt).toLocaleTimeString()}; your library here is unaffected.` : ''}`
              : status.excluded > 0
                ? `Syncing the newest ${status.included} papers; ${status.excluded} older ones stay in this browser only (the browser's sync holds about 100 kB). Last sync: ${when(status.at)}.`
                : `All ${status.included} papers sync. Last sync: ${when(status.at)}.`}
      </p>
    </section>
  );
}
