/**
 * The outputs that Astro's pages alone are not: the search index, the PDFs, their links' sizes, the offline bundle, the link
 * check and the security headers. Each step has one signature — the build's context in, a report out — and says what it did
 * through the context's logger; src/integrations/outputs.ts runs them in order from Astro's `astro:build:done` hook, so
 * `astro build` alone writes the complete site.
 */
import { stopWordSet } from '../search/aliases.ts';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { unzipSync } from 'fflate';
import type { SiteConfig } from '../schemas/site-config.ts';
import type { Translate } from '../i18n/ui.ts';
import { bundleName, publicUrl } from '../lib/site-config.ts';
import { presentSections } from '../content-model.ts';

export interface StepContext {
  /** The built site, written in place. */
  siteDir: string;
  contentDir: string;
  /** The project's folder, for paths in messages. */
  root: string;
  center: SiteConfig;
  say: Translate;
  /** YYYY-MM-DD: SOURCE_DATE_EPOCH's day, or today. */
  buildDate: string;
  log(message: string): void;
  warn(message: string): void;
}

/** What a step did, in one line for the build log. */
export interface StepReport {
  summary: string;
}

export type Step = (context: StepContext) => Promise<StepReport>;

export const searchIndexStep: Step = async ({ siteDir, contentDir, say }) => {
  const { buildSearchIndex } = await import('./search-index.ts');
  const report = await buildSearchIndex(siteDir, contentDir, [...stopWordSet(say('search.stopWords'))]);
  return { summary: `indexed ${report.pages} pages, ${report.words} words for suggestions` };
};

/**
 * PDFs need a browser. Without one the build fails with one line on how to provide it; SITE_PDF=optional (what `npm start`
 * sets) builds the rest and says so, SITE_PDF=skip makes none.
 */
export const pdfStep: Step = async ({ siteDir, contentDir, root, center, say, log, warn }) => {
  if (process.env.SITE_PDF === 'skip') return { summary: 'skipped (SITE_PDF=skip)' };
  if (!presentSections(contentDir).has('protocols')) return { summary: 'the center has no protocols: no PDFs' };
  const paper = process.env.SITE_PDF_PAPER?.toLowerCase() === 'letter' ? 'Letter' : 'A4';
  // Loaded here: the browser driver and the PDF library cost 0.4 s of imports that a build without PDFs does not need.
  const pdf = await import('./pdf-export.ts');
  try {
    // Finished PDFs are kept with the build's other caches: a rebuild reprints only the protocols whose pages changed.
    const cacheDir = process.env.SITE_CACHE_DIR ? resolve(root, process.env.SITE_CACHE_DIR, 'pdf') : join(root, 'node_modules/.cache/support-center/pdf');
    const report = await pdf.exportPdfs({ siteDir, siteName: center.name, paper, publicUrl: publicUrl(center), say, cacheDir });
    for (const f of report.files)
      log(`${f.file}: ${f.pages} pages, ${(f.bytes / 1024).toFixed(0)} KB, ${f.cached ? 'from the print cache' : `${(f.ms / 1000).toFixed(2)} s`}`);
    const singles = report.files.filter((f) => f.file !== 'protocols.pdf');
    const kept = singles.filter((f) => f.cached).length;
    return {
      summary: `${singles.length} protocol PDFs (${singles.length - kept} printed, ${kept} from the print cache) and protocols.pdf, ${report.launches} browser launch${report.launches === 1 ? '' : 'es'}`,
    };
  } catch (error) {
    if (error instanceof pdf.BrowserMissingError && process.env.SITE_PDF === 'optional') {
      warn(`skipped: ${error.message} The site is built without PDFs.`);
      return { summary: 'skipped: no browser' };
    }
    throw error;
  }
};

export const pdfLinksStep: Step = async ({ siteDir, say }) => {
  const { annotatePdfLinks } = await import('./pdf-links.ts');
  const { pages } = await annotatePdfLinks(siteDir, say);
  return { summary: `${pages} pages with a PDF link` };
};

/** The offline bundle. It packs the pages while the search index (`searchReady`) is still being written. */
export function offlineBundleStep(searchReady: Promise<unknown>): Step {
  return async ({ siteDir, contentDir, center, say, buildDate }) => {
    const offline = await import('./offline-bundle.ts');
    const report = await offline.buildOfflineBundle({
      siteDir,
      contentDir,
      name: bundleName(center),
      publicUrl: publicUrl(center),
      buildDate,
      searchReady,
      say,
    });
    await offline.annotateBundleLink(siteDir, report, buildDate, say);
    return {
      summary: `${report.files} files, ${(report.unzippedBytes / 1024).toFixed(0)} KB unzipped, ${(report.zipBytes / 1024).toFixed(0)} KB zipped, content version ${report.contentVersion}`,
    };
  };
}

/** Every link, anchor and asset of the site and of the offline bundle must resolve. */
export const linkCheckStep: Step = async ({ siteDir }) => {
  const { checkLinks } = await import('./link-check.ts');
  const site = new Map<string, Uint8Array>();
  for (const entry of readdirSync(siteDir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) site.set(relative(siteDir, join(entry.parentPath, entry.name)).split(sep).join('/'), readFileSync(join(entry.parentPath, entry.name)));
  }
  const zipPath = [...site.keys()].find((p) => p.startsWith('downloads/') && p.endsWith('.zip'));
  if (!zipPath) throw new Error('the link check found no offline bundle under downloads/.');
  const bundle = new Map(
    Object.entries(unzipSync(site.get(zipPath)!))
      .filter(([name]) => !name.endsWith('/'))
      .map(([name, data]) => [name.slice(name.indexOf('/') + 1), data]),
  );
  const [onSite, inBundle] = [checkLinks(site, 'site'), checkLinks(bundle, 'bundle')];
  const broken = [...onSite.broken, ...inBundle.broken.map((b) => `offline bundle: ${b}`)];
  const pages = [...site.keys(), ...bundle.keys()].filter((p) => p.endsWith('.html')).length;
  if (broken.length > 0) throw new Error(`${broken.length} broken link${broken.length === 1 ? '' : 's'}:\n  ${broken.join('\n  ')}`);
  return { summary: `${onSite.checked + inBundle.checked} links on ${pages} pages (site and offline bundle): all resolve` };
};

export const securityHeadersStep: Step = async ({ siteDir }) => {
  const { writeSecurityHeaders } = await import('./security-headers.ts');
  const headers = await writeSecurityHeaders(siteDir);
  return { summary: `_headers: ${Object.keys(headers).join(', ')}` };
};

/** Runs every step on the built site, in order, each timed; the first error stops the build. */
export async function runSteps(context: StepContext): Promise<void> {
  const timed = async (name: string, step: Step): Promise<void> => {
    const started = performance.now();
    const { summary } = await step(context);
    context.log(`${name}: ${((performance.now() - started) / 1000).toFixed(2)} s · ${summary}`);
  };
  // Pagefind indexes in its own process while the PDFs print: what the PDF-link step rewrites is ignored by search, and it
  // replaces each page whole.
  const search = timed('search index', searchIndexStep);
  search.catch(() => undefined);
  try {
    await timed('pdf export', pdfStep);
    await timed('pdf links', pdfLinksStep);
    await timed('offline bundle', offlineBundleStep(search));
    await search;
    await timed('link check', linkCheckStep);
    await timed('security headers', securityHeadersStep);
  } finally {
    // A failed step must not leave Pagefind writing into a folder that is about to go.
    await Promise.allSettled([search]);
  }
}
