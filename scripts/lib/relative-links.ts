/**
 * Rewrites a built page so that it works when opened from disk (file://):
 * every site-absolute URL (`/faq/`, `/_astro/x.css`) becomes relative to the
 * page and points at a file (`../faq/index.html`). External URLs, in-page
 * anchors and data: URLs are left alone.
 */
import { load } from 'cheerio';

/** Attributes that hold one URL. */
const URL_ATTRIBUTES = ['href', 'src', 'action', 'poster', 'data-search-src', 'xlink:href'];

/**
 * The relative, file-pointing form of a site-absolute URL, as seen from the
 * page at `pagePath` (a site path such as `faq/p95her2/index.html`).
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

/** Rewrites every URL attribute and inline `url(/…)` of an HTML page. */
export function relativizeHtml(html: string, pagePath: string): string {
  const $ = load(html, { xml: false });
  for (const attribute of URL_ATTRIBUTES) {
    $(`[${attribute.replace(':', '\\:')}]`).each((_, el) => {
      const value = $(el).attr(attribute)!;
      $(el).attr(attribute, relativeUrl(value, pagePath));
    });
  }
  $('[srcset]').each((_, el) => {
    const value = $(el).attr('srcset')!;
    $(el).attr(
      'srcset',
      value.replace(/(^|,\s*)(\/[^\s,]+)/g, (_m, sep: string, url: string) => sep + relativeUrl(url, pagePath)),
    );
  });
  $('[style]').each((_, el) => void $(el).attr('style', relativizeCss($(el).attr('style')!, pagePath)));
  $('style').each((_, el) => void $(el).text(relativizeCss($(el).text(), pagePath)));
  return $.html();
}

/** Rewrites `url(/…)` in CSS, relative to the stylesheet or page at `filePath`. */
export function relativizeCss(css: string, filePath: string): string {
  return css.replace(/url\((['"]?)(\/[^'")]+)\1\)/g, (_m, quote: string, url: string) => `url(${quote}${relativeUrl(url, filePath)}${quote})`);
}
