/** The review list's filters: reading status, tags (all of them must match), sort; the tag filters in force as chips. */
import { memo } from './memo';
import { READING_STATUSES, STATUS_LABEL, type Tag, type TagCount } from '../shared/model';
import { formatNumber, t } from '../shared/i18n';
import type { SortKey, View } from '../shared/query';

interface Props {
  status: View['status'];
  tags: string[];
  sort: SortKey;
  /** Whether there is a query (the relevance sort is offered then). */
  query: boolean;
  allTags: TagCount[];
  tag(key: string): Tag | undefined;
  setView(next: Partial<View>): void;
}

/** Memoised on what it shows: a keystroke in the search box does not rebuild the tag list's options. */
export const Filters = memo(function Filters({ status, tags, sort, query, allTags, tag, setView }: Props) {
  const tagName = (k: string) => tag(k)?.name ?? k;
  return (
    <>
      <div class="filters">
        <select aria-label={t('popup_filterStatusLabel')} value={status} onChange={(e) => setView({ status: e.currentTarget.value as View['status'] })}>
          <option value="">{t('popup_anyStatus')}</option>
          {READING_STATUSES.map((s) => (
            <option value={s}>{STATUS_LABEL[s]}</option>
          ))}
        </select>
        <select aria-label={t('popup_filterTagLabel')} value="" onChange={(e) => e.currentTarget.value && setView({ tags: [...tags, e.currentTarget.value] })}>
          <option value="">{t('popup_addTagFilter')}</option>
          {allTags
            .filter((tc) => !tags.includes(tc.tag.key))
            .map((tc) => (
              <option value={tc.tag.key}>{t('popup_tagWithCount', tc.tag.name, formatNumber(tc.count))}</option>
            ))}
        </select>
        <select aria-label={t('popup_sortLabel')} value={sort} onChange={(e) => setView({ sort: e.currentTarget.value as SortKey })}>
          {query && <option value="relevance">{t('popup_sortRelevance')}</option>}
          <option value="saved">{t('popup_sortSaved')}</option>
          <option value="published">{t('popup_sortPublished')}</option>
          <option value="title">{t('popup_sortTitle')}</option>
          <option value="upvotes">{t('popup_sortUpvotes')}</option>
        </select>
      </div>
      {tags.length > 0 && (
        <fieldset class="active-tags" aria-label={t('popup_tagFiltersLabel')}>
          {tags.map((k) => (
            <span class="chip" style={{ '--hue': tag(k)?.hue ?? 0 }}>
              {tagName(k)}
              <button type="button" class="x" aria-label={t('popup_removeFilter', tagName(k))} onClick={() => setView({ tags: tags.filter((x) => x !== k) })}>
                ×
              </button>
            </span>
          ))}
        </fieldset>
      )}
    </>
  );
});
