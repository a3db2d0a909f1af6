/**
 * One row of the virtual list: its <li> (position, cursor, measuring) around Row. Memoised, with
 * stable callbacks (RowActions), so a keystroke redraws only the rows whose paper or state changed.
 */
import { memo } from './memo';
import type { Paper, ReadingStatus, Tag } from '../shared/model';
import { Row } from './Row';

/** What a row can do, by paper id: one object for every row, kept for the popup's life. */
export interface RowActions {
  select(id: string, on: boolean): void;
  remove(id: string): void;
  status(id: string, status: ReadingStatus): void;
  note(id: string, note: string): void;
  addTag(id: string, name: string): void;
  removeTag(id: string, key: string): void;
  tagging(id: string | null): void;
  focus(index: number): void;
}

interface Props {
  paper: Paper;
  index: number;
  start: number;
  focused: boolean;
  selected: boolean;
  tagging: boolean;
  tag(key: string): Tag | undefined;
  suggestions: string[];
  actions: RowActions;
  measure(el: HTMLElement | null): void;
}

export const ListRow = memo(function ListRow({ paper: p, index, start, focused, selected, tagging, tag, suggestions, actions, measure }: Props) {
  return (
    <li
      data-index={index}
      ref={measure}
      tabIndex={focused ? 0 : -1}
      onFocusCapture={() => actions.focus(index)}
      style={{ transform: `translateY(${start}px)` }}
    >
      <Row
        paper={p}
        tag={tag}
        selected={selected}
        focused={focused}
        tagging={tagging}
        tagSuggestions={suggestions}
        onSelect={(on) => actions.select(p.id, on)}
        onRemove={() => actions.remove(p.id)}
        onStatus={(st) => actions.status(p.id, st)}
        onNote={(note) => actions.note(p.id, note)}
        onAddTag={(name) => actions.addTag(p.id, name)}
        onRemoveTag={(key) => actions.removeTag(p.id, key)}
        onTagging={(open) => actions.tagging(open ? p.id : null)}
      />
    </li>
  );
});
