/**
 * The size limit of an import file, apart from the parsers (import-json.ts): the options page
 * checks a file's size before reading a byte of it, while the parsers' module is still loading.
 */
import { t } from '../shared/i18n';

export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** An error message for a file too large to import, or null. Check before reading the file. */
export function checkSize(bytes: number): string | null {
  if (bytes <= MAX_IMPORT_BYTES) return null;
  return t('lib_importTooBig', mb(bytes), mb(MAX_IMPORT_BYTES));
}
