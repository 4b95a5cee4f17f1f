/**
 * Post-build step: fills in the size after every "Download as PDF" link of
 * the built pages, or, when the build made no PDFs, replaces the link by a
 * note saying so. Apart from the PDF export so that a build without PDFs
 * never loads the browser driver and the PDF library.
 */
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatSize } from './format-size.ts';
import { MARKERS } from '../contract.ts';

/** The layout's empty size span after a PDF link, which this step fills. */
const EMPTY_SIZE = `<span ${MARKERS.pdfSize}></span>`;
import { translator, type Translate } from '../i18n/ui.ts';
import { escapeHtml } from '../lib/escape-html.ts';

/** Annotates the PDF links of every page in `siteDir`. The links are the layout's own markup, so they are found as text. */
export async function annotatePdfLinks(siteDir: string, say: Translate = translator()): Promise<{ pages: number }> {
  let annotated = 0;
  const pages = readdirSync(siteDir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile() && d.name.endsWith('.html'));
  for (const entry of pages) {
    const path = join(entry.parentPath, entry.name);
    const html = readFileSync(path, 'utf8');
    if (!html.includes(MARKERS.pdfLink)) continue;
    const next = html.replace(
      new RegExp(`<p class="pdf-download"[^>]*>\\s*<a href="([^"]+)" ${MARKERS.pdfLink}>([\\s\\S]*?)${EMPTY_SIZE}<\\/a>([\\s\\S]*?)<\\/p>`, 'g'),
      (whole, href: string) => {
        const file = join(siteDir, decodeURIComponent(href));
        // Still ignored by search, like the link it replaces.
        if (!existsSync(file)) return `<p class="pdf-download note" data-pagefind-ignore>${escapeHtml(say('protocols.pdfUnavailable'))}</p>`;
        return whole.replace(EMPTY_SIZE, `<span ${MARKERS.pdfSize}> ${escapeHtml(say('protocols.pdfSize', { size: formatSize(statSync(file).size) }))}</span>`);
      },
    );
    // Pagefind reads the pages meanwhile, so each is replaced whole (written beside it, then renamed over it). Synchronously: a
    // thousand small writes awaited one by one spent most of this step waiting.
    // The page has a PDF link this step does not recognise: the layout's markup changed, and its size would silently go missing.
    if (next.includes(EMPTY_SIZE)) throw new Error(`${path}: a "Download as PDF" link whose markup the PDF-link step does not recognise.`);
    annotated++;
    if (next !== html) {
      writeFileSync(`${path}.pdf-links.tmp`, next);
      renameSync(`${path}.pdf-links.tmp`, path);
    }
  }
  return { pages: annotated };
}

