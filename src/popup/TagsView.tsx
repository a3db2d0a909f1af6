/** Tag management: every tag with its count; rename, merge into another, delete. */
import { useState } from 'preact/hooks';
import { TAG_MAX, type TagCount } from '../shared/model';
import { formatNumber, t } from '../shared/i18n';

export interface TagsViewProps {
  tags: TagCount[];
  onRename(key: string, name: string): void;
  onMerge(from: string, into: string): void;
  onDelete(key: string): void;
  onFilter(key: string): void;
}

export function TagsView({ tags, onRename, onMerge, onDelete, onFilter }: TagsViewProps) {
  const [renaming, setRenaming] = useState<string | null>(null);
  if (!tags.length) return <p class="empty">{t('popup_noTags')}</p>;
  return (
    <ul class="tags" aria-label={t('popup_tagsLabel')}>
      {tags.map(({ tag, count }) => (
        <li key={tag.key} class="tag-row">
          <span class="chip" style={{ '--hue': tag.hue }}>
            {tag.name}
          </span>
          <span class="count">{formatNumber(count)}</span>
          {renaming === tag.key ? (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                const name = new FormData(e.currentTarget).get('name');
                if (typeof name === 'string' && name.trim()) onRename(tag.key, name);
                setRenaming(null);
              }}
            >
              <input
                name="name"
                aria-label={t('popup_newNameFor', tag.name)}
                defaultValue={tag.name}
                maxLength={TAG_MAX}
                ref={(el) => el?.focus()}
                onKeyDown={(e) => e.key === 'Escape' && setRenaming(null)}
              />
              <button type="submit">{t('popup_save')}</button>
            </form>
          ) : (
            <span class="tag-actions">
              <button type="button" class="small" onClick={() => onFilter(tag.key)} aria-label={t('popup_showTagged', tag.name)}>
                {t('popup_show')}
              </button>
              <button type="button" class="small" onClick={() => setRenaming(tag.key)} aria-label={t('popup_renameTag', tag.name)}>
                {t('popup_rename')}
              </button>
              {tags.length > 1 && (
                <select
                  class="small"
                  aria-label={t('popup_mergeInto', tag.name)}
                  value=""
                  onChange={(e) => e.currentTarget.value && onMerge(tag.key, e.currentTarget.value)}
                >
                  <option value="">{t('popup_mergeIntoOption')}</option>
                  {tags
                    .filter((o) => o.tag.key !== tag.key)
                    .map((o) => (
                      <option value={o.tag.key}>{o.tag.name}</option>
                    ))}
                </select>
              )}
              <button type="button" class="small danger" onClick={() => onDelete(tag.key)} aria-label={t('popup_deleteTag', tag.name)}>
                {t('popup_delete')}
              </button>
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
