/**
 * Post-build step: fills in the size after every "Download as PDF" link of
 * the built pages, or, when the build made no PDFs, replaces the link by a
 * note saying so. Apart from the PDF export so that a build without PDFs
 * never loads the browser driver and the PDF library.
 */
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatSize } from './lib/format-size.ts';

/** Annotates the PDF links of every page in `siteDir`. The links are the layout's own markup, so they are found as text. */
export async function annotatePdfLinks(siteDir: string): Promise<void> {
  const pages = readdirSync(siteDir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile() && d.name.endsWith('.html'));
  for (const entry of pages) {
    const path = join(entry.parentPath, entry.name);
    const html = readFileSync(path, 'utf8');
    if (!html.includes('data-pdf-link')) continue;
    const next = html.replace(
      /<p class="pdf-download"[^>]*>\s*<a href="([^"]+)" data-pdf-link>([\s\S]*?)<span data-pdf-size><\/span><\/a>([\s\S]*?)<\/p>/g,
      (whole, href: string) => {
        const file = join(siteDir, decodeURIComponent(href));
        // Still ignored by search, like the link it replaces.
        if (!existsSync(file)) return '<p class="pdf-download note" data-pagefind-ignore>PDF export was not available when this copy was built.</p>';
        return whole.replace('<span data-pdf-size></span>', `<span data-pdf-size> (PDF, ${formatSize(statSync(file).size)})</span>`);
      },
    );
    // Pagefind reads the pages meanwhile, so each is replaced whole (written beside it, then renamed over it). Synchronously: a
    // thousand small writes awaited one by one spent most of this step waiting.
    if (next !== html) {
      writeFileSync(`${path}.pdf-links.tmp`, next);
      renameSync(`${path}.pdf-links.tmp`, path);
    }
  }
}
