/**
 * Each page as Astro renders it, finished and handed to the output steps' process (steps-process.ts), so they work on it while
 * Astro renders the next: the integration's middleware (src/integrations/page-middleware.ts) calls the function that the outputs
 * integration puts at `PAGE_HANDOFF` on the global object for the time of a build. It gives the page its security policy, and
 * the note in place of its PDF links when the build prints none, so Astro writes each page once, as it is served; the PDF links'
 * sizes are filled in after the PDFs.
 */
import type { Writable } from 'node:stream';
import type { AstroPrerenderer } from 'astro';
import type { Translate } from '../i18n/ui.ts';
import { presentSections } from '../content-model.ts';
import { withPdfSizes } from './pdf-links.ts';
import { withPagePolicy } from './security-headers.ts';
import type { PageReuse } from './page-reuse.ts';

/** Whether a build prints PDFs after Astro (the pages with a PDF link then wait for their sizes). */
export const printsPdfs = (contentDir: string): boolean => process.env.SITE_PDF !== 'skip' && presentSections(contentDir).has('protocols');

/** A protocol's page, as the file Astro writes ({@link pageFile}): the pages printed as PDFs. */
export const PROTOCOL_PAGE = /^protocols\/[^/]+\/index\.html$/;

/** Where the outputs integration puts the page handoff for the middleware. */
export const PAGE_HANDOFF = Symbol.for('support-center.page-handoff');

/**
 * Where the diagrams integration puts, for the time of a build, the function that fills in the figures a page's body left for
 * later (`fillDeferredDiagrams`, rehype-mermaid-diagrams.ts): a body rendered while its diagram's render was under way holds a
 * placeholder instead of waiting. The diagram plugin defers only while it is there, so the dev server's bodies hold their figures.
 */
export const DEFERRED_DIAGRAMS = Symbol.for('support-center.deferred-diagrams');
/** How a placeholder of a deferred figure starts. */
export const DEFERRED_DIAGRAM_MARK = '<!--support-center-diagram ';

/**
 * Finishes one rendered page (by its URL path) and hands it on; resolves to the page as Astro is to write it. Also passes on
 * the order of Astro's paths, before the first page, and each path that came out as something other than a page.
 */
export interface PageHandoff {
  (pathname: string, html: string): Promise<string>;
  /** Every path Astro is about to render (pages and files), in the order it takes them. */
  order(pathnames: readonly string[]): void;
  /** A path that came out as something other than a page (a file such as a CSV): no page comes for it. */
  skip(pathname: string): void;
  /** A page kept from the last build (page-reuse.ts), handed on as it was written then. */
  kept(pathname: string, page: string): Promise<void>;
}

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
 * One key for a path however it is written: as Astro lists it ("/faq/x"), as it requests it ("/faq/x/"), and as the file it
 * writes ({@link pageFile}: "faq/x/index.html"). All three give "faq/x"; the home page gives "".
 */
export function pageKey(pathOrFile: string): string {
  return decodeURI(pathOrFile)
    .replace(/^\/+/, '')
    .replace(/(^|\/)index\.html$/, '')
    .replace(/^(404|500)\.html$/, '$1')
    .replace(/\/+$/, '');
}

/**
 * The handoff for one build. `steps` is the steps' standard input, `pdfs` whether the build prints PDFs, `reuse` a watch's store
 * of kept pages (each page handed on is kept in it for the next build). A page the steps'
 * process does not take in time waits (the pipe's back-pressure), so pages never pile up in Astro's memory; once that process
 * is gone, pages are only finished, and the build fails on its exit code.
 */
export function pageHandoff(steps: Writable, { pdfs, say, reuse }: { pdfs: boolean; say: Translate; reuse?: PageReuse | undefined }): PageHandoff {
  let gone = false;
  const stop = () => void (gone = true);
  steps.on('error', stop);
  steps.on('close', stop);
  const send = async (path: string, page: string) => {
    if (gone) return;
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
  };
  const hand = async (pathname: string, rendered: string) => {
    const path = pageFile(pathname);
    const fill = (globalThis as Record<symbol, ((html: string) => Promise<string>) | undefined>)[DEFERRED_DIAGRAMS];
    const html = fill ? await fill(rendered) : rendered;
    if (html.includes(DEFERRED_DIAGRAM_MARK)) throw new Error(`${path}: a diagram was left for later, and nothing filled it in.`);
    const page = withPagePolicy(pdfs ? html : withPdfSizes(html, path, null, say));
    reuse?.keep(pathname, page);
    await send(path, page);
    return page;
  };
  // Small and few: written without waiting, in line with the pages.
  const tell = (message: object) => void (gone || steps.write(`${JSON.stringify(message)}\n`));
  return Object.assign(hand, {
    order: (pathnames: readonly string[]) => tell({ order: pathnames.map(pageKey) }),
    skip: (pathname: string) => tell({ skip: pageKey(pathname) }),
    kept: (pathname: string, page: string) => send(pageFile(pathname), page),
  });
}

/**
 * Astro's prerenderer, as the outputs integration gives it back to Astro (`setPrerenderer` in `astro:build:start`): the same in
 * everything, except that the paths it is about to render are told to `order` first, in Astro's order (its fallback paths
 * last, as it renders them), and that in a watch's runner (`reuse`) a page kept from the last build under the same key is
 * handed on and written as it was, instead of rendered. The search index takes the pages in that order while Astro renders
 * (search-index.ts). The protocols' pages come first, in their own order: in a build that prints PDFs each is printed as it
 * comes (steps.ts, PrinterWarmup), and the sooner they come the more of the printing is done beside Astro. Every build takes
 * that order, PDFs or not, so that the search index (which depends on it) does not.
 */
export function announcingOrder(base: AstroPrerenderer, handoff: PageHandoff, reuse?: PageReuse): AstroPrerenderer {
  return {
    name: base.name,
    ...(base.setup ? { setup: () => base.setup!() } : {}),
    getStaticPaths: async () => {
      const listed = await base.getStaticPaths();
      // Every path that names a protocol's page moves (with or without its last slash, whatever its route): of two routes that
      // give one path, Astro builds the first, and they keep their order.
      const protocols = new Set(listed.filter((p) => PROTOCOL_PAGE.test(pageFile(p.pathname))).map((p) => pageKey(p.pathname)));
      const first = (p: (typeof listed)[number]) => protocols.has(pageKey(p.pathname));
      const paths = [...listed.filter(first), ...listed.filter((p) => !first(p))];
      reuse?.begin(paths);
      handoff.order([...paths.filter((p) => p.route.type !== 'fallback'), ...paths.filter((p) => p.route.type === 'fallback')].map((p) => p.pathname));
      return paths;
    },
    render: async (request, options) => {
      const pathname = new URL(request.url).pathname;
      const kept = reuse?.take(pathname);
      if (kept === undefined) return base.render(request, options);
      await handoff.kept(pathname, kept);
      return new Response(kept, { headers: { 'Content-Type': 'text/html' } });
    },
    ...(base.collectStaticImages ? { collectStaticImages: () => base.collectStaticImages!() } : {}),
    ...(base.teardown ? { teardown: () => base.teardown!() } : {}),
  };
}
