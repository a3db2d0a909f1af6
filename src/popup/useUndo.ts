/** Removal from the popup (to the trash, through the background) and its Undo toast's take-back. */
import { useState } from 'preact/hooks';
import type { Shelf } from '../library/db';
import { restoreFromTrash } from '../library/trash';
import { broadcast } from '../library/broadcast';
import { send } from '../shared/client';
import type { Paper } from '../shared/model';
import type { Run } from './useLibrary';

const UNDO_MS = 6000;

export function useUndo(db: () => Promise<Shelf>, run: Run, onRemoved: () => void) {
  const [undo, setUndo] = useState<{ papers: Paper[]; timer: ReturnType<typeof setTimeout> } | null>(null);

  const remove = (ids: string[]) =>
    run('popup_errRemove', async () => {
      const { removed } = await send('papers.remove', { ids });
      onRemoved();
      if (undo) clearTimeout(undo.timer);
      const timer = setTimeout(() => setUndo(null), UNDO_MS);
      setUndo({ papers: removed, timer });
    });

  const takeBack = () =>
    undo &&
    run('popup_errUndo', async () => {
      clearTimeout(undo.timer);
      setUndo(null);
      // Back from the trash as they were (tags, status, note, abstract): a bulk write of this page,
      // through the library, in one transaction, then one broadcast.
      const d = await db();
      const ids = await restoreFromTrash(
        d,
        undo.papers.map((p) => p.id),
      );
      if (ids.length) await broadcast(d, ids, true, 'page');
    });

  return { undo, remove, takeBack };
}
