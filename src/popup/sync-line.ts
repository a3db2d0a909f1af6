/** The popup's line about what the browser's sync left out (SyncNote.tsx), pure for the unit tests. */
import type { SyncStatus } from '../shared/sync-status';
import { t, tn } from '../shared/i18n';

/** "12 papers, 3 notes, 1 removal": what the last round left out, the counts that are not zero. */
export function leftOutList(s: SyncStatus): string {
  const items: string[] = [];
  if (s.excluded > 0) items.push(tn('popup_syncPapers', s.excluded));
  if ((s.notesLeftOut ?? 0) > 0) items.push(tn('popup_syncNotes', s.notesLeftOut!));
  if ((s.tombstonesLeftOut ?? 0) > 0) items.push(tn('popup_syncRemovals', s.tombstonesLeftOut!));
  return items.join(t('popup_syncJoin'));
}
