/** Listing pages: the keyboard triage keys and the ranking on cards, each with its switch. */
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { DEFAULTS, readSettings, SETTINGS_KEY, type Settings } from '../shared/settings';

export function ListingSection() {
  const [settings, setSettings] = useState<Settings>(DEFAULTS);
  useEffect(() => void browser.storage.local.get(SETTINGS_KEY).then((r) => setSettings(readSettings(r[SETTINGS_KEY])), () => {}), []);
  const set = (next: Partial<Settings>) => {
    const s = { ...settings, ...next };
    setSettings(s);
    void browser.storage.local.set({ [SETTINGS_KEY]: s });
  };
  return (
    <section id="listings" aria-labelledby="listings-h">
      <h2 id="listings-h">On listing pages</h2>
      <p>
        <label>
          <input type="checkbox" checked={settings.ranking} onChange={(e) => set({ ranking: e.currentTarget.checked })} /> Rank cards for me: a relevance
          meter and suggested tags, learned on this device from my tags
        </label>
      </p>
      <p>
        <label>
          <input type="checkbox" checked={settings.triageKeys} onChange={(e) => set({ triageKeys: e.currentTarget.checked })} /> Keyboard triage: j / k move,
          s save, x not relevant, 1–9 tag, o open, ? the keys
        </label>
      </p>
      <p class="muted">The keys never act while you type in a field, and never take a key the page itself uses.</p>
    </section>
  );
}
