/**
 * The options page: the library's state, site access, export, import, and
 * sync. Export and import run here, against the database itself through the
 * library module (same origin as the background): an import is planned from
 * the papers it names, written in one transaction by the library's own write,
 * then broadcast once; the background hears it and syncs.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { hostOf, contentOrigins, siteReason } from '../shared/access';
import { formatNumber, parts, t, tn, type MessageKey } from '../shared/i18n';
import type { Paper, Tag, TagCount } from '../shared/model';
import { AccessBanner } from '../ui/AccessBanner';
import { exportFileName, type ExportFormat } from '../library/export';
import { exportBlob, paperRecords } from '../library/export-stream';
import type { ImportOk } from '../library/import-common';
import { planMerge, type MergePlan } from '../library/merge';
import { applyView } from '../shared/query';
import { connection } from '../library/db';
import { readFull } from '../library/write';
import { Searcher } from '../library/search';
import { listTags } from '../library/tags';
import { importLibrary } from '../library/import-write';
import { checkSize } from '../library/import-size';
import { broadcast } from '../library/broadcast';

const db = connection();
import { loadView } from '../shared/view-store';
import { SyncSection } from '../ui/SyncSection';
import browser from 'webextension-polyfill';
import { WELCOME_PAGE } from '../shared/pages';
import { StorageSection } from './StorageSection';
import { ListingSection } from './ListingSection';
import { WebDavSection } from './WebDavSection';
import { testId } from '../ui/test-id';
import { errorText } from '../shared/errors';

const FORMATS: { value: ExportFormat; label: MessageKey; mime: string }[] = [
  { value: 'bibtex', label: 'options_formatBibtex', mime: 'application/x-bibtex' },
  { value: 'csl', label: 'options_formatCsl', mime: 'application/vnd.citationstyles.csl+json' },
  { value: 'csv', label: 'options_formatCsv', mime: 'text/csv' },
  { value: 'markdown', label: 'options_formatMarkdown', mime: 'text/markdown' },
  { value: 'backup', label: 'options_formatBackup', mime: 'application/json' },
];

/** What kind of file an import read, by the parser's name for it. */
const SOURCES = { backup: 'options_sourceBackup', bibtex: 'options_sourceBibtex', papermemory: 'options_sourcePaperMemory' } as const;

export function Options() {
  return (
    <main>
      <h1>{t('options_heading')}</h1>
      <p class="muted">{t('options_intro')}</p>
      <p>{parts('options_welcomeIntro', <a href={browser.runtime.getURL(WELCOME_PAGE)}>{t('options_welcomeLink')}</a>)}</p>
      <StorageSection />
      <Access />
      <ListingSection />
      <Export />
      <Import />
      <SyncSection />
      <WebDavSection />
    </main>
  );
}

function Access() {
  const hosts = [...new Set(contentOrigins().map(hostOf))];
  return (
    <section id="access" aria-labelledby="access-h">
      <h2 id="access-h">{t('options_accessHeading')}</h2>
      <p>{t('options_accessIntro')}</p>
      <ul class="sites">
        {hosts.map((h) => (
          <li key={h}>{parts<ComponentChildren>('shared_siteReasonItem', <strong>{h}</strong>, siteReason(h))}</li>
        ))}
      </ul>
      <AccessBanner />
    </section>
  );
}

type Scope = { kind: 'all' } | { kind: 'view' } | { kind: 'tag'; key: string };

/** The papers a scope covers, newest first, without their abstracts (exportBlob reads them a chunk at a time). */
async function papersIn(scope: Scope): Promise<Paper[]> {
  const all = await paperRecords(await db());
  if (scope.kind === 'all') return all;
  if (scope.kind === 'tag') return all.filter((p) => p.tags.includes(scope.key));
  const view = await loadView();
  const q = view.query.trim();
  const hits = q ? { query: q, ids: await new Searcher(db).search(q) } : null;
  return applyView(all, view, hits);
}

function download(file: Blob, name: string) {
  const url = URL.createObjectURL(file);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function Export() {
  const [format, setFormat] = useState<ExportFormat>((new URLSearchParams(location.hash.split('?')[1]).get('format') as ExportFormat) || 'bibtex');
  const [scope, setScope] = useState<string>(location.hash.startsWith('#export') && location.hash.includes('scope=view') ? 'view' : 'all');
  const [tags, setTags] = useState<TagCount[]>([]);
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  useEffect(
    () =>
      void db()
        .then(listTags)
        .then(setTags, () => {}),
    [],
  );

  const run = async () => {
    setError('');
    setStatus('');
    try {
      const sc: Scope = scope === 'all' ? { kind: 'all' } : scope === 'view' ? { kind: 'view' } : { kind: 'tag', key: scope.slice(4) };
      const papers = await papersIn(sc);
      if (!papers.length) return setError(t('options_exportNothing'));
      const tagList: Tag[] = tags.map((c) => c.tag);
      const named = format === 'backup' && sc.kind !== 'all' ? tagList.filter((g) => papers.some((p) => p.tags.includes(g.key))) : tagList;
      const mime = FORMATS.find((f) => f.value === format)!.mime;
      const file = await exportBlob(await db(), papers, named, format, `${mime};charset=utf-8`);
      const name = exportFileName(format);
      download(file, name);
      setStatus(tn('options_exported', papers.length, name));
    } catch (e) {
      setError(t('options_exportFailed', errorText(e)));
    }
  };

  return (
    <section id="export" aria-labelledby="export-h">
      <h2 id="export-h">{t('options_exportHeading')}</h2>
      <div class="row">
        <label>
          {t('options_exportFormat')}
          <select aria-label={t('options_exportFormatLabel')} value={format} onChange={(e) => setFormat(e.currentTarget.value as ExportFormat)}>
            {FORMATS.map((f) => (
              <option value={f.value}>{t(f.label)}</option>
            ))}
          </select>
        </label>
        <label>
          {t('options_exportPapers')}
          <select aria-label={t('options_exportScopeLabel')} value={scope} onChange={(e) => setScope(e.currentTarget.value)}>
            <option value="all">{t('options_scopeAll')}</option>
            <option value="view">{t('options_scopeView')}</option>
            {tags.map((c) => (
              <option value={`tag:${c.tag.key}`}>{t('options_scopeTag', c.tag.name, formatNumber(c.count))}</option>
            ))}
          </select>
        </label>
        <button type="button" class="primary" onClick={() => void run()}>
          {t('options_exportButton')}
        </button>
      </div>
      {status && (
        <p class="ok" role="status">
          {status}
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

interface Preview {
  file: string;
  parsed: ImportOk;
  plan: MergePlan;
}

/**
 * The backup parser's module (import-json.ts), loaded once: when the page is idle, or at the latest
 * when a file is dragged over or chosen. Its load was 0.1–0.2 s of a 10,000-paper preview when it
 * began at the drop (issue 20, import.preview).
 */
let jsonParser: Promise<typeof import('../library/import-json')> | undefined;
const loadJsonParser = () =>
  (jsonParser ??= import('../library/import-json').catch((e) => {
    jsonParser = undefined; // tried again at the next call
    throw e;
  }));

function Import() {
  useEffect(() => {
    const load = () => void loadJsonParser().catch(() => {}); // a failure shows when a file is chosen
    if (typeof requestIdleCallback !== 'function') return load();
    const idle = requestIdleCallback(load, { timeout: 2000 });
    return () => cancelIdleCallback(idle);
  }, []);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const take = async (file: File | undefined) => {
    setError('');
    setStatus('');
    setPreview(null);
    if (!file) return;
    setBusy(true);
    try {
      const tooBig = checkSize(file.size); // before a byte is read
      if (tooBig) return setError(t('options_fileError', file.name, tooBig));
      // The JSON parser is loaded ahead (loadJsonParser), the BibTeX one (citation-js, whose grammars
      // take a while to compile) only for a BibTeX file. The database opens while the file is read.
      const opened = db();
      opened.catch(() => {}); // awaited below; a failure is reported there
      const [{ readImport }, text] = await Promise.all([loadJsonParser(), file.text()]);
      const now = Date.now();
      const read = readImport(text, file.name, now);
      const parsed = 'bibtex' in read ? (await import('../library/import-bibtex')).parseBibTeX(read.bibtex, now) : read;
      if (!parsed.ok) return setError(t('options_fileErrorNothingImported', file.name, parsed.error));
      // Only the papers the file names, whole (abstracts joined), and the tags (not their counts, a
      // walk of the index per tag): what the merge compares with.
      const d = await opened;
      const [existing, tags] = await Promise.all([readFull(d, [...new Set(parsed.papers.map((p) => p.id))]), d.getAll('tags')]);
      const plan = planMerge(existing, tags, parsed);
      setPreview({ file: file.name, parsed, plan });
    } catch (e) {
      setError(t('options_fileErrorNothingImported', file.name, errorText(e)));
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };

  const confirm = async () => {
    if (!preview) return;
    setBusy(true);
    try {
      const d = await db();
      const r = await importLibrary(d, preview.parsed.papers, preview.parsed.tags);
      performance.mark('papershelf:import-written');
      // Written: a failed broadcast must not read as a failed import.
      await broadcast(d, r.ids, true, 'page').catch((e) => console.warn('PaperShelf: imported; telling open pages failed', e));
      // The search index catches up in its own transaction; a failure there is retried at the next start.
      void r.indexed
        .then(() => performance.mark('papershelf:import-indexed'))
        .catch((e) => console.warn('PaperShelf: imported; indexing for search failed, retried later', e));
      setStatus(t('options_imported', preview.file, formatNumber(r.added), formatNumber(r.updated), formatNumber(r.unchanged)));
      setPreview(null);
    } catch (e) {
      setError(t('options_importFailed', errorText(e)));
    } finally {
      setBusy(false);
    }
  };

  const { plan } = preview ?? {};
  return (
    <section id="import" aria-labelledby="import-h">
      <h2 id="import-h">{t('options_importHeading')}</h2>
      <p class="muted">{t('options_importIntro')}</p>
      {/* A group (the file input, how to drop a file) that is also the drop target; the input is the way in by keyboard. */}
      <fieldset
        class={`drop${over ? ' over' : ''}`}
        {...testId('dropzone')}
        onDragOver={(e) => {
          e.preventDefault();
          void loadJsonParser().catch(() => {});
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void take(e.dataTransfer?.files[0]);
        }}
      >
        <label>
          {t('options_importChoose')}
          <input
            ref={input}
            type="file"
            aria-label={t('options_importFileLabel')}
            accept=".json,.bib,.bibtex,application/json,text/x-bibtex"
            disabled={busy}
            onChange={(e) => void take(e.currentTarget.files?.[0])}
          />
        </label>
        <p class="muted">{t('options_importDrop')}</p>
      </fieldset>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {status && (
        <p class="ok" role="status">
          {status}
        </p>
      )}
      {preview && plan && (
        <fieldset class="preview" aria-label={t('options_importPreviewLabel')}>
          <p>{parts<ComponentChildren>('options_previewSource', <strong>{preview.file}</strong>, t(SOURCES[preview.parsed.source]))}</p>
          <table>
            <tbody>
              <tr>
                <th>{t('options_previewAdd')}</th>
                <td data-count="add">{formatNumber(plan.add.length)}</td>
              </tr>
              <tr>
                <th>{t('options_previewUpdate')}</th>
                <td data-count="update">{formatNumber(plan.update.length)}</td>
              </tr>
              <tr>
                <th>{t('options_previewUnchanged')}</th>
                <td data-count="unchanged">{formatNumber(plan.unchanged)}</td>
              </tr>
              <tr>
                <th>{t('options_previewSkipped')}</th>
                <td data-count="skipped">{formatNumber(plan.skipped.length)}</td>
              </tr>
            </tbody>
          </table>
          {plan.clamped > 0 && <p role="note">{tn('options_importClamped', plan.clamped, preview!.file)}</p>}
          {plan.skipped.length > 0 && (
            <details>
              <summary>{t('options_skippedWhy')}</summary>
              <ul>
                {plan.skipped.slice(0, 50).map((s) => (
                  <li>{t('options_skippedItem', s.entry, s.reason)}</li>
                ))}
                {plan.skipped.length > 50 && <li>{tn('options_skippedMore', plan.skipped.length - 50)}</li>}
              </ul>
            </details>
          )}
          <div class="row">
            <button type="button" class="primary" disabled={busy || plan.add.length + plan.update.length === 0} onClick={() => void confirm()}>
              {tn('options_importCount', plan.add.length + plan.update.length)}
            </button>
            <button type="button" onClick={() => setPreview(null)}>
              {t('options_cancel')}
            </button>
          </div>
        </fieldset>
      )}
    </section>
  );
}
