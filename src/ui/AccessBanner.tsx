/** Says which sites PaperShelf cannot reach and why, with a button that asks for them. */
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { hostOf, missingOrigins, requestAccess, siteReason } from '../shared/access';
import { lang, t } from '../shared/i18n';
import { errorText } from '../shared/errors';

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
      <strong>{t('shared_accessCannotSee', new Intl.ListFormat(lang(), { type: 'disjunction' }).format(hosts))}</strong>
      <ul>
        {hosts.map((h) => (
          <li key={h}>{t('shared_siteReasonItem', h, siteReason(h))}</li>
        ))}
      </ul>
      <p>{t('shared_accessUntilAllowed')}</p>
      <button
        type="button"
        onClick={() =>
          requestAccess(missing).then(
            (granted) => (granted ? setMissing([]) : setError(t('shared_accessNotGranted'))),
            (e) => setError(errorText(e)),
          )
        }
      >
        {t('shared_accessAllow')}
      </button>
      {error && <p class="error">{error}</p>}
    </div>
  );
}
