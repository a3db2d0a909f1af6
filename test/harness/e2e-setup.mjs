/**
 * Vitest's globalSetup of the browser tests (vite.config.ts): once before any file runs, a Firefox
 * profile template (firefox.mjs makeProfileTemplate) that every Firefox of the run starts from a
 * copy of, named to the test files by FIREFOX_PROFILE_TEMPLATE. Without one (no Firefox here, or it
 * failed to start) each launch starts from an empty profile, as before, and says why if it fails.
 * When FIREFOX_PROFILE_TEMPLATE is set already, nothing is made: `npm test` (run-all.mjs) makes the
 * template beside readme.e2e.ts, and sets it to "none" for that file, which starts no Firefox of ours.
 */
import { browserPath, tempDir } from './browsers.mjs';
import { makeProfileTemplate } from './firefox.mjs';

export default async function setup() {
  const browsers = (process.env.BROWSERS ?? 'chromium,firefox').split(',');
  if (process.env.FIREFOX_PROFILE_TEMPLATE || !browsers.includes('firefox') || !browserPath('firefox')) return;
  const dir = tempDir('firefox-template');
  try {
    await makeProfileTemplate(dir.path);
    process.env.FIREFOX_PROFILE_TEMPLATE = dir.path;
  } catch (e) {
    console.warn(`e2e-setup.mjs: no Firefox profile template (${e?.message ?? e}); each Firefox starts from an empty profile`);
    dir.remove();
    return;
  }
  return () => {
    delete process.env.FIREFOX_PROFILE_TEMPLATE;
    dir.remove();
  };
}
