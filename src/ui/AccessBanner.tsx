/** Says which sites PaperShelf cannot reach and why, with a button that asks for them. */
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { hostOf, missingOrigins, requestAccess, SITE_REASONS } from '../shared/access';

export function AccessBanner() {
  const [missing, setMissing] = useState<string[]>([]);
  const [error, setError] = useState('');
  useEffect(() => {
    const check = () => void missingOrigins().then(setMissing, () => setMissing([]));
    check();
    browser.permissions.onRemoved.addListener(check);
    browser.permissions.onAdded.addListener(check);
    return () => {
      browser.permissions.onRemoved.removeListener(check);
      browser.permissions.onAdded.removeListener(check);
    };
  }, []);
  if (!missing.length) return null;
  const hosts = [...new Set(missing.map(hostOf))];
  return (
    <div class="access" role="alert">
      <strong>PaperShelf cannot see {hosts.join(' or ')}.</strong>
      <ul>
        {hosts.map((h) => (
          <li key={h}>
            {h}: {SITE_REASONS[h] ?? 'to add its controls to paper cards'}
          </li>
        ))}
      </ul>
      <p>Until you allow it, no Save buttons appear there. Your saved papers are not affected.</p>
      <button
        type="button"
        onClick={() =>
          requestAccess(missing).then(
            (granted) => (granted ? setMissing([]) : setError('Access was not granted.')),
            (e) => setError(String(e instanceof Error ? e.message : e)),
          )
        }
      >
        Allow access
      </button>
      {error && <p class="error">{error}</p>}
    </div>
  );
}
