/**
 * Metadata for papers saved from an id alone (background/metadata.ts): the
 * Hugging Face API's JSON and the arXiv abstract page's citation_* tags, read
 * from the fixtures served at those URLs; malformed and hostile input gives
 * null (the bare record stays); one request a second (fake timers).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { completedRef, createMetadataSource, type Fetch } from '../../src/background/metadata';
import { arxivAbsUrl, citationName, metaTags, parseArxivAbs } from '../../src/background/metadata/arxiv-abs';
import { hfApiUrl, parseHfPaper } from '../../src/background/metadata/hf-api';
import { createLimiter } from '../../src/background/metadata/limiter';
import { decodeEntities } from '../../src/shared/html';
import { refFromLink } from '../../src/background/menu';
import { answer, FIXTURES } from '../harness/routes.mjs';

const seed = JSON.parse(readFileSync(join(FIXTURES, 'seed-papers.json'), 'utf8')) as {
  id: string;
  title: string;
  summary: string;
  authors: string[];
  publishedAt: string;
  upvotes: number;
}[];
const seedOf = (id: string) => seed.find((p) => p.id === id)!;
const hfJson = (id: string) => JSON.parse(readFileSync(join(FIXTURES, 'api', 'hf-papers', `${id}.json`), 'utf8'));
const absHtml = readFileSync(join(FIXTURES, 'arxiv', 'abs.html'), 'utf8');

describe('Hugging Face paper API', () => {
  it('reads title, authors, abstract, date, upvotes and organisation of the fixture (seed data)', () => {
    const p = seedOf('2504.09883');
    expect(parseHfPaper(hfJson('2504.09883'), '2504.09883')).toEqual({
      title: p.title,
      authors: p.authors,
      abstract: p.summary.replace(/\s+/g, ' ').trim(),
      published: p.publishedAt,
      upvotes: p.upvotes,
    });
    expect(parseHfPaper(hfJson('2603.05962'), '2603.05962')?.organization).toBe('Qualcomm');
  });

  it('leaves out hidden authors and fields of the wrong type', () => {
    const json = {
      id: '2504.09883',
      title: '  A\n title ',
      authors: [{ name: 'Shown' }, { name: 'Hidden', hidden: true }, { name: 42 }, null, 'bare string', { name: '   ' }],
      summary: ['not', 'text'],
      publishedAt: 'yesterday',
      upvotes: -3,
      organization: 'not an object',
    };
    expect(parseHfPaper(json, '2504.09883')).toEqual({ title: 'A title', authors: ['Shown'] });
    // Listing props wrap the same object in `paper`.
    expect(parseHfPaper({ paper: { id: '2504.09883', title: 'T' } }, '2504.09883')).toEqual({ title: 'T', authors: [] });
  });

  it('is null for another paper, no title, or anything that is not a paper object', () => {
    expect(parseHfPaper(hfJson('2504.09883'), '2505.16421')).toBeNull();
    for (const bad of [
      null,
      undefined,
      'text',
      42,
      [],
      [hfJson('2504.09883')],
      { error: 'Paper not found' },
      { id: '2504.09883' },
      { id: '2504.09883', title: '   ' },
      { id: '2504.09883', title: 'x'.repeat(1001) },
      { id: ['2504.09883'], title: 'T' },
    ]) {
      expect(parseHfPaper(bad, '2504.09883')).toBeNull();
    }
  });

  it('caps what it keeps at the schema limits', () => {
    const m = parseHfPaper(
      { id: '2504.09883', title: 'T', summary: 'a'.repeat(50_000), authors: Array.from({ length: 6000 }, (_, i) => ({ name: `${'n'.repeat(400)}${i}` })) },
      '2504.09883',
    )!;
    expect(m.abstract).toHaveLength(20_000);
    expect(m.authors).toHaveLength(5000);
    expect(m.authors[0]).toHaveLength(300);
  });
});

describe('arXiv abstract page (citation_* meta tags, no DOM)', () => {
  it('reads the fixture page like the content script does', () => {
    const m = parseArxivAbs(absHtml, '2505.16421')!;
    expect(m.title).toBe('Bottlenecked Transformers: Periodic KV Cache Consolidation for Generalised Reasoning');
    expect(m.authors).toEqual(seedOf('2505.16421').authors);
    expect(m.published).toBe('2025-05-22');
    // &quot; and &#39; decoded: the text as a reader sees it.
    expect(m.abstract).toContain('token-space "thinking" chains of thought');
    expect(m.abstract).toContain("model's latent space");
    expect(m.abstract).toBe(seedOf('2505.16421').summary.replace(/\s+/g, ' ').trim());
  });

  it('reads quoting styles, attribute order and case, and ">" inside values', () => {
    const html = `<html><head>
      <META CONTENT='It&#x27;s a &gt; b &amp;&amp; c' NAME=citation_title>
      <meta content="Doe, Jane" name="citation_author"/><meta name=citation_author content=Solo>
      <meta name="citation_arxiv_id" content="2401.00001v3">
      <meta name="citation_date" content=" 2024/01/02 ">
    </head><body><meta name="citation_author" content="From the body"></body>`;
    expect(parseArxivAbs(html, '2401.00001')).toEqual({ title: "It's a > b && c", authors: ['Jane Doe', 'Solo'], published: '2024-01-02' });
  });

  it('reads an old-style paper saved with its subject class: the page names it without (issue 18)', () => {
    const page = (metaId: string) => `<head><meta name="citation_arxiv_id" content="${metaId}"><meta name="citation_title" content="Knots"></head>`;
    const saved = refFromLink({ linkUrl: 'https://arxiv.org/abs/math.GT/0309136v2' })!;
    expect(saved.id).toBe('math/0309136');
    expect(parseArxivAbs(page('math/0309136'), saved.id)).toEqual({ title: 'Knots', authors: [] });
    expect(parseArxivAbs(page('math.GT/0309136'), saved.id)).toEqual({ title: 'Knots', authors: [] });
  });

  it('ignores tags inside comments, scripts and styles', () => {
    const html = `<head><!-- <meta name="citation_title" content="Commented out"> -->
      <script>document.write('<meta name="citation_title" content="From a script">')</script>
      <style>/* <meta name="citation_author" content="Style, Sheet"> */</style>
      <meta name="citation_arxiv_id" content="2401.00001"><meta name="citation_title" content="Real"></head>`;
    expect(parseArxivAbs(html, '2401.00001')).toEqual({ title: 'Real', authors: [] });
  });

  it('reads no "<meta" inside another tag\'s attribute value, quoted or not (issue 18)', () => {
    const html = `<!DOCTYPE html><html><head><meta name="citation_arxiv_id" content="2401.00001">
      <link rel="alternate" title='<meta name="citation_title" content="In a quoted value">' href="/x">
      <link rel="icon" data-note="</head><meta name=citation_author content='Eve, Evil'>" href="/i.png">
      <script data-x="</script><meta name='citation_title' content='After a false end tag'>">var a = '<meta name="citation_title" content="In the script">';</script>
      <base href=<meta name=citation_title content=Unquoted>
      <?xml-stylesheet <meta name="citation_title" content="In a processing instruction"> ?>
      <!--><meta name="citation_author" content="Real, After An Empty Comment">
      <meta name="citation_title" content="Real">
    </head><body><meta name="citation_title" content="In the body">`;
    expect(parseArxivAbs(html, '2401.00001')).toEqual({ title: 'Real', authors: ['After An Empty Comment Real'] });
    expect(metaTags(html).get('citation_title')).toEqual(['Real']);
  });

  it('is null for another paper, no id, no title, or not a page at all', () => {
    expect(parseArxivAbs(absHtml, '2505.16422')).toBeNull();
    expect(parseArxivAbs(absHtml.replace(/<meta name="citation_arxiv_id"[^>]*>/, ''), '2505.16421')).toBeNull();
    expect(parseArxivAbs(absHtml.replace(/<meta name="citation_title"[^>]*>/, ''), '2505.16421')).toBeNull();
    for (const bad of [
      '',
      '{"id":"2505.16421"}',
      '<html><body>404</body></html>',
      '<meta name="citation_arxiv_id" content="2505.16421"><meta name="citation_title" content="   ">',
      42 as unknown as string,
    ]) {
      expect(parseArxivAbs(bad, '2505.16421')).toBeNull();
    }
  });

  it('keeps hostile text as text: markup, entities and control characters never become anything else', () => {
    const html = `<head><meta name="citation_arxiv_id" content="2401.00001">
      <meta name="citation_title" content="&lt;img src=x onerror=alert(1)&gt; &#0; &#xD800; &#99999999; &bogus; &#x1F600;">
      <meta name="citation_author" content="&lt;script&gt;, x">`;
    const m = parseArxivAbs(html, '2401.00001')!;
    expect(m.title).toBe('<img src=x onerror=alert(1)> \ufffd \ufffd \ufffd &bogus; 😀');
    expect(m.authors).toEqual(['x <script>']);
  });

  it('stays linear on pathological markup', () => {
    const id = '<meta name="citation_arxiv_id" content="2401.00001">';
    for (const html of [
      '<head>' + '<meta name="citation_title" content="'.repeat(20_000) + "<meta a='".repeat(20_000),
      '<head>' + id + '<meta '.repeat(40_000),
      '<head>' + id + '<meta a=b c=d '.repeat(20_000),
      '<head>' + '<script>'.repeat(40_000) + id,
      '<head>' + '<!--'.repeat(40_000) + id,
      '<head>' + '<meta content="x" name="citation_author">'.repeat(5_000) + id,
      // Every tag is read now, not only metas (issue 18).
      '<head>' + '<link title="<meta name=citation_title content=x>">'.repeat(5_000) + '<x y="' + id,
      '<head>' + '</a b="'.repeat(20_000),
      '<head>' + '<!x <?y </3 '.repeat(10_000),
      '<head>' + '<title>'.repeat(20_000) + id,
    ]) {
      const t = performance.now();
      expect(parseArxivAbs(html, '2401.00001')).toBeNull();
      expect(performance.now() - t, html.slice(0, 40)).toBeLessThan(500);
    }
  });

  it('decodes character references and names', () => {
    expect(decodeEntities('a &amp;amp; b &lt;&GT; &#65;&#x42; &nbsp;')).toBe('a &amp; b <> AB \u00a0');
    expect(citationName('Silva, Rania')).toBe('Rania Silva');
    expect(citationName('OpenAI')).toBe('OpenAI');
    expect(metaTags('<meta name="a" content="1"><meta name="A" content="2">').get('a')).toEqual(['1', '2']);
  });
});

describe('completing the bare record', () => {
  const bare = refFromLink({ linkUrl: 'https://arxiv.org/pdf/2504.09883v1', pageUrl: 'https://blog.example/reading-list' })!;

  it('keeps where it was saved (URL, source, version) and takes the rest from the source', () => {
    const meta = parseHfPaper(hfJson('2504.09883'), '2504.09883');
    expect(completedRef(bare, meta)).toEqual({ ...meta, id: '2504.09883', version: 'v1', url: 'https://blog.example/reading-list', source: 'arxiv' });
  });

  it('is null when there is nothing, or when the schema refuses it', () => {
    expect(completedRef(bare, null)).toBeNull();
    expect(completedRef(bare, { title: 'T', authors: [], published: 'x'.repeat(41) })).toBeNull();
    expect(completedRef(bare, { title: 'T', authors: [], upvotes: 1.5 })).toBeNull();
  });
});

describe('one request a second', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('starts queued tasks in order, at least a second apart', async () => {
    const limit = createLimiter(1000);
    const started: number[] = [];
    const task = (n: number) => async () => {
      started.push(Date.now() - 1_000_000);
      return n;
    };
    const results = Promise.all([limit(task(1)), limit(task(2)), limit(task(3))]);
    expect(limit.waiting).toBe(3);
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual([0]);
    await vi.advanceTimersByTimeAsync(999);
    expect(started).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toEqual([0, 1000]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await results).toEqual([1, 2, 3]);
    expect(started).toEqual([0, 1000, 2000]);
    // After a pause, the next task starts at once.
    await vi.advanceTimersByTimeAsync(5000);
    const late = limit(task(4));
    await vi.advanceTimersByTimeAsync(0);
    expect(await late).toBe(4);
    expect(started.at(-1)).toBe(7000);
  });

  it('a failing task does not stop the queue; past the cap a task is refused at once', async () => {
    const limit = createLimiter(1000, 2);
    const a = limit(async () => {
      throw new Error('offline');
    });
    const b = limit(async () => 'b');
    const c = limit(async () => 'c');
    await expect(c).resolves.toBeNull();
    await expect(Promise.all([a.catch((e: Error) => e.message), vi.advanceTimersByTimeAsync(1000).then(() => b)])).resolves.toEqual(['offline', 'b']);
  });
});

describe('the metadata source', () => {
  /** fetch answered from routes.mjs, as in the browser tests, and counted. */
  const routed = () => {
    const asked: string[] = [];
    const fetchFn: Fetch = async (url, init) => {
      asked.push(url);
      expect(init.credentials).toBe('omit');
      const a = answer(url);
      return new Response(a.body, { status: a.status, headers: { 'content-type': a.contentType } });
    };
    return { asked, fetchFn };
  };
  const now = createLimiter(0);

  it('asks Hugging Face first', async () => {
    const { asked, fetchFn } = routed();
    expect((await createMetadataSource(fetchFn, now)('2504.09883'))?.title).toBe(seedOf('2504.09883').title);
    expect(asked).toEqual([hfApiUrl('2504.09883')]);
  });

  it('falls back to arXiv when Hugging Face has no such paper', async () => {
    const { asked, fetchFn } = routed();
    expect((await createMetadataSource(fetchFn, now)('2505.16421'))?.title).toMatch(/^Bottlenecked Transformers/);
    expect(asked).toEqual([hfApiUrl('2505.16421'), arxivAbsUrl('2505.16421')]);
  });

  it('goes to arXiv directly for old-style ids', async () => {
    const { asked, fetchFn } = routed();
    expect(await createMetadataSource(fetchFn, now)('hep-th/9901001')).toBeNull();
    expect(asked).toEqual([arxivAbsUrl('hep-th/9901001')]);
  });

  it('is null when both fail: errors, non-JSON, wrong papers, redirects elsewhere, huge bodies', async () => {
    const answers: ((url: string) => Promise<Response>)[] = [
      async () => {
        throw new TypeError('NetworkError');
      },
      async () => new Response('<html>not json</html>', { status: 200 }),
      async (url) => new Response(url.includes('/api/') ? JSON.stringify({ ...hfJson('2504.09883'), id: '2504.00001' }) : absHtml, { status: 200 }),
      async () => Object.defineProperty(new Response(absHtml, { status: 200 }), 'url', { value: 'https://evil.example/abs/2504.09883' }),
      async () => new Response('x'.repeat(10), { status: 200, headers: { 'content-length': String(50_000_000) } }),
      async () => new Response(new ReadableStream({ pull: (c) => c.enqueue(new Uint8Array(1 << 20)) }), { status: 200 }),
    ];
    for (const respond of answers) {
      const source = createMetadataSource((url) => respond(url), now);
      expect(await source('2504.09883')).toBeNull();
    }
  });

  it('shares one lookup between two asks for the same paper', async () => {
    const { asked, fetchFn } = routed();
    const source = createMetadataSource(fetchFn, now);
    const [a, b] = await Promise.all([source('2504.09883'), source('2504.09883')]);
    expect(a).toEqual(b);
    expect(asked).toHaveLength(1);
  });
});
