/** Whether the browser keeps the library under disk pressure, asking for it once (options and welcome pages). */
export async function persisted(): Promise<boolean | null> {
  if (!navigator.storage?.persisted) return null;
  if (await navigator.storage.persisted()) return true;
  // Chrome grants it at once to an extension with unlimitedStorage; Firefox may too.
  return navigator.storage.persist ? navigator.storage.persist().catch(() => false) : false;
}
