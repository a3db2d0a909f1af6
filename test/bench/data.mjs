/**
 * Deterministic synthetic data for `npm run bench`: a 10,000-paper library
 * (valid against PaperSchema in src/shared/messages.ts) and Hugging Face
 * listing pages in the card shape of test/fixtures/hf/digest.html.
 */

/** mulberry32: a small seeded PRNG, so every run benchmarks the same data. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ADJ = [
  'Scalable',
  'Efficient',
  'Robust',
  'Sparse',
  'Unified',
  'Adaptive',
  'Hierarchical',
  'Multimodal',
  'Self-Supervised',
  'Contrastive',
  'Lightweight',
  'Generalised',
  'Causal',
  'Latent',
  'Compositional',
  'Interpretable',
  'Federated',
  'Continual',
  'Zero-Shot',
  'Few-Shot',
  'Recurrent',
  'Equivariant',
  'Probabilistic',
  'Differentiable',
  'Long-Context',
  'Retrieval-Augmented',
  'Parameter-Efficient',
  'Open-Vocabulary',
];
const NOUN = [
  'Transformers',
  'Attention',
  'Diffusion Models',
  'Language Models',
  'Vision Transformers',
  'Graph Neural Networks',
  'Agents',
  'Reward Models',
  'Tokenizers',
  'State Space Models',
  'Mixture of Experts',
  'Autoencoders',
  'Policies',
  'World Models',
  'Embeddings',
  'Retrievers',
  'Optimizers',
  'Normalizing Flows',
  'Neural Fields',
  'Speech Models',
  'Video Generators',
  'Code Models',
  'KV Caches',
];
const TASK = [
  'Reasoning',
  'Video Generation',
  'Image Editing',
  'Question Answering',
  'Program Synthesis',
  'Machine Translation',
  'Robot Manipulation',
  'Protein Design',
  'Speech Recognition',
  'Text-to-3D',
  'Mathematical Reasoning',
  'Long Document Summarisation',
  'Tool Use',
  'Visual Grounding',
  'Time Series Forecasting',
  'Weather Prediction',
  'Semantic Segmentation',
  'Instruction Following',
  'Preference Alignment',
  'In-Context Learning',
];
const METHOD = [
  'Periodic Cache Consolidation',
  'Token Merging',
  'Curriculum Distillation',
  'Low-Rank Adaptation',
  'Speculative Decoding',
  'Reinforcement Learning from Feedback',
  'Masked Prediction',
  'Flow Matching',
  'Chain-of-Thought Supervision',
  'Quantisation-Aware Training',
  'Sliding Window Attention',
  'Synthetic Data Bootstrapping',
  'Test-Time Scaling',
  'Rotary Position Interpolation',
  'Contrastive Decoding',
];
const SHAPES = [
  (p) => `${p(ADJ)} ${p(NOUN)} for ${p(TASK)}`,
  (p) => `${p(NOUN)} via ${p(METHOD)}`,
  (p) => `${p(ADJ)} ${p(TASK)} with ${p(ADJ)} ${p(NOUN)}`,
  (p) => `On the ${p(['Limits', 'Geometry', 'Scaling Laws', 'Robustness', 'Emergence', 'Calibration'])} of ${p(NOUN)} in ${p(TASK)}`,
  (p) => `${p(['Towards', 'Rethinking', 'Revisiting', 'Scaling', 'Taming', 'Understanding'])} ${p(ADJ)} ${p(NOUN)}: ${p(METHOD)} for ${p(TASK)}`,
  (p) => `${p(METHOD)} Makes ${p(NOUN)} Better at ${p(TASK)}`,
];
const FIRST = [
  'Rania',
  'Farhan',
  'Owen',
  'Mei',
  'Lukas',
  'Ana',
  'Kwame',
  'Sofia',
  'Hiroshi',
  'Priya',
  'Mateo',
  'Ingrid',
  'Yusuf',
  'Chloe',
  'Dmitri',
  'Aisha',
  'Tomás',
  'Hana',
  'Elias',
  'Zara',
  'Nikolai',
  'Leila',
  'Ravi',
  'Camille',
  'Jonas',
  'Amara',
  'Wei',
  'Isabel',
  'Arjun',
  'Freya',
];
const LAST = [
  'Silva',
  'Szabó',
  'Mercer',
  'Nakamura',
  'Okafor',
  'Lindqvist',
  'Haddad',
  'Kowalski',
  'Chen',
  'Rossi',
  'Müller',
  'Dubois',
  'Patel',
  'García',
  'Novak',
  'Ivanova',
  'Kim',
  'Andersen',
  'Mensah',
  'Tanaka',
  'Schmidt',
  'Moreau',
  'Costa',
  'Yilmaz',
  'Nguyen',
  'Fischer',
  'Ortiz',
  'Berg',
];
const WORDS = (
  'we propose method model training data results show performance benchmark tasks learning large scale approach framework ' +
  'experiments demonstrate improves state art baseline inference efficient memory compute tokens layers attention representation ' +
  'generalisation evaluation dataset outperforms existing methods across settings robust analysis theoretical empirical novel simple ' +
  'effective objective loss optimisation gradient parameters pretrained fine tuning alignment reasoning capability context length ' +
  'sequence retrieval generation quality latency throughput hardware accelerators code release open source ablation study'
).split(' ');

/** 30 tags: [display name, key]. Keys are what tagKey() makes of the names (lower case, single spaces). */
export const TAGS = [
  'LLM',
  'Diffusion',
  'RL',
  'Vision',
  'NLP',
  'Robotics',
  'Audio',
  'Theory',
  'Efficiency',
  'Benchmarks',
  'Agents',
  'Alignment',
  'Multimodal',
  'Graphs',
  'Survey',
  'To Reproduce',
  'Reading Group',
  'Code Available',
  'Datasets',
  'Safety',
  'Optimisation',
  'Retrieval',
  'Video',
  '3D',
  'Medical',
  'Math',
  'Speech',
  'Compression',
  'Interpretability',
  'Favourites',
].map((name) => [name, name.toLowerCase()]);

/** A word only one paper's abstract holds: searching it shows 1 row only once the full-text index is built. */
export const ABSTRACT_ONLY_WORD = 'zanzibarite';

const STATUSES = ['to-read', 'reading', 'read'];

/** `n` Paper records, newest saved first is not assumed. Ids 2401.00001…, unique. */
export function makePapers(n = 10_000, seed = 1) {
  const r = rng(seed);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const int = (lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
  const now = Date.UTC(2026, 0, 1);
  const papers = [];
  for (let i = 0; i < n; i++) {
    const month = 1 + (i % 12);
    const id = `24${String(month).padStart(2, '0')}.${String(Math.floor(i / 12) + 1).padStart(5, '0')}`;
    const authors = Array.from({ length: int(3, 8) }, () => `${pick(FIRST)} ${pick(LAST)}`);
    const words = [];
    while (words.length < 120) {
      const s = Array.from({ length: int(10, 20) }, () => pick(WORDS));
      s[0] = s[0][0].toUpperCase() + s[0].slice(1);
      words.push(...s.slice(0, -1), `${s.at(-1)}.`);
    }
    if (i === 0) words.splice(5, 0, ABSTRACT_ONLY_WORD);
    const tags = [...new Set(Array.from({ length: int(0, 3) }, () => pick(TAGS)[1]))];
    const savedAt = now - Math.floor(r() * 2 * 365 * 86_400_000);
    const source = r() < 0.7 ? 'hf' : 'arxiv';
    papers.push({
      id,
      title: pick(SHAPES)(pick),
      authors,
      abstract: words.join(' '),
      published: `2024-${String(month).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`,
      upvotes: int(0, 400),
      url: source === 'hf' ? `https://huggingface.co/papers/${id}` : `https://arxiv.org/abs/${id}`,
      thumbnail: source === 'hf' ? `https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/${id}.png` : undefined,
      source,
      savedAt,
      updatedAt: savedAt,
      tags,
      status: pick(STATUSES),
      note: '',
    });
    if (!papers.at(-1).thumbnail) delete papers.at(-1).thumbnail;
  }
  return papers;
}

// ---------------------------------------------------------------- HF pages

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const UPVOTE_SVG =
  '<svg class="text-sm" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" aria-hidden="true" focusable="false" role="img" width="1em" height="1em" preserveAspectRatio="xMidYMid meet" viewBox="0 0 12 12"><path fill="currentColor" d="M5.19 2.67a.94.94 0 0 1 1.62 0l3.31 5.72a.94.94 0 0 1-.82 1.4H2.7a.94.94 0 0 1-.82-1.4l3.31-5.7v-.02Z"></path></svg>';
const COMMENT_SVG =
  '<svg class="text-xs" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" aria-hidden="true" focusable="false" role="img" width="1em" height="1em" preserveAspectRatio="xMidYMid meet" viewBox="0 0 32 32"><path d="M17.74 30L16 29l4-7h6a2 2 0 0 0 2-2V8a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h9v2H6a4 4 0 0 1-4-4V8a4 4 0 0 1 4-4h20a4 4 0 0 1 4 4v12a4 4 0 0 1-4 4h-4.84Z" fill="currentColor"></path></svg>';

/** One card, as on the HF daily digest (test/fixtures/hf/digest.html). `{ID}`-free: the id and title are filled in. */
export function hfCard({ id, title, upvotes = 0, submitter = 'Owen Mercer', comments = 0 }) {
  return `<article class="relative flex flex-col overflow-hidden rounded-xl border bg-linear-to-b from-gray-50 to-white shadow-xs dark:from-gray-900 dark:to-gray-925"><a href="/papers/${id}" class="shadow-alternate-sm peer relative block h-56 w-full cursor-pointer overflow-hidden rounded-xl bg-white md:h-64"><img src="https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/${id}.png" loading="lazy" decoding="async" alt="" class="h-full w-full object-cover object-top opacity-80 hover:opacity-100 dark:opacity-70 dark:hover:opacity-90"></a>
<div class="from-gray-50-to-white pointer-events-none absolute inset-x-0 top-0 h-56 bg-linear-to-t md:h-64"></div>
<div class="px-6 pb-5 pt-3 md:pt-4"><div class="flex items-start gap-3.5"><div class="shadow-alternate group flex h-14 w-12 shrink-0 flex-col items-center justify-center rounded-lg border border-gray-200 bg-white text-gray-400 dark:border-gray-800 dark:bg-gray-950"><label class="flex h-full w-full cursor-pointer select-none flex-col items-center justify-center hover:text-gray-600"><input type="checkbox" class="peer hidden">${UPVOTE_SVG}<div class="leading-none">${upvotes}</div></label></div>
<div class="w-full min-w-0"><h3 class="mb-1 text-lg/6 font-semibold hover:underline peer-hover:underline md:text-2xl/7"><a href="/papers/${id}" class="line-clamp-3 cursor-pointer text-balance">${esc(title)}</a></h3>
<div class="flex flex-wrap items-center justify-between gap-x-3 gap-y-1 text-sm text-gray-500"><div class="flex min-w-0 items-center gap-2"><div class="pointer-events-none flex items-center gap-1.5 truncate"><img alt="" class="size-3.5 rounded-full" src="https://cdn-avatars.huggingface.co/v1/production/uploads/d3768cf0b49fad03/c2e9f40f.jpeg" crossorigin="anonymous"><span class="truncate">Submitted by <span class="text-gray-700 dark:text-gray-300">${esc(submitter)}</span></span></div></div>
<div class="flex shrink-0 items-center gap-2"><a href="/papers/${id}#community" class="flex items-center gap-1 rounded-md px-1 hover:text-gray-700">${COMMENT_SVG}${comments}</a></div></div></div></div></div></article>`;
}

/** `n` cards with new-style ids 2501.00001…; every tenth one is also in the library (saved), like a real listing. */
export function listingCards(n, seed = 7, offset = 0) {
  const r = rng(seed);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  return Array.from({ length: n }, (_, k) => {
    const i = k + offset;
    const id =
      i % 10 === 9 ? `24${String(1 + (i % 12)).padStart(2, '0')}.${String(Math.floor(i / 12) + 1).padStart(5, '0')}` : `2501.${String(i + 1).padStart(5, '0')}`;
    return { id, title: pick(SHAPES)(pick), upvotes: Math.floor(r() * 300), submitter: `${pick(FIRST)} ${pick(LAST)}`, comments: Math.floor(r() * 9) };
  });
}

/** A Hugging Face listing page around `cardsHtml`, with the digest's header and a small DailyPapers hydrater. */
export function hfPage({ cardsHtml = '', script = '', date = '2026-01-01' }) {
  const props = esc(JSON.stringify({ periodType: 'day', dateString: date, query: null, dailyPapers: [] }));
  return `<!doctype html>
<html class="">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0, user-scalable=no">
<title>Daily Papers - Hugging Face</title>
</head>
<body class="flex flex-col min-h-dvh bg-white dark:bg-gray-950 text-black DailyPapersPage">
<div class="flex min-h-dvh flex-col">
<header class="border-b border-gray-100"><div class="w-full px-4 container flex h-16 items-center"><a class="mr-5 flex flex-none items-center" href="/">Hugging Face</a>
<nav aria-label="Main" class="ml-auto"><ul class="flex items-center gap-x-1"><li><a href="/models">Models</a></li><li><a href="/datasets">Datasets</a></li><li><a href="/papers">Papers</a></li><li><a href="/papers/trending">Trending papers</a></li></ul></nav></div></header>
<main class="flex flex-1 flex-col">
<div class="SVELTE_HYDRATER contents" data-target="DailyPapers" data-props="${props}"><section class="container relative pb-16 pt-6 md:pt-10">
<div class="mb-6"><h1 class="text-3xl font-bold md:text-4xl">Daily Papers</h1></div>
<div class="mb-6 flex flex-wrap items-center justify-between gap-3"><div class="flex items-center gap-1 rounded-xl border border-gray-100 p-1 text-sm"><a href="/papers/date/${date}">Daily</a><a href="/papers/trending">Trending</a></div></div>
<div class="grid grid-cols-1 gap-x-5 gap-y-8 md:grid-cols-2 xl:grid-cols-3" id="bench-grid">
${cardsHtml}
</div>
</section></div>
</main>
</div>
${script}
</body>
</html>
`;
}

// ---------------------------------------------------------------- arXiv pages

/**
 * An arXiv /list/<cat>/new page of `n` entries in the real 2026 markup: the
 * head, header, footer and the dt/dd pairs of test/fixtures/arxiv/list-new.html
 * (passed in as `fixtureHtml`, so this file stays free of Node imports: it is
 * also evaluated in a page), each pair reused with a new id, item number,
 * title, authors and abstract from `seeds` (test/fixtures/seed-papers.json),
 * cycled. Sections keep the fixture's proportions of new, cross-list and
 * replaced entries. Every tenth entry is a paper of makePapers() (saved in the
 * bench's library); the rest get new ids 2608.00001….
 * Returns { html, ids, savedIds }.
 */
export function arxivListPage({ fixtureHtml, seeds, n = 1020 }) {
  const first = fixtureHtml.indexOf('    <dl id="articles">');
  const end = fixtureHtml.lastIndexOf('    </dl>') + '    </dl>'.length;
  if (first < 0 || end < first) throw new Error('arxivListPage: no <dl id="articles"> in the fixture');
  const head = fixtureHtml.slice(0, first);
  const tail = fixtureHtml.slice(end);
  const sections = fixtureHtml
    .slice(first, end)
    .split('    <dl id="articles">')
    .slice(1)
    .map((part) => ({
      heading: /<h3>([A-Za-z-]+ submissions) \(/.exec(part)[1],
      entries: part.match(/ {2}<dt>[\s\S]*?<\/dd>/g) ?? [],
    }));
  const fixtureTotal = sections.reduce((s, x) => s + x.entries.length, 0);
  // 5 new, 3 cross, 2 replaced in the fixture: the same shares of n.
  const counts = sections.map((s) => Math.floor((s.entries.length / fixtureTotal) * n));
  counts[0] += n - counts.reduce((a, b) => a + b, 0);
  const libraryId = (i) => `24${String(1 + (i % 12)).padStart(2, '0')}.${String(Math.floor(i / 12) + 1).padStart(5, '0')}`;
  const ids = [];
  const savedIds = [];
  let item = 0;
  const anchors = [];
  const dls = sections.map((s, si) => {
    anchors.push(item + 1);
    const out = [];
    for (let k = 0; k < counts[si]; k++) {
      const i = item++;
      const saved = i % 10 === 9;
      const id = saved ? libraryId(i) : `2608.${String(i + 1).padStart(5, '0')}`;
      ids.push(id);
      if (saved) savedIds.push(id);
      const seed = seeds[i % seeds.length];
      const tpl = s.entries[k % s.entries.length];
      const oldId = /<a href="\/abs\/[^"]*" title="Abstract" id="([^"]+)"/.exec(tpl)[1];
      // arXiv's author pages: /a/<last>_<first initial>_1.
      const authorHref = (a) => {
        const parts = a
          .toLowerCase()
          .normalize('NFD')
          .replace(/[^a-z ]+/g, '')
          .split(' ')
          .filter(Boolean);
        return `https://arxiv.org/a/${parts.at(-1) ?? 'x'}_${(parts[0] ?? 'x')[0]}_1`;
      };
      const authors = (seed.authors ?? []).map((a) => `<a href="${authorHref(a)}" rel="nofollow">${esc(a)}</a>`).join(', ');
      out.push(
        tpl
          .replaceAll(oldId, id)
          .replace(/name="item\d+">\[\d+\]/, `name="item${i + 1}">[${i + 1}]`)
          .replace(/(<div class="list-title mathjax"><span class="descriptor">Title:<\/span>\n\s*)[^\n]*/, (_, pre) => pre + esc(seed.title))
          .replace(/(<div class="list-authors">)[^\n]*(<\/div>)/, (_, pre, post) => pre + authors + post)
          .replace(/(<p class="mathjax">\n\s*)[^\n]*/, (_, pre) => pre + esc(seed.summary ?? '')),
      );
    }
    return `    <dl id="articles">\n  <h3>${s.heading} (showing ${counts[si]} of ${counts[si]} entries)</h3>\n${out.join('\n')}\n    </dl>`;
  });
  const top = head.replace(/Total of \d+ entries/, `Total of ${n} entries`).replace(/<ul>\s*<li><a href="#item\d+">[\s\S]*?<\/ul>/, (ul) => {
    let j = 0;
    return ul.replace(/#item\d+/g, () => `#item${anchors[j++] ?? 1}`);
  });
  const html = top + dls.join('\n') + tail.replace(/Total of \d+ entries/, `Total of ${n} entries`);
  return { html, ids, savedIds };
}
