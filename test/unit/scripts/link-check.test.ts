import { describe, expect, it } from 'vitest';
import { checkLinks } from '../../../src/build/link-check';

const page = (body: string) =>
  new TextEncoder().encode(`<!doctype html><html><head><link rel="canonical" href="https://x.org/"></head><body>${body}</body></html>`);

describe('checkLinks', () => {
  it('follows root-absolute links, anchors and assets on the public site', () => {
    const files = new Map([
      [
        'index.html',
        page(
          '<a href="/faq/">FAQ</a><a href="/faq/#q1">Q1</a><a href="/faq/#nope">bad anchor</a><a href="/missing/">missing</a><img src="/logo.svg" alt=""><a href="https://x.org/">out</a><a href="#top">top</a>',
        ),
      ],
      ['faq/index.html', page('<h2 id="q1">Q1</h2><a href="/pdf/a.pdf">PDF</a>')],
      ['logo.svg', new Uint8Array()],
      ['pdf/a.pdf', new Uint8Array()],
    ]);
    const { broken, checked } = checkLinks(files, 'site');
    expect(broken).toEqual([
      'index.html: /faq/#nope (no #nope in faq/index.html)',
      'index.html: /missing/ (no file missing/index.html)',
      'index.html: #top (no #top in index.html)',
    ]);
    expect(checked).toBe(7);
  });

  it('in the offline bundle, wants relative links to files', () => {
    const files = new Map([
      [
        'index.html',
        page(
          '<a href="faq/index.html#q1">ok</a><a href="faq/">folder</a><a href="/faq/index.html">absolute</a><svg><a xlink:href="faq/index.html">svg</a></svg>',
        ),
      ],
      ['faq/index.html', page('<h2 id="q1">Q1</h2><a href="../index.html">home</a><link rel="stylesheet" href="../site.css">')],
      ['site.css', new Uint8Array()],
    ]);
    expect(checkLinks(files, 'bundle').broken).toEqual([
      'index.html: faq/ (points at a folder, not a file)',
      'index.html: /faq/index.html (absolute link in the offline bundle)',
    ]);
  });
});
