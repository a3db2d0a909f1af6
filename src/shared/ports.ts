/** Names of the long-lived ports between our pages and the background (runtime.connect). */

/** The popup's note editor sends every keystroke here; the background debounces and writes (background/notes.ts). */
export const NOTES_PORT = 'papershelf-notes';
