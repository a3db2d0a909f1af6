/** Listing pages: the keyboard triage keys and the ranking on cards, each with its switch. */
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { DEFAULTS, LISTING_SETTINGS, SETTINGS_KEY, type Settings } from '../shared/settings';
import { readStored } from '../shared/stored';
import { t } from '../shared/i18n';

export function ListingSection() {
  const [settings, setSettings] = useState<Settings>(DEFAULTS);
  useEffect(
    () =>
      void readStored(browser.storage.local, LISTING_SETTINGS).then(
        ([s]) => setSettings(s),
        () => {},
      ),
    [],
  );
  const set = (next: Partial<Settings>) => {
    const s = { ...settings, ...next };
    setSettings(s);
    void browser.storage.local.set({ [SETTINGS_KEY]: s });
  };
  return (
    <section id="listings" aria-labelledby="listings-h">
      <h2 id="listings-h">{t('options_listingsHeading')}</h2>
      <p>
        <label>
          <input type="checkbox" checked={settings.ranking} onChange={(e) => set({ ranking: e.currentTarget.checked })} /> {t('options_listingsRanking')}
        </label>
      </p>
      <p>
        <label>
          <input type="checkbox" checked={settings.triageKeys} onChange={(e) => set({ triageKeys: e.currentTarget.checked })} />{' '}
          {t('options_listingsTriageKeys')}
        </label>
      </p>
      <p class="muted">{t('options_listingsKeysNote')}</p>
    </section>
  );
}
