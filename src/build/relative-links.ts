/**
 * Rewrites a built page so that it works when opened from disk (file://):
 * every site-absolute URL (`/faq/`, `/_astro/x.css`) becomes relative to the
 * page and points at a file (`../faq/index.html`). External URLs, in-page
 * anchors and data: URLs are left alone.
 */

import { URL_ATTRIBUTES } from '../contract.ts';

/**
 * The relative, file-pointing form of a site-absolute URL, as seen from the
 * page at `pagePath` (a site path such as `faq/some-question/index.html`).
 * Anything that is not site-absolute comes back unchanged.
 */
export function relativeUrl(url: string, pagePath: string): string {
  if (!url.startsWith('/') || url.startsWith('//')) return url;
  const match = /^([^?#]*)(\?[^#]*)?(#.*)?$/.exec(url)!;
  let path = match[1]!;
  if (path.endsWith('/')) path += 'index.html';
  const depth = pagePath.split('/').length - 1;
  const up = depth === 0 ? '' : '../'.repeat(depth);
  return `${up}${path.slice(1)}${match[2] ?? ''}${match[3] ?? ''}`;
}

/**
 * Rewrites every URL attribute, `srcset` and inline `url(/…)` of an HTML page.
 * It works on the markup as text: the pages are the build's own output, with
 * double-quoted attributes, and a parse and re-serialisation of every page
 * was the slowest part of making the offline bundle.
 */
export function relativizeHtml(html: string, pagePath: string): string {
  return html
    .replace(URL_ATTRIBUTE_PATTERN, (_m, before: string, url: string) => `${before}${relativeUrl(url, pagePath)}"`)
    .replace(
      /(\ssrcset=")([^"]*)"/g,
      (_m, before: string, value: string) =>
        `${before}${value.replace(/(^|,\s*)(\/[^\s,]+)/g, (_n, sep: string, url: string) => sep + relativeUrl(url, pagePath))}"`,
    )
    .replace(/(\sstyle=")([^"]*)"/g, (_m, before: string, css: string) => `${before}${relativizeCss(css, pagePath)}"`)
    .replace(/(<style[^>]*>)([\s\S]*?)(<\/style>)/g, (_m, open: string, css: string, close: string) => `${open}${relativizeCss(css, pagePath)}${close}`);
}

const URL_ATTRIBUTE_PATTERN = new RegExp(`(\\s(?:${URL_ATTRIBUTES.join('|')})=")(/[^"]*)"`, 'g');

/** Rewrites `url(/…)` in CSS, relative to the stylesheet or page at `filePath`. */
export function relativizeCss(css: string, filePath: string): string {
  return css.replace(/url\((['"]?)(\/[^'")]+)\1\)/g, (_m, quote: string, url: string) => `url(${quote}${relativeUrl(url, filePath)}${quote})`);
}
