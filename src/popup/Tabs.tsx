/** The popup's header: its icon, the tablist of its views, the menu (the options page). */
import { memo } from './memo';
import browser from 'webextension-polyfill';
import { formatNumber, t } from '../shared/i18n';

/** The popup's views, in the tablist's order. */
export const TABS = ['papers', 'digest', 'tags', 'trash'] as const;
export type TabId = (typeof TABS)[number];

interface Props {
  tab: TabId;
  setTab(id: TabId): void;
  /** The papers' count, once the whole list is in (null before). */
  total: number | null;
  tagCount: number;
}

/** Memoised: typing in the search box re-renders the popup, not its header. */
export const Tabs = memo(function Tabs({ tab, setTab, total, tagCount }: Props) {
  return (
    <header>
      {/* The icon, not the name: four tabs and the menu fill the popup's width. */}
      <h1>
        <img src="/icons/icon-32.png" width={20} height={20} alt={t('extName')} />
      </h1>
      <div role="tablist" aria-label={t('popup_viewsLabel')} class="tabs">
        {TABS.map((id) => (
          <button
            key={id}
            id={`tab-${id}`}
            role="tab"
            type="button"
            aria-selected={tab === id}
            aria-controls={`panel-${id}`}
            tabIndex={tab === id ? 0 : -1}
            onClick={() => setTab(id)}
            onKeyDown={(e) => {
              // Tabs as the ARIA pattern has them: arrows move between them.
              const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
              if (!step) return;
              e.preventDefault();
              const next = TABS[(TABS.indexOf(id) + step + TABS.length) % TABS.length];
              setTab(next);
              document.getElementById(`tab-${next}`)?.focus();
            }}
          >
            {id === 'papers'
              ? total !== null
                ? t('popup_tabPapersCount', formatNumber(total))
                : t('popup_tabPapers')
              : id === 'digest'
                ? t('popup_tabDigest')
                : id === 'tags'
                  ? t('popup_tabTagsCount', formatNumber(tagCount))
                  : t('popup_tabTrash')}
          </button>
        ))}
      </div>
      <button
        type="button"
        class="menu"
        title={t('popup_menuTitle')}
        aria-label={t('popup_menuLabel')}
        onClick={() => void browser.runtime.openOptionsPage().then(() => close())}
      >
        ⋯
      </button>
    </header>
  );
});
