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
import { contentOrigins, hostOf, SITE_REASONS } from '../shared/access';
import { TITLE_MAX, TOMBSTONE_TTL } from '../library/sync';
import { AccessBanner } from '../ui/AccessBanner';
import { SyncSection } from '../options/SyncSection';

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

const COMMAND_TEXT: Record<string, string> = {
  _execute_action: 'Open PaperShelf (the toolbar popup)',
  'save-page': 'Save the paper of this page (an arXiv abstract or PDF page, a Hugging Face paper page)',
};

function Shortcuts() {
  const [commands, setCommands] = useState<Command[] | null>(null);
  useEffect(() => void browser.commands.getAll().then(setCommands, () => setCommands([])), []);
  const firefox = isFirefox();
  return (
    <>
      <h3>Browser shortcuts</h3>
      {commands === null ? (
        <p>Reading your shortcuts…</p>
      ) : (
        <dl class="keys" data-testid="shortcuts">
          {commands
            .filter((c) => c.name && COMMAND_TEXT[c.name])
            .map((c) => (
              <>
                <dt>{c.shortcut ? <Keys keys={c.shortcut.replace(/\+/g, ' + ')} /> : <span class="muted">not set</span>}</dt>
                <dd data-command={c.name}>{COMMAND_TEXT[c.name!]}</dd>
              </>
            ))}
        </dl>
      )}
      <p class="muted">
        {firefox ? (
          <>
            To change them: <code>about:addons</code> → ⚙ (the gear) → <em>Manage Extension Shortcuts</em>.
          </>
        ) : (
          <>
            To change them: <code>chrome://extensions/shortcuts</code>{' '}
            <button type="button" onClick={() => void browser.tabs.create({ url: 'chrome://extensions/shortcuts' })}>
              Open
            </button>
          </>
        )}{' '}
        The save key works on a paper's page; anywhere else its badge shows {'“✕”'} for a moment.
      </p>
    </>
  );
}

/** Whether the browser keeps the library under disk pressure; asked for once here, as on the options page. */
async function persistent(): Promise<boolean | null> {
  if (!navigator.storage?.persisted) return null;
  if (await navigator.storage.persisted()) return true;
  return navigator.storage.persist ? navigator.storage.persist().catch(() => false) : false;
}

function Data() {
  const [kept, setKept] = useState<boolean | null | undefined>(undefined);
  useEffect(() => void persistent().then(setKept, () => setKept(null)), []);
  return (
    <section id="data" aria-labelledby="data-h">
      <h2 id="data-h">Where your library lives</h2>
      <p>
        In this browser only, in PaperShelf's own database (IndexedDB): no account, no server of ours. Removing PaperShelf removes it, so keep a backup now and
        then (settings → Export → PaperShelf backup).
      </p>
      {kept !== undefined && (
        <p role="status" data-testid="persistence">
          {kept === true
            ? 'Its storage is persistent: the browser will not clear it to free disk space.'
            : kept === false
              ? 'Its storage is not marked persistent: under disk pressure the browser may clear it.'
              : 'This browser does not say whether its storage is persistent.'}
        </p>
      )}
    </section>
  );
}

export function Welcome() {
  const sites = sitesFromManifest();
  return (
    <main>
      <h1>Welcome to PaperShelf</h1>
      <p class="lead">Save, tag and review papers while you skim Hugging Face Papers and arXiv. Everything stays in your browser.</p>
      <AccessBanner />

      <section id="what" aria-labelledby="what-h">
        <h2 id="what-h">What it does</h2>
        <ul>
          <li>
            Every paper card gets a <strong>☆ Save</strong> button and <strong>+ Tag</strong> chips. A paper saved on Hugging Face shows “★ Saved” on arXiv too:
            one paper, one record.
          </li>
          <li>The toolbar button opens your shelf: search, filter by tag and reading status, sort, write notes, tag and remove in bulk, undo.</li>
          <li>
            Anywhere else nothing runs: right-click a link to a paper → <em>Save to PaperShelf</em>. Its title, authors and abstract are then asked of Hugging
            Face's paper API, or failing that of the paper's arXiv page: one request per paper, without cookies.
          </li>
          <li>Export BibTeX, CSL-JSON, CSV or Markdown, and back up or import your library, on the settings page.</li>
        </ul>
      </section>

      <section id="sites" aria-labelledby="sites-h">
        <h2 id="sites-h">Where it works</h2>
        <ul class="sites" data-testid="sites">
          {sites.map(([host, pages]) => (
            <li key={host} data-host={host}>
              <strong>{host}</strong>: {SITE_REASONS[host] ?? 'to add its controls to paper cards'} ({pages.join(', ')})
            </li>
          ))}
        </ul>
        <p class="muted">Only these pages; PaperShelf reads nothing else you browse.</p>
      </section>

      <section id="keys" aria-labelledby="keys-h">
        <h2 id="keys-h">Keys</h2>
        <Shortcuts />
        <h3>On a paper card</h3>
        <KeyList
          items={[
            ['Tab', 'reaches Save, + Tag and each tag (the focus is always visible)'],
            ['Enter', 'saves or unsaves, opens the tag editor; in the editor it adds the tag'],
            ['↑ ↓', 'pick a suggestion in the tag editor'],
            ['Backspace', 'on an empty tag input, removes the last tag'],
            ['Esc', 'closes the tag editor'],
          ]}
        />
        <h3>On a listing page</h3>
        <KeyList
          items={[
            ['j k', 'next / previous paper'],
            ['s', 'save or unsave it'],
            ['x', 'not relevant: fewer like it'],
            ['1–9', 'add the 1st to 9th suggested tag'],
            ['o', 'open it'],
            ['?', 'show these keys on the page'],
          ]}
        />
        <h3>In the popup</h3>
        <KeyList
          items={[
            ['/', 'search'],
            ['↑ ↓ j k', 'move between papers'],
            ['Enter', 'open the paper'],
            ['s', 'next reading status (to read → reading → read)'],
            ['t', 'tag it'],
            ['Delete', 'remove it (undo for a few seconds)'],
          ]}
        />
      </section>

      <Data />

      <section id="sync-what" aria-labelledby="sync-what-h">
        <h2 id="sync-what-h">What sync sends</h2>
        <p>
          Sync goes to your browser's own sync account (Chrome Sync or Firefox Sync), never to a server of ours, and only when you are signed in there. The browser
          gives each extension about 100 kB; for each paper, newest first while they fit:
        </p>
        <ul data-testid="sync-fields">
          <li>its arXiv id, tags, reading status and date saved, with the time each was last changed;</li>
          <li>your note, and a title of at most {TITLE_MAX} characters, where there is room left;</li>
        </ul>
        <p>
          and the names of your tags, and the ids of papers you removed (for {TOMBSTONE_TTL / 86_400_000} days, so the removal reaches your other browsers). Nothing else: no authors, no
          abstracts (each browser fills them in when it sees the paper), no pages you visited.
        </p>
      </section>
      <SyncSection />

      <p class="muted">
        Everything here is also on the <a href={browser.runtime.getURL('src/options/index.html')}>settings page</a>.
      </p>
    </main>
  );
}
