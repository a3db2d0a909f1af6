/**
 * One quiet line at the foot of the popup when the last round of the browser's
 * sync left something out (papers, notes, removals; shared/sync-status.ts
 * leftOut), with a link to the options page's sync section, which says why.
 */
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { leftOut, SYNC_SETTINGS, SYNC_SETTINGS_KEY, SYNC_STATUS, SYNC_STATUS_KEY, type SyncStatus } from '../shared/sync-status';
import { parts, t } from '../shared/i18n';
import { leftOutList } from './sync-line';
import { readStored } from '../shared/stored';

export function SyncNote() {
  const [status, setStatus] = useState<SyncStatus | null>(null);
  useEffect(() => {
    // With sync switched off nothing syncs, and the options page says so: no line here then.
    const read = () =>
      void readStored(browser.storage.local, SYNC_SETTINGS, SYNC_STATUS).then(
        ([settings, st]) => setStatus(settings.enabled ? st : null),
        () => setStatus(null),
      );
    read();
    const onChange = (changes: Record<string, browser.Storage.StorageChange>, area: string) => {
      if (area === 'local' && (changes[SYNC_STATUS_KEY] || changes[SYNC_SETTINGS_KEY])) read();
    };
    browser.storage.onChanged.addListener(onChange);
    return () => browser.storage.onChanged.removeListener(onChange);
  }, []);
  if (!leftOut(status)) return null;
  const url = browser.runtime.getURL('src/options/index.html#sync');
  const link = (
    <a
      href={url}
      target="_blank"
      rel="noopener"
      onClick={(e) => {
        // A tab of its own, and the popup closes, as the ⋯ menu's options page does.
        e.preventDefault();
        void browser.tabs.create({ url }).then(() => close());
      }}
    >
      {t('popup_syncSeeWhy')}
    </a>
  );
  return <footer class="sync-note">{parts('popup_syncLeftOut', <span>{leftOutList(status!)}</span>, link)}</footer>;
}
