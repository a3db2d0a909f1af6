/**
 * The database's name and version, where every context finds them without
 * loading the library: db.ts (which opens and upgrades it) and the popup's
 * first-paint script (which only reads a database of exactly this version).
 */
export const DB_NAME = 'papershelf';
export const DB_VERSION = 8;
