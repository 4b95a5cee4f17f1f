import { describe, expect, it } from 'vitest';
import { relativeUrl, relativizeCss, relativizeHtml } from '../../../src/build/relative-links';

describe('relativeUrl', () => {
  it.each([
    ['/', 'index.html', 'index.html'],
    ['/', 'faq/reference-genes/index.html', '../../index.html'],
    ['/faq/', 'index.html', 'faq/index.html'],
    ['/faq/reference-genes/', 'faq/index.html', '../faq/reference-genes/index.html'],
    ['/protocols/two-step-rt-qpcr/#reverse-transcription', 'protocols/index.html', '../protocols/two-step-rt-qpcr/index.html#reverse-transcription'],
    ['/_astro/site.css', 'data/index.html', '../_astro/site.css'],
    ['/pdf/two-step-rt-qpcr.pdf', 'protocols/two-step-rt-qpcr/index.html', '../../pdf/two-step-rt-qpcr.pdf'],
    ['/search/?q=gapdh#top', 'index.html', 'search/index.html?q=gapdh#top'],
    ['/data/ic50-values.csv', '404.html', 'data/ic50-values.csv'],
  ])('%s seen from %s is %s', (url, page, expected) => {
    expect(relativeUrl(url, page)).toBe(expected);
  });

  it.each(['https://example.org/x/', '//cdn.example.org/x.js', '#ref-1', 'mailto:a@b.org', 'data:image/svg+xml,abc', 'relative/already.html'])(
    'leaves %s alone',
    (url) => {
      expect(relativeUrl(url, 'faq/index.html')).toBe(url);
    },
  );
});

describe('relativizeHtml', () => {
  it('rewrites links, assets, SVG links, the search script attribute and inline CSS urls, and nothing else', () => {
    const html = [
      '<html><head><link rel="stylesheet" href="/_astro/a.css"><link rel="canonical" href="https://example.org/faq/"></head><body>',
      '<a href="/faq/">FAQ</a><a href="#x">x</a><a href="https://example.org/">out</a>',
      '<form data-lazy-script="/search/search.js"></form><img src="/favicon.svg" srcset="/a.png 1x, /b.png 2x">',
      '<svg><a xlink:href="/faq/reference-genes/"><text>GAPDH</text></a></svg><div style="background:url(/bg.png)"></div>',
      '</body></html>',
    ].join('');
    const out = relativizeHtml(html, 'protocols/two-step-rt-qpcr/index.html');
    expect(out).toContain('href="../../_astro/a.css"');
    expect(out).toContain('href="https://example.org/faq/"');
    expect(out).toContain('<a href="../../faq/index.html">FAQ</a><a href="#x">x</a><a href="https://example.org/">out</a>');
    expect(out).toContain('data-lazy-script="../../search/search.js"');
    expect(out).toContain('src="../../favicon.svg" srcset="../../a.png 1x, ../../b.png 2x"');
    expect(out).toContain('xlink:href="../../faq/reference-genes/index.html"');
    expect(out).toContain('url(../../bg.png)');
  });
});

describe('relativizeCss', () => {
  it('rewrites root urls relative to the stylesheet', () => {
    expect(relativizeCss('a{background:url("/img/x.png")} b{src:url(/f.woff2)}', '_astro/site.css')).toBe(
      'a{background:url("../img/x.png")} b{src:url(../f.woff2)}',
    );
  });
});
