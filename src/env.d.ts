/** Set by vite.config.ts: true only in test builds (PAPERSHELF_TEST_HOOKS=1, dist-test/). */
declare const __PAPERSHELF_TEST_HOOKS__: boolean;
