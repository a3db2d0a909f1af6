/**
 * The welcome page, opened once on install (background/index.ts) and linked
 * from the options page: what PaperShelf does and where, its keys, where the
 * library lives, exactly what sync sends, with sync's switch. The sites come
 * from the manifest (shared/access.ts), the shortcuts from the browser (what
 * the user set, not what we suggested). Where Firefox installed without site
 * access, the AccessBanner says so first and asks.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { contentOrigins, hostOf, siteReason } from '../shared/access';
import { formatNumber, parts, t, type MessageKey } from '../shared/i18n';
import { TOMBSTONE_TTL } from '../library/sync';
import { TITLE_MAX } from '../library/sync-state';
import { AccessBanner } from '../ui/AccessBanner';
import { SyncSection } from '../ui/SyncSection';
import { persisted } from '../shared/persisted';
import { testId } from '../ui/test-id';

/** Where each browser lets the user change an extension's shortcuts (shown as code, not translated). */
const FIREFOX_SHORTCUTS = 'about:addons';
const CHROME_SHORTCUTS = 'chrome://extensions/shortcuts';

const isFirefox = () => browser.runtime.getURL('').startsWith('moz-extension:');

/** The manifest's match patterns by host: "huggingface.co" → ["huggingface.co/papers…"]. */
function sitesFromManifest(): [string, string[]][] {
  const byHost = new Map<string, string[]>();
  for (const origin of contentOrigins()) {
    const host = hostOf(origin);
    const page = origin.replace(/^[^:]+:\/\//, '').replace(/\*$/, '…');
    byHost.set(host, [...(byHost.get(host) ?? []), page]);
  }
  return [...byHost];
}

const Keys = ({ keys }: { keys: string }) => (
  <>
    {keys.split(' ').map((k, i) => (
      <>
        {i > 0 && ' '}
        <kbd>{k}</kbd>
      </>
    ))}
  </>
);

function KeyList({ items }: { items: [string, ComponentChildren][] }) {
  return (
    <dl class="keys">
      {items.map(([keys, what]) => (
        <>
          <dt>
            <Keys keys={keys} />
          </dt>
          <dd>{what}</dd>
        </>
      ))}
    </dl>
  );
}

interface Command {
  name?: string;
  description?: string;
  shortcut?: string;
}

const COMMAND_TEXT: Record<string, MessageKey> = {
  _execute_action: 'welcome_cmdOpen',
  'save-page': 'welcome_cmdSavePage',
};

function Shortcuts() {
  const [commands, setCommands] = useState<Command[] | null>(null);
  useEffect(() => void browser.commands.getAll().then(setCommands, () => setCommands([])), []);
  const firefox = isFirefox();
  return (
    <>
      <h3>{t('welcome_shortcutsHeading')}</h3>
      {commands === null ? (
        <p>{t('welcome_shortcutsReading')}</p>
      ) : (
        <dl class="keys" {...testId('shortcuts')}>
          {commands
            .filter((c) => c.name && COMMAND_TEXT[c.name])
            .map((c) => (
              <>
                <dt>{c.shortcut ? <Keys keys={c.shortcut.replace(/\+/g, ' + ')} /> : <span class="muted">{t('welcome_shortcutNotSet')}</span>}</dt>
                <dd data-command={c.name}>{t(COMMAND_TEXT[c.name!])}</dd>
              </>
            ))}
        </dl>
      )}
      <p class="muted">
        {firefox
          ? parts('welcome_shortcutsFirefox', <code>{FIREFOX_SHORTCUTS}</code>, <em>{t('welcome_manageShortcuts')}</em>)
          : parts(
              'welcome_shortcutsChrome',
              <code>{CHROME_SHORTCUTS}</code>,
              <button type="button" onClick={() => void browser.tabs.create({ url: CHROME_SHORTCUTS })}>
                {t('welcome_openShortcuts')}
              </button>,
            )}
      </p>
    </>
  );
}

function Data() {
  const [kept, setKept] = useState<boolean | null | undefined>(undefined);
  useEffect(() => void persisted().then(setKept, () => setKept(null)), []);
  return (
    <section id="data" aria-labelledby="data-h">
      <h2 id="data-h">{t('welcome_dataHeading')}</h2>
      <p>{t('welcome_dataText')}</p>
      {kept !== undefined && (
        <p role="status" {...testId('persistence')}>
          {kept === true ? t('welcome_dataPersistent') : kept === false ? t('welcome_dataNotPersistent') : t('welcome_dataUnknown')}
        </p>
      )}
    </section>
  );
}

export function Welcome() {
  const sites = sitesFromManifest();
  return (
    <main>
      <h1>{t('welcome_heading')}</h1>
      <p class="lead">{t('welcome_lead')}</p>
      <AccessBanner />

      <section id="what" aria-labelledby="what-h">
        <h2 id="what-h">{t('welcome_whatHeading')}</h2>
        <ul>
          <li>{parts('welcome_whatCards', <strong>{t('welcome_saveButton')}</strong>, <strong>{t('welcome_tagButton')}</strong>)}</li>
          <li>{t('welcome_whatPopup')}</li>
          <li>{parts('welcome_whatMenu', <em>{t('welcome_menuSave')}</em>)}</li>
          <li>{t('welcome_whatExport')}</li>
        </ul>
      </section>

      <section id="sites" aria-labelledby="sites-h">
        <h2 id="sites-h">{t('welcome_sitesHeading')}</h2>
        <ul class="sites" {...testId('sites')}>
          {sites.map(([host, pages]) => (
            <li key={host} data-host={host}>
              {parts<ComponentChildren>('welcome_siteItem', <strong>{host}</strong>, siteReason(host), pages.join(', '))}
            </li>
          ))}
        </ul>
        <p class="muted">{t('welcome_sitesOnly')}</p>
      </section>

      <section id="keys" aria-labelledby="keys-h">
        <h2 id="keys-h">{t('welcome_keysHeading')}</h2>
        <Shortcuts />
        <h3>{t('welcome_cardKeysHeading')}</h3>
        <KeyList
          items={[
            ['Tab', t('welcome_keyCardTab')],
            ['Enter', t('welcome_keyCardEnter')],
            ['↑ ↓', t('welcome_keyCardArrows')],
            ['Backspace', t('welcome_keyCardBackspace')],
            ['Esc', t('welcome_keyCardEsc')],
          ]}
        />
        <h3>{t('welcome_listingKeysHeading')}</h3>
        <KeyList
          items={[
            ['j k', t('welcome_keyListMove')],
            ['s', t('welcome_keyListSave')],
            ['x', t('welcome_keyListNotRelevant')],
            ['a', t('welcome_keyListAccept')],
            ['1–9', t('welcome_keyListTag')],
            ['o', t('welcome_keyListOpen')],
            ['?', t('welcome_keyListHelp')],
          ]}
        />
        <h3>{t('welcome_popupKeysHeading')}</h3>
        <KeyList
          items={[
            ['/', t('welcome_keyPopupSearch')],
            ['↑ ↓ j k', t('welcome_keyPopupMove')],
            ['Enter', t('welcome_keyPopupOpen')],
            ['s', t('welcome_keyPopupStatus')],
            ['t', t('welcome_keyPopupTag')],
            ['Delete', t('welcome_keyPopupDelete')],
          ]}
        />
      </section>

      <Data />

      <section id="sync-what" aria-labelledby="sync-what-h">
        <h2 id="sync-what-h">{t('welcome_syncHeading')}</h2>
        <p>{t('welcome_syncIntro')}</p>
        <ul {...testId('sync-fields')}>
          <li>{t('welcome_syncFieldIds')}</li>
          <li>{t('welcome_syncFieldNote', formatNumber(TITLE_MAX))}</li>
        </ul>
        <p>{t('welcome_syncRest', formatNumber(TOMBSTONE_TTL / 86_400_000))}</p>
      </section>
      <SyncSection />

      <p class="muted">{parts('welcome_alsoOnSettings', <a href={browser.runtime.getURL('src/options/index.html')}>{t('welcome_settingsLink')}</a>)}</p>
    </main>
  );
}
