/** One saved paper in the review list. */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { absUrl, hfUrl, pdfUrl, READING_STATUSES, STATUS_LABEL, TAG_MAX, updatedTo, type Paper, type ReadingStatus, type Tag } from '../shared/model';
import { lang, t } from '../shared/i18n';
import { NOTE_MAX } from '../shared/messages';
import { noteTooLongToSync } from '../shared/sync-status';

const dateFmt = new Intl.DateTimeFormat(lang(), { year: 'numeric', month: 'short', day: 'numeric' });

export function shortAuthors(authors: string[]): string {
  if (authors.length <= 3) return authors.join(', ');
  return t('popup_authorsMore', authors.slice(0, 2).join(', '), authors.length);
}

export interface RowProps {
  paper: Paper;
  tag: (key: string) => Tag | undefined;
  selected: boolean;
  focused: boolean;
  tagging: boolean;
  onSelect(on: boolean): void;
  onRemove(): void;
  onStatus(s: ReadingStatus): void;
  onNote(note: string): void;
  onAddTag(name: string): void;
  onRemoveTag(key: string): void;
  onTagging(open: boolean): void;
  tagSuggestions: string[];
}

export function Row(p: RowProps) {
  const { paper } = p;
  const [editing, setEditing] = useState(false);
  // Escape in an editor gives focus back to the button that opened it.
  const addButton = useRef<HTMLButtonElement>(null);
  const noteButton = useRef<HTMLButtonElement>(null);
  // Which opener gets focus once the editor is gone (it is not rendered while the editor is).
  const refocus = useRef<'add' | 'note' | null>(null);
  useLayoutEffect(() => {
    if (!refocus.current) return;
    (refocus.current === 'add' ? addButton : noteButton).current?.focus();
    refocus.current = null;
  });
  const href = paper.source === 'arxiv' ? absUrl(paper.id) : hfUrl(paper.id);
  const title = paper.title;
  return (
    <div class={`row${p.focused ? ' focused' : ''}`}>
      <input
        type="checkbox"
        class="pick"
        aria-label={t('popup_selectPaper', title)}
        checked={p.selected}
        onChange={(e) => p.onSelect(e.currentTarget.checked)}
      />
      <div class="main">
        <a class="title" href={href} target="_blank" rel="noopener noreferrer">
          {title}
        </a>
        <div class="meta">
          {paper.authors.length > 0 && <span>{shortAuthors(paper.authors)}</span>}
          <span class={`src src-${paper.source}`}>{paper.source === 'arxiv' ? 'arXiv' : 'Hugging Face'}</span>
          <span>{t('popup_savedOn', dateFmt.format(paper.savedAt))}</span>
          {updatedTo(paper) && <span class="updated">{t('popup_updatedTo', updatedTo(paper)!)}</span>}
          <a href={pdfUrl(paper.id)} target="_blank" rel="noopener noreferrer" aria-label={t('popup_pdfOf', title)}>
            PDF
          </a>
        </div>
        <div class="actions">
          {paper.tags.map((key) => {
            const tag = p.tag(key);
            return (
              <span class="chip" key={key} style={{ '--hue': tag?.hue ?? 0 }}>
                {tag?.name ?? key}
                <button type="button" class="x" aria-label={t('popup_removeTag', tag?.name ?? key)} onClick={() => p.onRemoveTag(key)}>
                  ×
                </button>
              </span>
            );
          })}
          {p.tagging ? (
            <TagInput
              suggestions={p.tagSuggestions}
              onAdd={p.onAddTag}
              onClose={(byKey) => {
                if (byKey) refocus.current = 'add';
                p.onTagging(false);
              }}
            />
          ) : (
            <button ref={addButton} type="button" class="small" aria-label={t('popup_addTag')} onClick={() => p.onTagging(true)}>
              <span aria-hidden="true">+ </span>
              {t('popup_addTag')}
            </button>
          )}
          <select
            aria-label={t('popup_readingStatus')}
            class={`status st-${paper.status}`}
            value={paper.status}
            onChange={(e) => p.onStatus(e.currentTarget.value as ReadingStatus)}
          >
            {READING_STATUSES.map((s) => (
              <option value={s}>{STATUS_LABEL[s]}</option>
            ))}
          </select>
          <button ref={noteButton} type="button" class="small" aria-expanded={editing} onClick={() => setEditing(!editing)}>
            {paper.note ? t('popup_editNote') : t('popup_addNote')}
          </button>
        </div>
        {editing ? (
          <NoteEditor
            note={paper.note}
            onNote={p.onNote}
            onDone={() => {
              refocus.current = 'note';
              setEditing(false);
            }}
          />
        ) : (
          paper.note && <p class="note">{paper.note}</p>
        )}
      </div>
      <button type="button" class="remove" aria-label={t('popup_remove')} title={t('popup_removeTitled', title)} onClick={p.onRemove}>
        {t('popup_remove')}
      </button>
    </div>
  );
}

/**
 * Every keystroke goes to the background (popup/notes.ts), which saves it debounced. A note
 * too long for the browser's sync says so under the editor: it stays on this device.
 */
function NoteEditor({ note, onNote, onDone }: { note: string; onNote(n: string): void; onDone(): void }) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const hint = useRef(`note-hint-${Math.random().toString(36).slice(2)}`).current;
  const [tooLong, setTooLong] = useState(() => noteTooLongToSync(note));
  // Focus before the next key press can land elsewhere (a layout effect runs right after render).
  useLayoutEffect(() => ref.current?.focus(), []);
  return (
    <>
      <textarea
        ref={ref}
        class="note-edit"
        aria-label={t('popup_note')}
        aria-describedby={tooLong ? hint : undefined}
        maxLength={NOTE_MAX}
        rows={3}
        defaultValue={note}
        onInput={(e) => {
          onNote(e.currentTarget.value);
          setTooLong(noteTooLongToSync(e.currentTarget.value));
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            onDone();
          }
        }}
      />
      {tooLong && (
        <p id={hint} class="note-hint">
          {t('popup_noteTooLong')}
        </p>
      )}
    </>
  );
}

export function TagInput({
  suggestions,
  onAdd,
  onClose,
  label = t('popup_tagName'),
}: {
  suggestions: string[];
  onAdd(name: string): void;
  onClose(byKey: boolean): void;
  label?: string;
}) {
  const ref = useRef<HTMLInputElement>(null);
  const [value, setValue] = useState('');
  const id = useRef(`tags-${Math.random().toString(36).slice(2)}`).current;
  // Focus before the next key press can land elsewhere (a layout effect runs right after render).
  useLayoutEffect(() => ref.current?.focus(), []);
  return (
    <span class="tag-input">
      <input
        ref={ref}
        list={id}
        aria-label={label}
        placeholder={t('popup_tagName')}
        maxLength={TAG_MAX}
        value={value}
        onInput={(e) => setValue(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && value.trim()) {
            e.preventDefault();
            onAdd(value);
            setValue('');
          } else if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            onClose(true);
          }
        }}
        onBlur={() => !value && onClose(false)}
      />
      <datalist id={id}>
        {suggestions.map((s) => (
          <option value={s} />
        ))}
      </datalist>
    </span>
  );
}
