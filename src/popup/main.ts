/**
 * The popup's first paint: the newest rows, read straight from IndexedDB
 * through the library (no message, no worker to wake), drawn with plain DOM
 * by a script of a few kB. The review UI (Preact, search, virtual list,
 * editors) loads after them and takes over (App.tsx).
 */
import { readFirstRows } from '../library/first-rows';
import type { Paper } from '../shared/model';
import { localizePage, t } from '../shared/i18n';

localizePage('popupTitle');

/** Rows read from the savedAt index for the first paint. */
const FIRST_ROWS = 30;

function paint(rows: Paper[]) {
  const first = document.getElementById('first')!;
  const ul = document.createElement('ul');
  // Not yet the review list (no controls until App takes over): labelled and marked busy as such.
  ul.setAttribute('aria-label', t('popup_firstRowsLabel'));
  ul.setAttribute('aria-busy', 'true');
  ul.className = 'first';
  for (const p of rows) {
    const li = document.createElement('li');
    const row = li.appendChild(document.createElement('div'));
    row.className = 'row';
    const main = row.appendChild(document.createElement('div'));
    main.className = 'main';
    const a = main.appendChild(document.createElement('a'));
    a.className = 'title';
    // model.ts absUrl/hfUrl, written out: importing them would add a module to the first paint.
    a.href = p.source === 'arxiv' ? `https://arxiv.org/abs/${p.id}` : `https://huggingface.co/papers/${p.id}`;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    a.textContent = p.title; // page text: always as text
    const meta = main.appendChild(document.createElement('div'));
    meta.className = 'meta';
    meta.textContent = p.authors.slice(0, 3).join(', ');
    ul.append(li);
  }
  first.replaceChildren(ul);
}

async function start() {
  performance.mark('papershelf:script');
  // null: no rows to paint here (a database to create, migrate, or newer than this build): App says why.
  const rows = await readFirstRows(FIRST_ROWS);
  performance.mark('papershelf:db-open');
  if (rows) {
    paint(rows);
    if (rows.length) performance.mark('papershelf:first-rows');
  }
  const { mount } = await import('./App');
  mount(document.getElementById('app')!, rows);
}

void start();
