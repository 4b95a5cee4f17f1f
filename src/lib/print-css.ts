/**
 * CSS for printed pages' margin boxes, shared by the protocol pages (their browser printout) and run mode (the run sheet): a text
 * as a CSS string, "Page {page} of {total}" in the center's words as CSS page counters, an SVG as an image, and the footer
 * itself.
 */

/** A text as a CSS string literal. */
export const cssString = (text: string): string => `"${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, ' ')}"`;

/** The interface's "page X of Y" template (with {page} and {total}) as the `content` of a margin box. */
export function pageOfCss(template: (vars: { page: string; total: string }) => string): string {
  return template({ page: '\u0000page\u0000', total: '\u0000total\u0000' })
    .split(/(\u0000page\u0000|\u0000total\u0000)/)
    .filter(Boolean)
    .map((part) => (part === '\u0000page\u0000' ? 'counter(page)' : part === '\u0000total\u0000' ? 'counter(pages)' : cssString(part)))
    .join(' ');
}

/**
 * An SVG image as the `content` of a margin box: a data: URL, which the site's policy allows for images (`img-src data:`, online
 * and in the offline copy's own policy), so it prints from file:// too.
 */
export const cssSvgImage = (svg: string): string => `url(${cssString(`data:image/svg+xml,${encodeURIComponent(svg)}`)})`;

/** Height of the printed QR code in a page's foot, in millimetres; the bottom margin leaves room around it. */
export const FOOTER_QR_MM = 14;

/**
 * A named page's margins and its footer, on every printed page: the QR code (an SVG) at the left of the text column, the footer
 * text beside it, one line each (what it is; its version, date and fingerprint, so those stay on one line together), and
 * "page X of Y" at the right. The two side boxes are as wide as each other, so the text box between them, which CSS centres,
 * starts just after the QR code. Chromium (131 and later) draws @page margin boxes; a browser without them prints the page with
 * its margins and no footer.
 */
export function pageFooterCss(page: string, footer: { lines: string[]; pageOf: string; qrSvg?: string | undefined; font: string }): string {
  const font = `font: ${footer.font}; color: #444; vertical-align: middle;`;
  const text = `content: ${footer.lines.map(cssString).join(' "\\A" ')}; white-space: pre-line; ${font}`;
  const side = `width: ${FOOTER_QR_MM + 6}mm;`;
  const boxes = footer.qrSvg
    ? [
        `@bottom-left { content: ${cssSvgImage(footer.qrSvg)}; ${side} vertical-align: middle; }`,
        `@bottom-center { ${text} text-align: left; }`,
        `@bottom-right { content: ${footer.pageOf}; ${font} ${side} text-align: right; }`,
      ]
    : [`@bottom-left { ${text} }`, `@bottom-right { content: ${footer.pageOf}; ${font} }`];
  return `@page ${page} { margin: 14mm 14mm ${footer.qrSvg ? FOOTER_QR_MM + 8 : 18}mm; ${boxes.join(' ')} }`;
}
