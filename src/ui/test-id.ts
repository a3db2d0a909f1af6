/**
 * `data-testid` for the elements browser tests find by it, in test builds only
 * (`__PAPERSHELF_TEST_HOOKS__`, vite.config.ts): what users install carries no
 * attribute that exists for tests (test/e2e/release.e2e.ts checks dist/).
 * Spread into the element: `<ul {...testId('sites')}>`.
 */
export const testId = (id: string): { 'data-testid'?: string } => (__PAPERSHELF_TEST_HOOKS__ ? { 'data-testid': id } : {});
