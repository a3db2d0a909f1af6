/** Tag management: every tag with its count; rename, merge into another, delete. */
import { useState } from 'preact/hooks';
import type { TagCount } from '../shared/model';

export interface TagsViewProps {
  tags: TagCount[];
  onRename(key: string, name: string): void;
  onMerge(from: string, into: string): void;
  onDelete(key: string): void;
  onFilter(key: string): void;
}

export function TagsView({ tags, onRename, onMerge, onDelete, onFilter }: TagsViewProps) {
  const [renaming, setRenaming] = useState<string | null>(null);
  if (!tags.length) return <p class="empty">No tags yet. Add one from a paper card (“+ Tag”) or from a paper here.</p>;
  return (
    <ul class="tags" aria-label="Tags">
      {tags.map(({ tag, count }) => (
        <li key={tag.key} class="tag-row">
          <span class="chip" style={{ '--hue': tag.hue }}>
            {tag.name}
          </span>
          <span class="count">{count}</span>
          {renaming === tag.key ? (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                const name = new FormData(e.currentTarget).get('name');
                if (typeof name === 'string' && name.trim()) onRename(tag.key, name);
                setRenaming(null);
              }}
            >
              <input name="name" aria-label={`New name for ${tag.name}`} defaultValue={tag.name} maxLength={40} ref={(el) => el?.focus()} onKeyDown={(e) => e.key === 'Escape' && setRenaming(null)} />
              <button type="submit">Save</button>
            </form>
          ) : (
            <span class="tag-actions">
              <button type="button" class="small" onClick={() => onFilter(tag.key)} aria-label={`Show papers tagged ${tag.name}`}>
                Show
              </button>
              <button type="button" class="small" onClick={() => setRenaming(tag.key)} aria-label={`Rename ${tag.name}`}>
                Rename
              </button>
              {tags.length > 1 && (
                <select
                  class="small"
                  aria-label={`Merge ${tag.name} into`}
                  value=""
                  onChange={(e) => e.currentTarget.value && onMerge(tag.key, e.currentTarget.value)}
                >
                  <option value="">Merge into…</option>
                  {tags
                    .filter((t) => t.tag.key !== tag.key)
                    .map((t) => (
                      <option value={t.tag.key}>{t.tag.name}</option>
                    ))}
                </select>
              )}
              <button type="button" class="small danger" onClick={() => onDelete(tag.key)} aria-label={`Delete tag ${tag.name}`}>
                Delete
              </button>
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
