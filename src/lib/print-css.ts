/**
 * CSS for printed pages' margin boxes, shared by the protocol pages (their browser printout) and run mode (the run sheet): a text
 * as a CSS string, and "Page {page} of {total}" in the center's words as CSS page counters.
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
