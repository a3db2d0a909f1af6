import { describe, expect, it } from 'vitest';
import { parseRequest } from '../../src/shared/messages';
import { senderAllowed } from '../../src/background/sender';

const ref = { id: '2505.16421', title: 'A paper', authors: ['Ada'], url: 'https://huggingface.co/papers', source: 'hf' };

describe('message shapes', () => {
  it('accepts a well-formed save', () => {
    expect(parseRequest('paper.save', { ref })).toMatchObject({ ok: true });
  });
  it.each([
    ['unknown name', 'paper.delete-everything', { id: '2505.16421' }, /unknown message/],
    ['missing field', 'paper.save', { ref: { ...ref, title: undefined } }, /ref\.title/],
    ['empty title', 'paper.save', { ref: { ...ref, title: '' } }, /ref\.title/],
    ['extra key', 'paper.save', { ref, admin: true }, /admin/],
    ['extra key in ref', 'paper.save', { ref: { ...ref, __proto__x: 1 } }, /__proto__x/],
    ['bad id', 'paper.unsave', { id: '../../etc' }, /id/],
    ['wrong type', 'papers.status', { ids: 'all' }, /ids/],
    ['too many ids', 'papers.status', { ids: Array(5001).fill('2505.16421') }, /ids/],
    ['javascript url', 'paper.save', { ref: { ...ref, url: 'javascript:alert(1)' } }, /url/],
    ['negative upvotes', 'paper.save', { ref: { ...ref, upvotes: -1 } }, /upvotes/],
    ['not an object', 'paper.unsave', null, /invalid/],
  ])('rejects %s', (_, name, body, reason) => {
    const r = parseRequest(name, body);
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(reason) });
  });
});

const HOSTS = ['huggingface.co', 'arxiv.org'];

describe('senders', () => {
  const ext = 'abcdefghijklmnop';
  const origin = `chrome-extension://${ext}/`;
  it('accepts our popup and our content script on Hugging Face', () => {
    expect(senderAllowed({ id: ext, url: `${origin}src/popup/index.html` }, ext, origin, HOSTS)).toBeNull();
    expect(
      senderAllowed({ id: ext, url: 'https://huggingface.co/papers', tab: { id: 1, url: 'https://huggingface.co/papers' } }, ext, origin, HOSTS),
    ).toBeNull();
  });
  it.each([
    ['another extension', { id: 'other', url: 'chrome-extension://other/x.html' }],
    ['a web page (externally_connectable)', { url: 'https://evil.example/' }],
    ['our content script on another host', { id: ext, url: 'https://evil.example/', tab: { id: 1, url: 'https://evil.example/' } }],
    ['a look-alike host', { id: ext, url: 'https://huggingface.co.evil.example/', tab: { id: 1 } }],
    ['no URL', { id: ext }],
    ['an extension page of another origin', { id: ext, url: 'chrome-extension://other/popup.html' }],
  ])('refuses %s', (_, sender) => expect(senderAllowed(sender, ext, origin, HOSTS)).not.toBeNull());
});

describe('senders: the popup opened in a tab', () => {
  it('is an extension page, not a content script', () => {
    const ext = 'abcdefghijklmnop';
    const origin = `chrome-extension://${ext}/`;
    const url = `${origin}src/popup/index.html`;
    expect(senderAllowed({ id: ext, url, tab: { id: 3, url } }, ext, origin, HOSTS)).toBeNull();
  });
});
