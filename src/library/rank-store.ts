/**
 * The ranking's derived data (vocabulary, models) in the `rank` store: kept so that a woken
 * worker ranks at once. Not the user's data: nothing syncs or broadcasts it; it is rebuilt
 * from the library when its signature changes (background/ranker.ts decides when).
 */
import type { Shelf } from './db';

export type RankRecord = { key: string; [k: string]: unknown };

export const putRankRecord = (db: Shelf, record: RankRecord) => db.put('rank', record);
