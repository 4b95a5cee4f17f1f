/**
 * The outputs that Astro's pages alone are not: the search index, the PDFs, their links' sizes, the offline bundle, the link
 * check and the security headers, run by the outputs integration (src/integrations/outputs.ts) in the steps' process, so
 * `astro build` alone writes the complete site. Most of the work on the pages is done while Astro renders them (`PageSteps.add`,
 * each page as Astro writes it); `PageSteps.run`, once Astro has written the site, finishes each output in order, each timed
 * and logged through the context's logger.
 */
import { stopWordSet } from '../search/aliases.ts';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SiteConfig } from '../schemas/site-config.ts';
import type { Translate } from '../i18n/ui.ts';
import { bundleName, publicUrl } from '../lib/site-config.ts';
import { presentSections } from '../content-model.ts';
import { Worker } from 'node:worker_threads';
import type { SearchIndexReport } from './search-index.ts';
import { searchIndexFile } from './search-index-file.ts';
import { annotateBundleLink, listFiles, startOfflineBundle, type OfflineBundle } from './offline-bundle.ts';
import { PagePass } from './page-pass.ts';
import { printsPdfs, PROTOCOL_PAGE } from './page-handoff.ts';
import { resolveLinks } from './link-check.ts';
import { writeSecurityHeaders } from './security-headers.ts';
import { pdfMetaJson, printCache, type Paper, type PrintCache } from './pdf-cache.ts';
import { findHeadlessBrowser } from '../lib/find-browser.ts';
import type { EarlyPrinted, EarlyPrints, Printer, PrintWords } from './pdf-export.ts';

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

/** The PDF settings of a build, from its environment: the paper, and where finished PDFs are kept. */
function pdfSettings(root: string): { paper: Paper; cacheDir: string } {
  return {
    paper: process.env.SITE_PDF_PAPER?.toLowerCase() === 'letter' ? 'Letter' : 'A4',
    // Finished PDFs are kept with the build's other caches: a rebuild reprints only the protocols whose pages changed.
    cacheDir: process.env.SITE_CACHE_DIR ? resolve(root, process.env.SITE_CACHE_DIR, 'pdf') : join(root, 'node_modules/.cache/support-center/pdf'),
  };
}

/**
 * PDFs need a browser. Without one the build fails with one line on how to provide it; SITE_PDF=optional (what `npm start`
 * sets) builds the rest and says so, SITE_PDF=skip makes none. `warm` is the browser {@link PrinterWarmup} started before
 * or while Astro rendered, with when.
 */
export async function pdfStep(
  { siteDir, contentDir, root, center, say, log, warn }: StepContext,
  warm?: WarmPrinter,
  closing?: (closed: Promise<void>) => void,
  written?: (file: string) => void,
): Promise<StepReport> {
  const printer = warm?.printer;
  if (process.env.SITE_PDF === 'skip') return { summary: 'skipped (SITE_PDF=skip)' };
  if (!presentSections(contentDir).has('protocols')) return { summary: 'the center has no protocols: no PDFs' };
  // Loaded here (or by the warm-up): the PDF library and the page reader cost about 0.35 s of imports that a build without PDFs
  // does not need; the browser driver (0.3–0.45 s more) is loaded only when a PDF is printed (startPrinter).
  const pdf = await import('./pdf-export.ts');
  try {
    const report = await pdf.exportPdfs({
      siteDir,
      siteName: center.name,
      ...pdfSettings(root),
      publicUrl: publicUrl(center),
      say,
      printer,
      closing,
      written,
      early: warm?.early,
    });
    for (const f of report.files)
      log(
        `${f.file}: ${f.pages} pages, ${(f.bytes / 1024).toFixed(0)} KB, ${f.cached ? 'from the print cache' : `${(f.ms / 1000).toFixed(2)} s`}` +
          (f.partsWrittenAgain ? `, ${f.partsWrittenAgain} of its parts written again from the last combined PDF` : ''),
      );
    const singles = report.files.filter((f) => f.file !== 'protocols.pdf');
    const kept = singles.filter((f) => f.cached).length;
    const whole = report.files.find((f) => f.file === 'protocols.pdf')?.cached ? ' (from the print cache)' : '';
    return {
      summary:
        `${singles.length} protocol PDFs (${singles.length - kept} printed${report.printedAhead ? `, ${report.printedAhead} of them while Astro rendered` : ''}, ${kept} from the print cache) ` +
        `and protocols.pdf${whole}, ${report.launches} browser launch${report.launches === 1 ? '' : 'es'}${warm ? `, started ${warm.when}` : ''}`,
    };
  } catch (error) {
    // An export that failed before it took the browser started for it (a protocol page it could not read, say) leaves it open:
    // it is closed here, and its warm-up print, cut short, removes its folder before this returns. (Closing a closed one does
    // nothing.)
    await (await printer?.catch(() => undefined))?.close().catch(() => undefined);
    if (error instanceof pdf.BrowserMissingError && process.env.SITE_PDF === 'optional') {
      warn(`skipped: ${error.message} The site is built without PDFs.`);
      return { summary: 'skipped: no browser' };
    }
    throw error;
  }
}

/**
 * Starts the printing browser with its pages, and loads the exporter, while Astro works, so the PDF step after Astro finds them
 * ready: at once when the print cache holds nothing (every protocol will be printed), else at the first protocol page Astro
 * renders that the cache does not hold. A build whose protocols are all in the cache starts none.
 */
/** The printing browser {@link PrinterWarmup} started, and when, as the PDF step's line says it; and what it printed then. */
export interface WarmPrinter {
  printer: Promise<Printer>;
  when: 'before Astro rendered (the print cache was empty)' | 'while Astro rendered';
  /** The protocols it printed while Astro rendered, by print key (pdf-export.ts, EarlyPrints). */
  early?: EarlyPrinted;
}

export class PrinterWarmup {
  private cache: PrintCache | undefined;
  private executablePath: string | undefined;
  /** The browser started, once a protocol page needs printing. */
  private printer: WarmPrinter | undefined;
  /** Where Astro writes the site, when known: protocol pages then print as Astro writes them. */
  private readonly siteDir: string | undefined;
  private readonly words: PrintWords | undefined;
  /** The protocol pages printing while Astro renders, once the browser is started; and that, once loaded. */
  private early: Promise<EarlyPrints> | undefined;
  private earlyLoaded: EarlyPrints | undefined;

  /** `siteDir` is where Astro writes the site; without it, every protocol prints in the PDF step. */
  constructor({ contentDir, root, center, say }: Omit<StepContext, 'siteDir'>, siteDir?: string) {
    if (!printsPdfs(contentDir)) return;
    this.siteDir = siteDir;
    this.words = { paper: pdfSettings(root).paper, publicUrl: publicUrl(center), siteName: center.name, say };
    // The exporter's modules load while Astro works, not after it, when the PDF step waits for them (about 0.3 s).
    import('./pdf-export.ts').catch(() => undefined);
    this.executablePath = findHeadlessBrowser();
    if (this.executablePath)
      this.cache = printCache({ ...pdfSettings(root), executablePath: this.executablePath, siteName: center.name, publicUrl: publicUrl(center), say });
    if (this.cache?.empty()) this.start('before Astro rendered (the print cache was empty)');
  }

  private start(when: WarmPrinter['when']): void {
    const executablePath = this.executablePath!;
    const pdf = import('./pdf-export.ts');
    const printer = pdf.then((pdf) => pdf.startPrinter(executablePath, { warmUp: true }));
    // A browser that fails to start fails the PDF step, which awaits it; until then the failure waits.
    printer.catch(() => undefined);
    this.printer = { printer, when };
    const { siteDir, words } = this;
    if (siteDir && words) {
      this.early = pdf.then((pdf) => (this.earlyLoaded = new pdf.EarlyPrints(printer, siteDir, words)));
      // Without them, every protocol prints in the PDF step, which reports what failed.
      this.early.catch(() => undefined);
    }
  }

  /** One page as Astro wrote it. */
  page(path: string, html: string): void {
    // Once the browser is started, a page matters only to the prints made while Astro renders, and only when they take one.
    if (this.printer && (!this.early || this.earlyLoaded?.accepting === false)) return;
    if (!this.cache || !PROTOCOL_PAGE.test(path) || pdfMetaJson(html) === undefined) return;
    const key = this.cache.key(html);
    if (this.cache.holds(key)) return;
    if (!this.printer) this.start('while Astro rendered');
    this.early?.then((early) => early.add(key, path, html)).catch(() => undefined);
  }

  /** The browser, for the PDF step, which closes it, with what it printed while Astro rendered; undefined when none was started. */
  async take(): Promise<WarmPrinter | undefined> {
    // Taken all at once, before anything is awaited: a second caller (the close of a build stopped meanwhile) gets nothing.
    const { printer, early: loading } = this;
    this.taken ??= printer?.printer;
    this.cache = undefined;
    this.printer = undefined;
    this.early = undefined;
    this.earlyLoaded = undefined;
    const early = await loading?.catch(() => undefined);
    // Its server closes once its prints have ended.
    void early?.close();
    return printer && { ...printer, ...(early ? { early } : {}) };
  }

  /** The browser closing, once {@link close} was called. */
  private closed: Promise<void> | undefined;
  /** The browser started here, once taken (by the PDF step, or by {@link close}). */
  private taken: Promise<Printer> | undefined;

  /**
   * Closes the browser started here: of a build that ends before its PDF step took it, and of one stopped while its PDF step
   * prints (Astro gone), which would otherwise end this process with the browser, its profile and a warm-up's folder left
   * behind. After a PDF step that closed it, this does nothing more. Every call returns the same closing: a failed build's
   * process asks twice at once (its input ended, its parent gone), and exits when either returns.
   */
  close(): Promise<void> {
    return (this.closed ??= (async () => {
      const warm = await this.take();
      // The browser closes first: prints in progress then fail at once, instead of being waited for to the end.
      // A close that fails (the browser gone already) must not fail a build, nor hide why it stopped.
      await (await this.taken?.catch(() => undefined))?.close().catch(() => undefined);
      await Promise.allSettled(warm?.early?.all.values() ?? []);
    })());
  }
}

/** Pages the search thread may be behind by. */
const SEARCH_AHEAD = 16;

/**
 * The steps' work on the pages while Astro renders them: each page, as Astro writes it, goes to the search index (on its own
 * thread, search-index-worker.ts) and to the pass that packs the offline bundle and reads the links (page-pass.ts).
 */
export class PageSteps {
  private readonly bundle: OfflineBundle;
  private readonly pass: PagePass;
  private readonly printer: PrinterWarmup;
  /** The printing browser closing after the PDFs, while the steps after them run. */
  private printerClosed: Promise<void> | undefined;
  private readonly search: Worker;
  /** Where the search thread keeps the pages it is given until it indexes them. */
  private readonly searchFile = searchIndexFile();
  private readonly searchDone: Promise<SearchIndexReport>;
  /** The first error while pages came in, raised when the build's steps run. */
  private failure: unknown;
  /** Pages sent to the search thread and not yet read there, and what a page waiting for it to take one resumes. */
  private searchAhead = 0;
  private searchTook: (() => void) | undefined;

  /** `siteDir` is where Astro writes the site, when known before it is done (protocol pages then print as Astro writes them). */
  constructor(context: Omit<StepContext, 'siteDir'>, siteDir?: string) {
    const { contentDir, center, say } = context;
    // The date is read when the first page comes (a watch's steps start before their build: steps-start.ts).
    this.bundle = startOfflineBundle({ contentDir, name: bundleName(center), publicUrl: publicUrl(center), buildDate: () => context.buildDate, say });
    this.pass = new PagePass(this.bundle, say, printsPdfs(contentDir));
    this.printer = new PrinterWarmup(context, siteDir);
    this.search = new Worker(new URL('./search-index-worker.ts', import.meta.url), {
      workerData: { contentDir, stopWords: [...stopWordSet(say('search.stopWords'))], file: this.searchFile },
    });
    this.searchDone = new Promise<SearchIndexReport>((done, fail) => {
      this.search.on('message', (message: { taken: string } | { report: SearchIndexReport }) => {
        if ('report' in message) done(message.report);
        else if (--this.searchAhead < SEARCH_AHEAD) this.searchTook?.();
      });
      this.search.once('error', fail);
      this.search.once('exit', (code) => fail(new Error(`the search index's thread stopped (exit code ${code}) before it finished.`)));
    });
    this.searchDone.catch(() => undefined);
    // A process that exits at once (its Astro gone with a killed build, or a signal: steps-process.ts) stops its threads without
    // their exit handlers.
    process.once('exit', () => this.removeSearchFile());
  }

  /** One page as Astro wrote it, by its site path. */
  async add(path: string, html: string): Promise<void> {
    if (this.failure) return;
    // A few pages ahead of the search thread at most: when it falls behind, this waits, the pipe from Astro fills, and Astro
    // waits for it, instead of the pages piling up in memory (they did, by a gigabyte, at 10,000 pages).
    if (this.searchAhead >= SEARCH_AHEAD) await new Promise<void>((took) => (this.searchTook = took));
    this.searchTook = undefined;
    this.printer.page(path, html);
    this.searchAhead++;
    this.search.postMessage({ page: path, html });
    await this.pass.add(path, html).catch((error: unknown) => void (this.failure ??= error));
  }

  /** Astro's paths, as keys (page-handoff.ts, pageKey), in the order it renders them: the search index takes the pages in it. */
  order(keys: string[]): void {
    this.search.postMessage({ order: keys });
  }

  /** The key of a path of Astro's that gave no page. */
  skip(key: string): void {
    this.search.postMessage({ skip: key });
  }

  /** Runs every step on the built site in `siteDir`, in order, each timed; the first error stops the build. */
  async run(context: StepContext): Promise<void> {
    const { siteDir, buildDate, say } = context;
    const time = async <T>(name: string, run: () => Promise<T>, summary: (result: T) => string): Promise<T> => {
      const started = performance.now();
      const result = await run();
      context.log(`${name}: ${((performance.now() - started) / 1000).toFixed(2)} s · ${summary(result)}`);
      return result;
    };
    if (this.failure) throw this.failure;
    const changes = this.pass.compare(siteDir);
    // Pagefind indexes in its own process while the PDFs print and the pages are finished: what the pass changes on a page
    // (PDF sizes) is ignored by search, and it replaces each page whole.
    this.search.postMessage({ finish: siteDir, changes: { reread: changes.reread, gone: changes.gone } });
    const search = time(
      'search index',
      () => this.searchDone,
      (r) => `indexed ${r.pages} pages${r.kept === undefined ? '' : ` (${r.kept} read as in the last build)`}, ${r.words} words for suggestions`,
    );
    search.catch(() => undefined);
    try {
      await time(
        'pdf export',
        async () =>
          pdfStep(
            context,
            await this.printer.take(),
            (closed) => (this.printerClosed = closed),
            // Each protocol's page is finished (its PDF's size, the zip, its links) as soon as its PDF is written.
            (file) => this.pass.pdfWritten(siteDir, `pdf/${file}`),
          ),
        (r) => r.summary,
      );
      const pass = await time(
        'pages',
        () => this.pass.finish(siteDir, changes.stale),
        (r) =>
          `${r.pages} pages, ${r.asRendered} of them packed and read for links as Astro rendered them` +
          (r.asPdfsWritten > 0 ? `, ${r.asPdfsWritten} as their PDFs were written` : ''),
      );
      await time(
        'offline bundle',
        async () => {
          await search;
          const report = await this.bundle.finish(siteDir);
          await annotateBundleLink(siteDir, report, buildDate, say);
          return report;
        },
        (r) =>
          `${r.files} files, ${(r.unzippedBytes / 1024).toFixed(0)} KB unzipped, ${(r.zipBytes / 1024).toFixed(0)} KB zipped, content version ${r.contentVersion}`,
      );
      await time(
        'link check',
        async () => {
          const site = new Set(listFiles(siteDir));
          const onSite = resolveLinks(pass.siteLinks, (path) => site.has(path), 'site');
          const inBundle = resolveLinks(pass.bundleLinks, (path) => this.bundle.holds(path), 'bundle');
          const broken = [...onSite.broken, ...inBundle.broken.map((b) => `offline bundle: ${b}`)];
          if (broken.length > 0) throw new Error(`${broken.length} broken link${broken.length === 1 ? '' : 's'}:\n  ${broken.join('\n  ')}`);
          return onSite.checked + inBundle.checked;
        },
        (checked) => `${checked} links on ${pass.siteLinks.size + pass.bundleLinks.size} pages (site and offline bundle): all resolve`,
      );
      await time(
        'security headers',
        () => writeSecurityHeaders(siteDir, pass.scriptHashes),
        (headers) => `_headers: ${Object.keys(headers).join(', ')}`,
      );
    } finally {
      // A failed step must not leave Pagefind, or the pages finished as their PDFs came, writing into a folder that is about to go.
      await Promise.allSettled([search, this.pass.idle()]);
      await Promise.all([this.stopSearch(), this.printer.close(), this.printerClosed]);
    }
  }

  /** Ends the search thread, and removes its file (gone already when the index was finished). */
  private async stopSearch(): Promise<void> {
    await this.search.terminate();
    this.removeSearchFile();
  }

  /** A file that cannot be removed (held open on Windows, say) stays: it must not hide the reason the build stopped. */
  private removeSearchFile(): void {
    try {
      rmSync(this.searchFile, { force: true });
    } catch {
      // Left in the temporary folder.
    }
  }

  /** Stops the search thread, and the printing browser, of a build that ends without a site. */
  async stop(): Promise<void> {
    await Promise.all([this.stopSearch(), this.printer.close()]);
  }
}
