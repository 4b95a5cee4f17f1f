/**
 * Post-build step: fills in the size after every "Download as PDF" link of
 * the built pages, or, when the build made no PDFs, replaces the link by a
 * note saying so. Apart from the PDF export so that a build without PDFs
 * never loads the browser driver and the PDF library; src/build/page-pass.ts
 * applies it to each page in the build's one pass over the pages.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { formatSize } from './format-size.ts';
import { MARKERS } from '../contract.ts';

/** The layout's empty size span after a PDF link, which this step fills. */
const EMPTY_SIZE = `<span ${MARKERS.pdfSize}></span>`;
import { translator, type Translate } from '../i18n/ui.ts';
import { escapeHtml } from '../lib/escape-html.ts';

/**
 * One page (`path`, its file in `siteDir`) with the size after each PDF link, or the note that replaces a link whose PDF was not
 * made; `siteDir` null: the build makes no PDFs. The links are the layout's own markup, so they are found as text; a page without
 * one comes back as it is.
 */
/** The layout's "Download as PDF" paragraph: its link's href, the link's text up to the size span, and the rest of the paragraph. */
const PDF_LINK = `<p class="pdf-download"[^>]*>\\s*<a href="([^"]+)" ${MARKERS.pdfLink}>([\\s\\S]*?)${EMPTY_SIZE}<\\/a>([\\s\\S]*?)<\\/p>`;

/** The files, as site paths, that a page's "Download as PDF" links point at (the links {@link withPdfSizes} fills in). */
export function pdfLinkFiles(html: string): Set<string> {
  if (!html.includes(MARKERS.pdfLink)) return new Set();
  return new Set([...html.matchAll(new RegExp(PDF_LINK, 'g'))].map((m) => posix.join('/', decodeURIComponent(m[1]!)).slice(1)));
}

export function withPdfSizes(html: string, path: string, siteDir: string | null, say: Translate = translator()): string {
  if (!html.includes(MARKERS.pdfLink)) return html;
  const next = html.replace(
    new RegExp(PDF_LINK, 'g'),
    (whole, href: string) => {
      const file = siteDir === null ? null : join(siteDir, decodeURIComponent(href));
      // Still ignored by search, like the link it replaces.
      if (file === null || !existsSync(file)) return `<p class="pdf-download note" data-pagefind-ignore>${escapeHtml(say('protocols.pdfUnavailable'))}</p>`;
      return whole.replace(EMPTY_SIZE, `<span ${MARKERS.pdfSize}> ${escapeHtml(say('protocols.pdfSize', { size: formatSize(statSync(file).size) }))}</span>`);
    },
  );
  // The page has a PDF link this step does not recognise: the layout's markup changed, and its size would silently go missing.
  if (next.includes(EMPTY_SIZE)) throw new Error(`${path}: a "Download as PDF" link whose markup the PDF-link step does not recognise.`);
  return next;
}

/** Annotates the PDF links of every page in `siteDir` (withPdfSizes), in place; the build does it in its pass over the pages. */
export async function annotatePdfLinks(siteDir: string, say: Translate = translator()): Promise<{ pages: number }> {
  let annotated = 0;
  const pages = readdirSync(siteDir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile() && d.name.endsWith('.html'));
  for (const entry of pages) {
    const path = join(entry.parentPath, entry.name);
    const html = readFileSync(path, 'utf8');
    if (!html.includes(MARKERS.pdfLink)) continue;
    annotated++;
    const next = withPdfSizes(html, path, siteDir, say);
    if (next !== html) writeFileSync(path, next);
  }
  return { pages: annotated };
}
