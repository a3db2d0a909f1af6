/**
 * The options page: the library's state, site access, export, import, and
 * sync. Export and import run here, against the database itself through the
 * library module (same origin as the background): an import is planned from
 * the papers it names, written in one transaction by the library's own write,
 * then broadcast once; the background hears it and syncs.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { send } from '../shared/client';
import { hostOf, contentOrigins, SITE_REASONS } from '../shared/access';
import type { Paper, Tag, TagCount } from '../shared/model';
import { AccessBanner } from '../ui/AccessBanner';
import { exportFileName, toBackup, toBibTeX, toCslJson, toCsv, toMarkdown, type ExportFormat } from '../library/export';
import type { ImportOk } from '../library/import';
import type { MergePlan } from '../library/merge';
import { applyView } from '../popup/query';
import { connection } from '../library/db';
import { readFull } from '../library/write';
import { Searcher } from '../library/search';
import { listTags } from '../library/tags';
import { importLibrary } from '../library/import-write';
import { broadcast } from '../library/broadcast';

const db = connection();
import { loadView } from '../popup/view-store';
import { SyncSection } from './SyncSection';
import browser from 'webextension-polyfill';
import { WELCOME_PAGE } from '../welcome/page';
import { StorageSection } from './StorageSection';
import { ListingSection } from './ListingSection';

const FORMATS: { value: ExportFormat; label: string; mime: string }[] = [
  { value: 'bibtex', label: 'BibTeX (.bib)', mime: 'application/x-bibtex' },
  { value: 'csl', label: 'CSL-JSON (Zotero, Pandoc)', mime: 'application/vnd.citationstyles.csl+json' },
  { value: 'csv', label: 'CSV (spreadsheets)', mime: 'text/csv' },
  { value: 'markdown', label: 'Markdown (grouped by tag)', mime: 'text/markdown' },
  { value: 'backup', label: 'PaperShelf backup (everything, to import later)', mime: 'application/json' },
];

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function Options() {
  return (
    <main>
      <h1>PaperShelf</h1>
      <p class="muted">Your library lives in this browser; sync, when on, copies its ids, tags, statuses and notes to your browser's own sync account. Export it, import it, back it up.</p>
      <p>
        <a href={browser.runtime.getURL(WELCOME_PAGE)}>Welcome page</a>: what PaperShelf does and where, its keys and shortcuts, where your library lives and
        what sync sends.
      </p>
      <StorageSection />
      <Access />
      <ListingSection />
      <Export />
      <Import />
      <SyncSection />
    </main>
  );
}

function Access() {
  const hosts = [...new Set(contentOrigins().map(hostOf))];
  return (
    <section id="access" aria-labelledby="access-h">
      <h2 id="access-h">Site access</h2>
      <p>PaperShelf reads only these sites, and only to add its controls to paper cards:</p>
      <ul class="sites">
        {hosts.map((h) => (
          <li key={h}>
            <strong>{h}</strong>: {SITE_REASONS[h] ?? 'to add its controls to paper cards'}
          </li>
        ))}
      </ul>
      <AccessBanner />
    </section>
  );
}

type Scope = { kind: 'all' } | { kind: 'view' } | { kind: 'tag'; key: string };

/** The papers a scope covers, newest first, abstracts included. */
async function papersIn(scope: Scope): Promise<Paper[]> {
  const all = await readFull(await db());
  if (scope.kind === 'all') return all;
  if (scope.kind === 'tag') return all.filter((p) => p.tags.includes(scope.key));
  const view = await loadView();
  const q = view.query.trim();
  const hits = q ? { query: q, ids: await new Searcher(db).search(q) } : null;
  return applyView(all, view, hits);
}

function download(text: string, name: string, mime: string) {
  const url = URL.createObjectURL(new Blob([text], { type: `${mime};charset=utf-8` }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function Export() {
  const [format, setFormat] = useState<ExportFormat>(new URLSearchParams(location.hash.split('?')[1]).get('format') as ExportFormat || 'bibtex');
  const [scope, setScope] = useState<string>(location.hash.startsWith('#export') && location.hash.includes('scope=view') ? 'view' : 'all');
  const [tags, setTags] = useState<TagCount[]>([]);
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  useEffect(() => void db().then(listTags).then(setTags, () => {}), []);

  const run = async () => {
    setError('');
    setStatus('');
    try {
      const sc: Scope = scope === 'all' ? { kind: 'all' } : scope === 'view' ? { kind: 'view' } : { kind: 'tag', key: scope.slice(4) };
      const papers = await papersIn(sc);
      if (!papers.length) return setError('Nothing to export: no saved paper in that selection.');
      const tagList: Tag[] = tags.map((t) => t.tag);
      const text =
        format === 'bibtex'
          ? toBibTeX(papers, tagList)
          : format === 'csl'
            ? toCslJson(papers, tagList)
            : format === 'csv'
              ? toCsv(papers, tagList)
              : format === 'markdown'
                ? toMarkdown(papers, tagList)
                : JSON.stringify(toBackup(papers, sc.kind === 'all' ? tagList : tagList.filter((t) => papers.some((p) => p.tags.includes(t.key)))), null, 1);
      const name = exportFileName(format);
      download(text, name, FORMATS.find((f) => f.value === format)!.mime);
      setStatus(`Exported ${papers.length} paper${papers.length === 1 ? '' : 's'} to ${name}.`);
    } catch (e) {
      setError(`Export failed: ${message(e)}`);
    }
  };

  return (
    <section id="export" aria-labelledby="export-h">
      <h2 id="export-h">Export</h2>
      <div class="row">
        <label>
          Format
          <select aria-label="Export format" value={format} onChange={(e) => setFormat(e.currentTarget.value as ExportFormat)}>
            {FORMATS.map((f) => (
              <option value={f.value}>{f.label}</option>
            ))}
          </select>
        </label>
        <label>
          Papers
          <select aria-label="Export scope" value={scope} onChange={(e) => setScope(e.currentTarget.value)}>
            <option value="all">All saved papers</option>
            <option value="view">The popup's current search and filters</option>
            {tags.map((t) => (
              <option value={`tag:${t.tag.key}`}>
                Tagged “{t.tag.name}” ({t.count})
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="primary" onClick={() => void run()}>
          Export
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

function Import() {
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
      // The parsers (citation-js for BibTeX) load only when a file is chosen.
      const { checkSize, parseImport, planMerge } = await import('../library/import');
      const tooBig = checkSize(file.size); // before a byte is read
      if (tooBig) return setError(`${file.name}: ${tooBig}`);
      const parsed = parseImport(await file.text(), file.name);
      if (!parsed.ok) return setError(`${file.name}: ${parsed.error} Nothing was imported.`);
      // Only the papers the file names, whole (abstracts joined): what the merge compares with.
      const d = await db();
      const [existing, tags] = await Promise.all([readFull(d, [...new Set(parsed.papers.map((p) => p.id))]), listTags(d)]);
      const plan = planMerge(existing, tags.map((t) => t.tag), parsed);
      setPreview({ file: file.name, parsed, plan });
    } catch (e) {
      setError(`${file.name}: ${message(e)} Nothing was imported.`);
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
      setStatus(`Imported from ${preview.file}: ${r.added} added, ${r.updated} updated, ${r.unchanged} unchanged.`);
      setPreview(null);
    } catch (e) {
      setError(`Import failed, nothing was changed: ${message(e)}`);
    } finally {
      setBusy(false);
    }
  };

  const { plan } = preview ?? {};
  return (
    <section id="import" aria-labelledby="import-h">
      <h2 id="import-h">Import</h2>
      <p class="muted">
        A PaperShelf backup, a BibTeX file (entries with an arXiv eprint, arXiv URL or arXiv DOI), or PaperMemory's JSON export. You see what will change before
        anything is written; existing papers keep their tags and notes.
      </p>
      <div
        class={`drop${over ? ' over' : ''}`}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
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
          Choose a file
          <input ref={input} type="file" aria-label="Import file" accept=".json,.bib,.bibtex,application/json,text/x-bibtex" disabled={busy} onChange={(e) => void take(e.currentTarget.files?.[0])} />
        </label>
        <p class="muted">or drop it here</p>
      </div>
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
        <div class="preview" aria-label="Import preview">
          <p>
            <strong>{preview.file}</strong> ({preview.parsed.source === 'backup' ? 'PaperShelf backup' : preview.parsed.source === 'bibtex' ? 'BibTeX' : 'PaperMemory'}):
          </p>
          <table>
            <tbody>
              <tr>
                <th>Will be added</th>
                <td data-count="add">{plan.add.length}</td>
              </tr>
              <tr>
                <th>Will be updated</th>
                <td data-count="update">{plan.update.length}</td>
              </tr>
              <tr>
                <th>Already here, unchanged</th>
                <td data-count="unchanged">{plan.unchanged}</td>
              </tr>
              <tr>
                <th>Skipped</th>
                <td data-count="skipped">{plan.skipped.length}</td>
              </tr>
            </tbody>
          </table>
          {plan.skipped.length > 0 && (
            <details>
              <summary>Why entries were skipped</summary>
              <ul>
                {plan.skipped.slice(0, 50).map((s) => (
                  <li>
                    {s.entry}: {s.reason}
                  </li>
                ))}
                {plan.skipped.length > 50 && <li>… and {plan.skipped.length - 50} more</li>}
              </ul>
            </details>
          )}
          <div class="row">
            <button type="button" class="primary" disabled={busy || plan.add.length + plan.update.length === 0} onClick={() => void confirm()}>
              Import {plan.add.length + plan.update.length} paper{plan.add.length + plan.update.length === 1 ? '' : 's'}
            </button>
            <button type="button" onClick={() => setPreview(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
