/**
 * Each page as Astro renders it, finished and handed to the output steps' process (steps-process.ts), so they work on it while
 * Astro renders the next: the integration's middleware (src/integrations/page-middleware.ts) calls the function that the outputs
 * integration puts at `PAGE_HANDOFF` on the global object for the time of a build. It gives the page its security policy, and
 * the note in place of its PDF links when the build prints none, so Astro writes each page once, as it is served; the PDF links'
 * sizes are filled in after the PDFs.
 */
import type { Writable } from 'node:stream';
import type { Translate } from '../i18n/ui.ts';
import { presentSections } from '../content-model.ts';
import { withPdfSizes } from './pdf-links.ts';
import { withPagePolicy } from './security-headers.ts';

/** Whether a build prints PDFs after Astro (the pages with a PDF link then wait for their sizes). */
export const printsPdfs = (contentDir: string): boolean => process.env.SITE_PDF !== 'skip' && presentSections(contentDir).has('protocols');

/** Where the outputs integration puts the page handoff for the middleware. */
export const PAGE_HANDOFF = Symbol.for('support-center.page-handoff');

/** Finishes one rendered page (by its URL path) and hands it on; resolves to the page as Astro is to write it. */
export type PageHandoff = (pathname: string, html: string) => Promise<string>;

/**
 * The built file of a page's URL path, as Astro names it (`build.format: 'directory'`): "/faq/x/" → "faq/x/index.html"; the
 * error pages, "/404/" and "/500/", → "404.html" and "500.html". A page the steps get under another name than Astro writes is
 * read from disk after Astro (page-pass.ts), so a wrong name costs time, not content.
 */
export function pageFile(pathname: string): string {
  const path = decodeURI(pathname).replace(/^\/+/, '');
  if (/^(404|500)\/?$/.test(path)) return `${path.replace('/', '')}.html`;
  if (path === '' || path.endsWith('/')) return `${path}index.html`;
  return /\.html?$/.test(path) ? path : `${path}.html`;
}

/**
 * The handoff for one build. `steps` is the steps' standard input, `pdfs` whether the build prints PDFs. A page the steps'
 * process does not take in time waits (the pipe's back-pressure), so pages never pile up in Astro's memory; once that process
 * is gone, pages are only finished, and the build fails on its exit code.
 */
export function pageHandoff(steps: Writable, { pdfs, say }: { pdfs: boolean; say: Translate }): PageHandoff {
  let gone = false;
  const stop = () => void (gone = true);
  steps.on('error', stop);
  steps.on('close', stop);
  return async (pathname, html) => {
    const path = pageFile(pathname);
    const page = withPagePolicy(pdfs ? html : withPdfSizes(html, path, null, say));
    if (gone) return page;
    if (!steps.write(`${JSON.stringify({ page: path, html: page })}\n`))
      await new Promise<void>((done) => {
        const resume = () => {
          steps.off('drain', resume);
          steps.off('close', resume);
          done();
        };
        steps.on('drain', resume);
        steps.on('close', resume);
      });
    return page;
  };
}
