/**
 * Post-build step: one PDF per protocol (`pdf/<slug>.pdf`), printed by headless
 * Chromium from the built pages themselves with the site's print stylesheet
 * (one browser, two pages at a time), and all of them in one
 * (`pdf/protocols.pdf`): a printed contents page followed by the protocols' own
 * PDFs, page for page, each copied in as soon as it is printed (src/build/pdf-merge.ts),
 * so nothing is printed twice.
 * Afterwards src/build/pdf-links.ts gives the "Download as PDF" links their sizes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { load, type CheerioAPI } from 'cheerio';
import { PDFDocument, ParseSpeeds } from 'pdf-lib';
import type { Browser, Page, Request } from 'playwright-core';
import sirv from 'sirv';
import { findHeadlessBrowser, NO_BROWSER_HINT } from '../lib/find-browser.ts';
import { launchHeadless } from '../lib/launch-browser.ts';
import { translator, type Translate } from '../i18n/ui.ts';
import { printoutPayload, qrSvg } from '../lib/printout.ts';
import { escapeHtml } from '../lib/escape-html.ts';
import { CONTENTS_LINK, PdfMerger, restoreOutlineTitles } from './pdf-merge.ts';
import { pdfMetaJson, printCache, type Paper } from './pdf-cache.ts';
import { normaliseStructureIds } from './pdf-structure-ids.ts';

export type { Paper } from './pdf-cache.ts';

export interface PdfExportOptions {
  /** The built site; PDFs go to its `pdf/` folder. */
  siteDir: string;
  /** Author metadata and running header. */
  siteName: string;
  paper?: Paper;
  /** The center's public address: links to its pages point there. Without one they stay in the document or become plain text. */
  publicUrl?: string | undefined;
  /** The center's interface words (headers, footers, the contents page). */
  say?: Translate;
  /** Where finished PDFs are kept between builds; without it every PDF is printed. */
  cacheDir?: string | undefined;
  /**
   * The printing browser, already started for this export ({@link startPrinter}, while Astro rendered): used instead of starting
   * one, and closed at the end like one started here.
   */
  printer?: Promise<Printer> | undefined;
  /**
   * Takes the closing of the browser of an export that succeeded, to await it later: closing takes about a tenth of a second
   * that the steps after the PDFs need not wait for. Without it, or when the export fails, the export waits for it itself.
   */
  closing?: ((closed: Promise<void>) => void) | undefined;
  /** Told each protocol's PDF (its file name in `pdf/`) as soon as its file is written in full. */
  written?: ((file: string) => void) | undefined;
  /**
   * Protocols printed while Astro rendered ({@link EarlyPrints}), by print key: each is used in place of printing its page again;
   * one that settles as undefined was dropped, and its page is printed here. A printing page prints here once done with them.
   */
  early?: EarlyPrinted | undefined;
}

/** The printing browser: its context, the pages that print (print media, light scheme), and what it was kept from reaching. */
export interface Printer {
  browser: Browser;
  /**
   * The page that worker `worker` prints its next document on. Every {@link PRINTS_PER_PAGE} documents it is a fresh one: a page
   * that navigates from protocol to protocol keeps memory for every one it printed (about 8 MB each in Chromium 150, so two
   * pages held about 3 GB at the 1,000th protocol).
   */
  page(worker: number): Promise<Page>;
  /** Addresses outside the site that a page asked for, blocked. */
  blocked: string[];
  /** Lets the pages reach the site's server at `base` (and the other servers allowed), and nothing else. */
  allow(base: string): void;
  /** Resolves when page `worker` can print: at once, or, for the page that prints the warm-up, once that has printed. */
  ready(worker: number): Promise<void>;
  /** Closes the browser, and resolves once its warm-up print, if any, has ended (its temporary folder gone). */
  close(): Promise<void>;
}

/** Pages printing at a time (two cores), each reused from protocol to protocol. */
const PRINTING_PAGES = 2;

/**
 * Documents a printing page prints before it is closed and a fresh one takes its place. Measured on 60 protocols: a reused page's
 * renderer grew from 280 to 600 MB, one replaced every 20 stayed at 270–290 MB. A fresh page costs about 40 ms.
 */
export const PRINTS_PER_PAGE = 20;

/**
 * Starts the printing browser with its pages: at the first PDF the print cache does not hold, or earlier (steps.ts, while
 * Astro renders), and then with `warmUp`, a first print of its own ({@link firstPrint}) on its first page, which takes a
 * document once that is done ({@link Printer.ready}); the other pages are ready at once. It runs without a sandbox: its pages
 * may reach the site's own server, once allowed, and nothing else.
 */
export async function startPrinter(executablePath: string, { warmUp = false } = {}): Promise<Printer> {
  // The browser driver is loaded only to print (0.3–0.45 s of imports): an export whose PDFs all come from the print cache
  // (a rebuild after an edit to anything but a protocol) does without it.
  const { chromium } = await import('playwright-core');
  const browser = await launchHeadless(chromium, executablePath);
  try {
    const context = await browser.newContext();
    const blocked: string[] = [];
    const sites: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (sites.some((site) => url.startsWith(site)) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      blocked.push(url);
      return route.abort('blockedbyclient');
    });
    const fresh = async () => printMedia(await context.newPage());
    const pages = await Promise.all(Array.from({ length: PRINTING_PAGES }, fresh));
    // On the first page, while the others are ready at once: a protocol page that comes meanwhile prints on one of them. A
    // warm-up that fails fails every print on its page, until the page is replaced (ready() then rejects for it).
    const warming = warmUp ? firstPrint(pages[0]!) : Promise.resolve();
    warming.catch(() => undefined);
    const slots = pages.map((page, i) => {
      const ready = i === 0 ? warming.then(() => page) : Promise.resolve(page);
      // A page waited for only once it prints: a warm-up that fails when no print came (the browser closed) is no error.
      ready.catch(() => undefined);
      return { page: ready, prints: 0 };
    });
    const page = (worker: number): Promise<Page> => {
      const slot = slots[worker]!;
      if (slot.prints++ === PRINTS_PER_PAGE) {
        const old = slot.page;
        slot.prints = 1;
        slot.page = fresh();
        // The old page has printed its last document; closing it needs no waiting (the browser's close ends it all the same).
        void old.then((p) => p.close()).catch(() => undefined);
      }
      return slot.page;
    };
    const close = async () => {
      // The browser first: a warm-up still printing then fails at once, and removes its folder.
      try {
        await browser.close();
      } finally {
        await warming.catch(() => undefined);
      }
    };
    const ready = async (worker: number) => void (await slots[worker]!.page);
    return { browser, page, ready, blocked, allow: (base) => void sites.push(`${base}/`), close };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/**
 * Loads a PDF in one go. pdf-lib's default stops every 100 objects to let a timer run (at least a millisecond each), and its save
 * every 50: a protocol's PDF of about 500 objects took 20-23 ms to load that way against 13-15 ms, and 31 ms to save against 14 ms,
 * for the same CPU time and the same bytes.
 */
const loadPdf = (bytes: Uint8Array) => PDFDocument.load(bytes, { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });

/** Loads the PDF at `path` when called; made out here so that it holds the path only. */
const loaderOf = (path: string) => async () => loadPdf(await readFile(path));
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * A print of a page of its own through the whole way a protocol goes (print, bookmarks, metadata, the combined document), for a
 * printer started while Astro works: the PDF library's first load, save and copy of a document take about 80 ms longer than the
 * ones after, and that first time then falls while Astro works instead of on the first protocol.
 */
async function firstPrint(page: Page): Promise<void> {
  await page.setContent('<!doctype html><html lang="en"><title>-</title><h1>-</h1><h2>-</h2><ol><li>-</li></ol></html>');
  const pdf = await printPdf(page, 'A4', { headerTemplate: '<span></span>', footerTemplate: '<span></span>' });
  const doc = await loadPdf(pdf);
  restoreOutlineTitles(doc, ['-']);
  await withMetadata(doc, { title: '-', subject: '-', keywords: ['-'], date: '2000-01-01', author: '-' });
  const dir = await mkdtemp(join(tmpdir(), 'pdf-warm-up-'));
  try {
    const merger = new PdfMerger(1, join(dir, 'warm-up.pdf'));
    merger.add(0, doc);
    // The same print again, as the contents in front.
    const contents = await loadPdf(pdf);
    await merger.finish(contents, { pageLabel: (n, total) => `${n} / ${total}` });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Readies a loaded page for paper in one round trip, and says what the PDF needs to know of it:
 * - links as a PDF needs them: a link to this page's own anchor stays in the document; a link to another page of the site points
 *   at the public site, or, when the center has no public address, becomes plain text — never at this temporary server (HTML
 *   links, and a diagram's SVG links, which Mermaid writes as xlink:href);
 * - paper cannot open a disclosure: the diagrams' text descriptions print open;
 * - the page's own printed footer (for printing from the browser) gives way to the PDF's header and footer.
 */
async function preparePage(page: Page, publicUrl: string | undefined) {
  return page.evaluate((site) => {
    const XLINK = 'http://www.w3.org/1999/xlink';
    for (const a of document.querySelectorAll<Element>('a[href], a[*|href]')) {
      const set = (value: string) => (a.hasAttribute('href') ? a.setAttribute('href', value) : a.setAttributeNS(XLINK, 'xlink:href', value));
      const href = a.getAttribute('href') ?? a.getAttributeNS(XLINK, 'href');
      if (href === null) continue;
      const url = new URL(href, location.href);
      if (url.origin !== location.origin) continue;
      if (url.hash && url.pathname === location.pathname) set(url.hash);
      else if (site) set(new URL(url.pathname + url.search + url.hash, site).href);
      else {
        a.removeAttribute('href');
        a.removeAttributeNS(XLINK, 'href');
      }
    }
    document.querySelectorAll('details.diagram-text').forEach((d) => ((d as HTMLDetailsElement).open = true));
    const style = document.createElement('style');
    style.textContent = 'main.page { page: auto !important; }';
    document.head.append(style);
    return {
      titles: document.querySelectorAll('main h1').length,
      steps: document.querySelectorAll('main ol.steps > li').length,
      // A center without a public address has no canonical link: the footer then names no address.
      canonical: document.querySelector('link[rel="canonical"]')?.getAttribute('href') ?? '',
      headings: [...document.querySelectorAll('main :is(h1, h2, h3, h4, h5, h6)')].map((h) => h.textContent ?? ''),
    };
  }, publicUrl ?? null);
}

/** The metadata a protocol page carries for its PDF (`script#pdf-meta`). */
interface ProtocolMeta {
  slug: string;
  title: string;
  objective: string;
  version: string;
  lastReviewed: string;
  /** The fingerprint of the protocol's text (src/lib/protocol-versions.ts), printed and coded on every page. */
  fingerprint: string;
  keywords: string[];
}

export interface PdfFileReport {
  /** Copied from an earlier build's print (the same page, paper and words). */
  cached?: boolean;
  /** The combined PDF: how many of its parts were written again from an earlier combined PDF's bytes. */
  partsWrittenAgain?: number;
  file: string;
  title: string;
  pages: number;
  bytes: number;
  ms: number;
}

export interface PdfExportReport {
  files: PdfFileReport[];
  totalMs: number;
  /** Pages printed by the browser (protocols and the contents); the rest came from the cache. */
  printed: number;
  /** Of those, protocols printed while Astro rendered ({@link EarlyPrints}). */
  printedAhead?: number;
  /** Browser launches: 0 when the cache held everything. */
  launches: number;
}

/** No browser to print with; the message is the one line telling how to provide one. */
export class BrowserMissingError extends Error {
  constructor() {
    super(`PDF export needs a browser. ${NO_BROWSER_HINT}`);
    this.name = 'BrowserMissingError';
  }
}

function protocolPages(siteDir: string): { url: string; meta: ProtocolMeta }[] {
  const dir = join(siteDir, 'protocols');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'index.html')))
    .map((d) => {
      const json = pdfMetaJson(readFileSync(join(dir, d.name, 'index.html'), 'utf8'));
      return json ? { url: `/protocols/${d.name}/`, meta: JSON.parse(json) as ProtocolMeta } : undefined;
    })
    .filter((p): p is { url: string; meta: ProtocolMeta } => p !== undefined)
    .sort((a, b) => a.meta.title.localeCompare(b.meta.title, 'en', { numeric: true }));
}

/**
 * Running header and footer; `footer` is the text before the address and the page number, `qr` a QR code at its start. The
 * header keeps its middle free: the combined document writes its own page numbers there (src/build/pdf-merge.ts).
 */
function templates(title: string, footer: string, canonical: string, siteName: string, say: Translate, qr = '', pageNumbers = true) {
  const pageOf = escapeHtml(say('pdf.page', { page: '\u0000page\u0000', total: '\u0000total\u0000' }))
    .replace('\u0000page\u0000', '<span class="pageNumber"></span>')
    .replace('\u0000total\u0000', '<span class="totalPages"></span>');
  const style = 'font-family: system-ui, sans-serif; font-size: 7.5px; color: #444; width: 100%; padding: 0 14mm;';
  return {
    headerTemplate: `<div style="${style} display: grid; grid-template-columns: 1fr 40mm 1fr; align-items: start;"><span>${escapeHtml(siteName)}</span><span></span><span style="text-align: right">${escapeHtml(title)}</span></div>`,
    footerTemplate: `<div style="${style} display: flex; justify-content: space-between; gap: 8px; align-items: center;">${qr ? `<span style="flex: none; line-height: 0">${qr}</span>` : ''}<span style="flex: 1">${escapeHtml(footer)}${canonical ? ` · ${escapeHtml(canonical)}` : ''}</span>${pageNumbers ? `<span style="white-space: nowrap">${pageOf}</span>` : ''}</div>`,
  };
}

/** Prints a page that {@link printMedia} has set up. */
async function printPdf(page: Page, paper: Paper, header: { headerTemplate: string; footerTemplate: string }): Promise<Uint8Array> {
  return page.pdf({
    format: paper,
    printBackground: true,
    displayHeaderFooter: true,
    ...header,
    margin: { top: '16mm', bottom: '16mm', left: '14mm', right: '14mm' },
    tagged: true,
    outline: true,
  });
}

/** A page of the printing browser, with print media and the light scheme, kept for every page it prints. */
async function printMedia(page: Page): Promise<Page> {
  await page.emulateMedia({ media: 'print', colorScheme: 'light' });
  return page;
}

/** Sets the document metadata; dates follow the content version, not the clock. */
async function withMetadata(doc: PDFDocument, meta: PdfMetadata) {
  describe(doc, meta);
  return { bytes: await doc.save({ objectsPerTick: Infinity }), pages: doc.getPageCount() };
}

interface PdfMetadata {
  title: string;
  subject: string;
  keywords: string[];
  date: string;
  author: string;
}

/** Sets a document's metadata: title (shown in the window's title bar), author, subject, keywords, producer, dated by the content. */
function describe(doc: PDFDocument, meta: PdfMetadata): void {
  const date = new Date(`${meta.date}T00:00:00Z`);
  doc.setTitle(meta.title, { showInWindowTitleBar: true });
  doc.setAuthor(meta.author);
  doc.setSubject(meta.subject);
  doc.setKeywords(meta.keywords);
  doc.setCreator(meta.author);
  doc.setProducer('Headless Chromium, via playwright-core; metadata by pdf-lib');
  doc.setCreationDate(date);
  doc.setModificationDate(date);
}

/** Fails with the protocol's name when its page did not render as a protocol. */
function assertProtocolPage(status: number, facts: { titles: number; steps: number }, title: string, url: string): void {
  if (status !== 200 || facts.steps === 0 || facts.titles !== 1) {
    throw new Error(`PDF export failed for "${title}" (${url}): the page answered ${status} with ${facts.titles} title(s) and ${facts.steps} step(s).`);
  }
}

/**
 * The contents pages of the combined document, printed on their own; the protocols' pages follow them as their own PDFs
 * printed them (src/build/pdf-merge.ts). Each entry links to where its protocol starts.
 */
function contentsHtml(first: CheerioAPI, protocols: { url: string; meta: ProtocolMeta }[], starts: number[], siteName: string, say: Translate): string {
  // The first protocol page's head, its styles and fonts, without what belongs to that page.
  const head = first('head').clone();
  head.find('script, meta[data-pagefind-filter], link[rel="canonical"]').remove();
  head.find('title').text(`${say('nav.protocols')} · ${siteName}`);
  const lang = first('html').attr('lang') ?? 'en';
  const contents = protocols
    .map(
      ({ meta }, i) =>
        `<li><a href="${CONTENTS_LINK}${i + 1}">${escapeHtml(meta.title)}</a> <span class="contents-version">${escapeHtml(say('protocols.version', { version: meta.version }))}</span><span class="contents-page">${starts[i]}</span></li>`,
    )
    .join('');
  return `<!doctype html><html lang="${escapeHtml(lang)}"><head>${head.html()}<style>
    .contents ol { padding-left: 1.2rem; }
    .contents li { display: flex; gap: 0.5rem; align-items: baseline; margin: 0.4rem 0; }
    .contents li a::after { content: none !important; }
    .contents-version { color: #444; font-size: 0.85em; }
    .contents-page { margin-left: auto; font-variant-numeric: tabular-nums; }
    .contents-page::before { content: ${JSON.stringify(`${say('pdf.contentsPage')} `)}; color: #444; font-size: 0.85em; }
  </style></head><body><main class="page contents"><h1>${escapeHtml(say('pdf.combinedHeading', { site: siteName }))}</h1>
  <p>${escapeHtml(say('pdf.combinedIntro'))}</p>
  <h2>${escapeHtml(say('pdf.contents'))}</h2><ol>${contents}</ol></main></body></html>`;
}

/** What printing a protocol page needs besides the page: the paper, and what its header and footer say. */
export interface PrintWords {
  paper: Paper;
  publicUrl: string | undefined;
  siteName: string;
  say: Translate;
}

/** Loads a protocol page at `url` on `page`, readies it for paper and prints it, with its header, footer and QR code. */
async function printProtocolPage(page: Page, url: string, meta: ProtocolMeta, { paper, publicUrl, siteName, say }: PrintWords) {
  const response = await page.goto(url, { waitUntil: 'load' });
  const facts = await preparePage(page, publicUrl);
  assertProtocolPage(response?.status() ?? 0, facts, meta.title, url);
  const pdf = await printPdf(
    page,
    paper,
    templates(
      meta.title,
      say('pdf.footer', { version: meta.version, date: meta.lastReviewed, fingerprint: meta.fingerprint }),
      facts.canonical,
      siteName,
      say,
      qrSvg(printoutPayload(meta.fingerprint, publicUrl), say('printout.qrLabel', { version: meta.version }), 11),
    ),
  );
  return { pdf, facts };
}

/** A protocol printed while Astro rendered: the browser's print, and what the page said of itself. */
export type EarlyPrint = Awaited<ReturnType<typeof printProtocolPage>>;

/** What the PDF step takes of the prints made while Astro rendered ({@link EarlyPrints}). */
export interface EarlyPrinted {
  /** The prints by print key, each settling as undefined when it was dropped. */
  readonly all: ReadonlyMap<string, Promise<EarlyPrint | undefined>>;
  /** Resolves when printing page `worker` is done with them. */
  idle(worker: number): Promise<void>;
}

/**
 * Prints waiting or in progress while Astro renders, at most: Astro writes protocol pages far faster than they print, and a page
 * handed over while this many wait prints in the PDF step instead (its HTML is not held meanwhile).
 */
const EARLY_WAITING = PRINTING_PAGES * 2;
/** Prints held for the PDF step, at most (about 150 KB each): at thousands of protocols the rest print in the PDF step. */
const EARLY_HELD = 100;

/**
 * What a page printed while Astro renders may load from the site folder: stylesheets and fonts, which Astro writes in full before
 * it renders the pages, and the site's icon (copied from public/ before them too; Chrome asks for it, the headless shell does
 * not). Anything else (an optimised image, written after the pages, maybe while a print reads it; another page, or a file Astro
 * generates, maybe half written) is answered 404, and the print is dropped.
 */
const WRITTEN_BEFORE_THE_PAGES = /^\/(?:_astro\/[^/]+\.(?:css|woff2?|ttf|otf)|favicon\.svg)$/;

/**
 * Protocols printed while Astro renders the rest of the site: the steps (steps.ts) hand over each protocol page the print cache
 * does not hold as Astro writes it, and, when the browser's pages are free, it prints at once beside Astro instead of in the PDF
 * step after it. The page is served from memory, at its own address, beside the stylesheets and fonts Astro has already written to
 * `siteDir` ({@link WRITTEN_BEFORE_THE_PAGES}). A print is dropped, and the PDF step prints that page as before, when the page
 * asked for anything else (an image, say) or anything outside the site, or when it failed.
 */
export class EarlyPrints implements EarlyPrinted {
  private readonly printer: Promise<Printer>;
  private readonly words: PrintWords;
  /** The pages handed over, by their address. */
  private readonly pages = new Map<string, string>();
  private readonly prints = new Map<string, Promise<EarlyPrint | undefined>>();
  private readonly server: Promise<{ server: Server; base: string }>;
  /** Prints handed over and not started, in order: the next printing page that is free takes the next one. */
  private readonly waiting: { address: string; meta: ProtocolMeta; done: (print: EarlyPrint | undefined) => void }[] = [];
  /** Whether each printing page can take a print: ready (the first once it has printed the warm-up) and not printing. */
  private readonly free: boolean[] = Array.from({ length: PRINTING_PAGES }, () => false);
  /** Prints in progress. */
  private printing = 0;
  /** Set when the browser could not start: every print is then dropped. */
  private failed = false;
  /** Printing pages that cannot print (the warm-up failed on it). */
  private readonly unusable: boolean[] = Array.from({ length: PRINTING_PAGES }, () => false);
  /** Waiting for a page to be done with the prints made here ({@link idle}). */
  private readonly idlers: { worker: number; done: () => void }[] = [];

  constructor(printer: Promise<Printer>, siteDir: string, words: PrintWords) {
    this.printer = printer;
    this.words = words;
    const files = sirv(siteDir, { dev: true });
    this.server = listen((request, response) => {
      let path: string;
      try {
        // Decoded as the steps name a page's file (page-handoff.ts, pageFile).
        path = decodeURI(new URL(request.url ?? '/', 'http://localhost').pathname);
      } catch {
        path = '';
      }
      const html = this.pages.get(path);
      if (html !== undefined) {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(html);
      } else if (WRITTEN_BEFORE_THE_PAGES.test(path)) files(request, response);
      else {
        response.writeHead(404);
        response.end();
      }
    });
    this.server.catch(() => undefined);
    this.server.then(({ base }) => printer.then((p) => p.allow(base))).catch(() => undefined);
    printer.then(
      (p) => {
        for (let worker = 0; worker < PRINTING_PAGES; worker++)
          p.ready(worker).then(
            () => this.freed(worker),
            () => {
              this.unusable[worker] = true;
              this.next();
            },
          );
      },
      () => {
        this.failed = true;
        this.next();
      },
    );
  }

  /** Whether a page handed over now would print (else the PDF step prints it). */
  get accepting(): boolean {
    return this.waiting.length + this.printing < EARLY_WAITING && this.prints.size < EARLY_HELD;
  }

  /** A protocol page (its file in the site, `protocols/<slug>/index.html`) as Astro writes it, under its print key. */
  add(key: string, file: string, html: string): void {
    const json = pdfMetaJson(html);
    if (json === undefined || this.prints.has(key) || !this.accepting) return;
    let meta: ProtocolMeta;
    try {
      meta = JSON.parse(json) as ProtocolMeta;
    } catch {
      // The PDF step reports it.
      return;
    }
    const address = `/${file.replace(/index\.html$/, '')}`;
    this.pages.set(address, html);
    const print = Promise.withResolvers<EarlyPrint | undefined>();
    this.waiting.push({ address, meta, done: print.resolve });
    this.prints.set(key, print.promise);
    this.next();
  }

  /** A printing page is free. */
  private freed(worker: number): void {
    this.free[worker] = true;
    this.next();
  }

  /** Starts the next waiting prints on the free pages; drops them all when the browser could not start. */
  private next(): void {
    for (let worker = this.free.lastIndexOf(true); worker >= 0 && this.waiting.length > 0; worker = this.free.lastIndexOf(true)) {
      const { address, meta, done } = this.waiting.shift()!;
      this.free[worker] = false;
      this.printing++;
      void this.print(worker, address, meta).then((print) => {
        this.printing--;
        done(print);
        this.freed(worker);
      });
    }
    while (this.failed && this.waiting.length > 0) {
      const { address, done } = this.waiting.shift()!;
      this.pages.delete(address);
      done(undefined);
    }
    if (this.waiting.length > 0) return;
    for (const idler of [...this.idlers])
      if (this.failed || this.free[idler.worker] || this.unusable[idler.worker]) {
        this.idlers.splice(this.idlers.indexOf(idler), 1);
        idler.done();
      }
  }

  /**
   * Resolves when printing page `worker` is done with the prints made here: none is waiting, and it prints none. Once no page is
   * handed over any more (the PDF step has taken the prints), it stays so, and the PDF step may print on it.
   */
  idle(worker: number): Promise<void> {
    const idle = Promise.withResolvers<void>();
    this.idlers.push({ worker, done: idle.resolve });
    this.next();
    return idle.promise;
  }

  private async print(worker: number, address: string, meta: ProtocolMeta): Promise<EarlyPrint | undefined> {
    try {
      const [printer, { base }] = await Promise.all([this.printer, this.server]);
      const page = await printer.page(worker);
      // Anything this page asked for and could not have (see WRITTEN_BEFORE_THE_PAGES, or outside the site) drops the print; a
      // request of the page's last document, cancelled by this one, does not count.
      const asked: Request[] = [];
      const sent = (request: Request) => void asked.push(request);
      page.on('request', sent);
      try {
        const print = await printProtocolPage(page, base + address, meta, this.words);
        // Each request's answer, failed or refused ones as null; one still loading after a second drops the print too.
        const answers = await Promise.race([
          Promise.all(asked.map((request) => request.response().catch(() => null))),
          sleep(1000, undefined, { ref: false }),
        ]);
        return answers?.every((answer) => answer !== null && answer.status() < 400) ? print : undefined;
      } finally {
        page.off('request', sent);
      }
    } catch {
      return undefined;
    } finally {
      this.pages.delete(address);
    }
  }

  /** The prints by key, each settling as undefined when it was dropped. */
  get all(): ReadonlyMap<string, Promise<EarlyPrint | undefined>> {
    return this.prints;
  }

  /** Stops the server once the prints have ended. */
  async close(): Promise<void> {
    await Promise.allSettled(this.prints.values());
    const { server } = await this.server.catch(() => ({ server: undefined }));
    server?.close();
  }
}

/** A server on a free local port answering with `handler`, and its address. */
function listen(handler: RequestListener): Promise<{ server: Server; base: string }> {
  const server = createServer(handler);
  return new Promise((ready, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ready({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
}

const serve = (siteDir: string) => listen(sirv(siteDir, { dev: true }));

/** Writes every protocol PDF and the combined one into `siteDir/pdf/`; with `cacheDir`, reuses what an earlier build printed. */
export async function exportPdfs({
  siteDir,
  siteName,
  paper = 'A4',
  publicUrl,
  say = translator(),
  cacheDir,
  printer: started,
  closing,
  written = () => undefined,
  early,
}: PdfExportOptions): Promise<PdfExportReport> {
  const t0Export = performance.now();
  const protocols = protocolPages(siteDir);
  if (protocols.length === 0) throw new Error(`PDF export found no protocol pages under ${join(siteDir, 'protocols')}.`);
  const executablePath = findHeadlessBrowser();
  if (!executablePath) throw new BrowserMissingError();
  const cache = printCache({ cacheDir, executablePath, paper, siteName, publicUrl, say });

  const outDir = join(siteDir, 'pdf');
  await mkdir(outDir, { recursive: true });
  const { server, base } = await serve(siteDir);
  // The browser starts only for the first PDF the cache does not hold.
  let session: Promise<Printer> | undefined;
  const open = () =>
    (session ??= (started ?? startPrinter(executablePath)).then((printer) => {
      printer.allow(base);
      return printer;
    }));
  let printed = 0;
  let printedAhead = 0;
  let succeeded = false;
  /** The combined document, written as the protocols come: an export that fails leaves no half of it. */
  let merger: PdfMerger | undefined;
  try {
    const workers = Array.from({ length: Math.min(PRINTING_PAGES, protocols.length) }, (_, i) => i);
    // The combined document: contents pages printed on their own, then each protocol's own PDF, page for page, so every page
    // keeps its protocol's version, date, fingerprint and QR code. Only the contents are printed for it.
    const newest = protocols
      .map((p) => p.meta.lastReviewed)
      .sort()
      .at(-1)!;
    // Read when the contents print, beside the protocols, not before the first print.
    let firstPage: CheerioAPI | undefined;
    const first = () => (firstPage ??= load(readFileSync(join(siteDir, protocols[0]!.url, 'index.html'), 'utf8')));
    const combinedHeader = () => {
      const canonical = first()('link[rel="canonical"]').attr('href');
      return templates(
        say('pdf.combinedHeader', { count: protocols.length }),
        say('pdf.combinedFooter', { date: newest }),
        canonical ? new URL('/protocols/', canonical).href : '',
        siteName,
        say,
        '',
        false,
      );
    };
    const contentsPath = join(outDir, '.contents.html');

    // Each protocol's report as soon as its PDF is written: the contents wait only for the page counts they number.
    const reports = protocols.map(() => {
      const report = Promise.withResolvers<PdfFileReport>();
      // Awaited after the workers; a failure stops them as it comes (`fail`), and is raised there.
      report.promise.catch(() => undefined);
      return report;
    });
    /** What each protocol's PDF is printed from (its page, and everything in the cache's key). */
    const keys = protocols.map(({ url }) => cache.key(readFileSync(join(siteDir, url, 'index.html'), 'utf8')));
    /** The contents pages' HTML and print key when they take `assumed` pages and the protocols take `counts` (the last one's not needed). */
    const contentsPrint = (assumed: number, counts: number[], header: ReturnType<typeof combinedHeader>) => {
      const starts = protocols.map((_p, i) => assumed + 1 + counts.slice(0, i).reduce((sum, n) => sum + n, 0));
      const html = contentsHtml(first(), protocols, starts, siteName, say);
      return { html, key: cache.key(html + JSON.stringify(header)) };
    };
    /**
     * The contents numbered as the export numbers them: for one page first, then for as many pages as that print took, until a
     * print is as long as it was numbered for. `lengthOf` gives a print's page count (printing it, or looking it up in the cache);
     * undefined from it stops the numbering.
     */
    const numberContents = async <T extends { pages: number }>(
      counts: number[],
      header: ReturnType<typeof combinedHeader>,
      lengthOf: (contents: { html: string; key: string }) => Promise<T | undefined>,
    ): Promise<{ key: string; print: T } | undefined> => {
      for (let assumed = 1, tries = 0; ; tries++) {
        const contents = contentsPrint(assumed, counts, header);
        const print = await lengthOf(contents);
        if (!print) return undefined;
        if (print.pages === assumed) return { key: contents.key, print };
        if (tries >= 2) throw new Error(`PDF export: the contents of protocols.pdf came out at ${print.pages} page(s) after numbering them for ${assumed}.`);
        assumed = print.pages;
      }
    };
    const language = () => first()('html').attr('lang') ?? 'en';
    const combinedMetadata = () => ({
      title: say('pdf.combinedHeading', { site: siteName }),
      subject: protocols.map((p) => p.meta.title).join('; '),
      keywords: [...new Set(protocols.flatMap((p) => p.meta.keywords))],
      date: newest,
      author: siteName,
    });
    /** Everything the combined document is assembled from: each protocol's print, the contents' print, its words and metadata. */
    const combinedKey = (contentsKey: string) =>
      cache.key(JSON.stringify(['combined', keys, contentsKey, language(), combinedMetadata(), say('pdf.documentPage')]));

    // A build that changed no protocol's page (an edit to a FAQ, or nothing): every PDF and the contents come from the cache, and
    // so does the combined document when the last export kept it, instead of being assembled again (about 35 s at 1,000).
    const counts = keys.map((key) => cache.pages(key));
    if (counts.every((n) => n !== undefined)) {
      const t0 = performance.now();
      const numbered = await numberContents(counts.slice(0, -1), combinedHeader(), async ({ key }) => {
        const pages = cache.pages(key);
        return pages === undefined ? undefined : { pages };
      }).catch(() => undefined);
      const whole = numbered ? cache.combined(combinedKey(numbered.key)) : undefined;
      // Copied file to file: a thousand prints are not read into memory at once.
      const prints = whole ? keys.map((key) => cache.file(key)) : [];
      if (whole && prints.every((p) => p !== undefined)) {
        const files: PdfFileReport[] = [];
        for (const [i, { meta }] of protocols.entries()) {
          const kept = prints[i]!;
          const path = join(outDir, `${meta.slug}.pdf`);
          await copyFile(kept.path, path);
          written(`${meta.slug}.pdf`);
          files.push({ file: `${meta.slug}.pdf`, title: meta.title, pages: kept.pages, bytes: statSync(path).size, ms: 0, cached: true });
        }
        const path = join(outDir, 'protocols.pdf');
        await copyFile(whole.path, path);
        files.push({ file: 'protocols.pdf', title: 'All protocols', pages: whole.pages, bytes: statSync(path).size, ms: performance.now() - t0, cached: true });
        cache.commit();
        succeeded = true;
        return { files, totalMs: performance.now() - t0Export, printed, launches: started ? 1 : 0 };
      }
    }

    // Each protocol goes into the combined document as soon as it is there, while the browser prints the next; the parts an earlier
    // combined document has the same bytes for (the protocols before an edited one, say) are written again from it.
    const assemblyVersion = cache.key('combined document assembly');
    const combined = new PdfMerger(protocols.length, join(outDir, 'protocols.pdf'), {
      version: assemblyVersion,
      earlier: cache.earlierAssembly(assemblyVersion, keys),
    });
    merger = combined;
    /** Each protocol's page count, as soon as its print is read: the contents are numbered by them, beside the PDFs' finishing. */
    const counted = protocols.map(() => {
      const count = Promise.withResolvers<number>();
      count.promise.catch(() => undefined);
      return count;
    });
    /** The protocols' PDFs being finished beside the next prints. */
    const finishing: Promise<void>[] = [];
    /**
     * The rest of a protocol's PDF once printed (bookmarks, metadata, the file, the print cache), which goes on beside the next
     * print, then into the combined document.
     */
    const finish = (i: number, { pdf, facts }: EarlyPrint, t0: number): void => {
      const { meta } = protocols[i]!;
      const file = `${meta.slug}.pdf`;
      const done = (async () => {
        const doc = await loadPdf(pdf);
        counted[i]!.resolve(doc.getPageCount());
        restoreOutlineTitles(doc, facts.headings);
        normaliseStructureIds(doc);
        const { bytes, pages: count } = await withMetadata(doc, {
          title: meta.title,
          subject: meta.objective,
          keywords: meta.keywords,
          date: meta.lastReviewed,
          author: siteName,
        });
        await writeFile(join(outDir, file), bytes);
        written(file);
        cache.put(keys[i]!, join(outDir, file), count);
        const report: PdfFileReport = { file, title: meta.title, pages: count, bytes: bytes.length, ms: performance.now() - t0, cached: false };
        return { report, doc, digest: sha256(bytes) };
      })();
      settle(i, done);
    };
    /** A protocol that will have no PDF: what waits for its page count or its report fails with `error`. */
    const lost = (i: number, error: unknown) => {
      counted[i]!.reject(error);
      reports[i]!.reject(error);
    };
    /** A protocol's finished PDF into the combined document, and its report out; or its failure. */
    const settle = (i: number, done: Promise<{ report: PdfFileReport; doc: PDFDocument | (() => Promise<PDFDocument>); digest: string }>) =>
      finishing.push(
        done
          .then(({ report, doc, digest }) => {
            combined.add(i, doc, digest);
            reports[i]!.resolve(report);
          })
          .catch((error: unknown) => {
            lost(i, error);
            fail(error);
          }),
      );
    /** One protocol from the print cache, or printed on the worker's page; resolves as soon as the page is free for the next. */
    const printProtocol = async (i: number, worker: number): Promise<void> => {
      const t0 = performance.now();
      const { url, meta } = protocols[i]!;
      const file = `${meta.slug}.pdf`;
      const kept = cache.get(keys[i]!);
      if (kept) {
        counted[i]!.resolve(kept.pages);
        settle(
          i,
          (async () => {
            await writeFile(join(outDir, file), kept.bytes);
            written(file);
            const path = join(outDir, file);
            return {
              report: { file, title: meta.title, pages: kept.pages, bytes: kept.bytes.length, ms: performance.now() - t0, cached: true },
              // Read again from its file when its turn in the combined document comes: a rebuild that takes most protocols from the
              // cache finishes them far ahead of a protocol printed before them, and a thousand of them must not wait in memory
              // (a loader made here would keep this scope, the cached bytes with it, alive until then).
              doc: loaderOf(path),
              digest: sha256(kept.bytes),
            };
          })(),
        );
        return;
      }
      const print = await printProtocolPage(await (await open()).page(worker), base + url, meta, { paper, publicUrl, siteName, say });
      printed++;
      finish(i, print, t0);
    };
    let contents: { doc: PDFDocument; ms: number; key: string } | undefined;
    /**
     * The contents pages, printed as soon as every protocol but the last has its page count (the last one's start follows from
     * those), so they print beside the last protocols instead of after them. Each protocol starts after the contents and the
     * protocols before it; the contents' own length is known once printed.
     */
    const printContents = async (worker: number): Promise<void> => {
      const counts = await Promise.all(counted.slice(0, -1).map((c) => c.promise));
      const t0 = performance.now();
      const header = combinedHeader();
      const numbered = await numberContents(counts, header, async ({ html, key }) => {
        const kept = cache.get(key);
        if (kept) return { doc: await loadPdf(kept.bytes), pages: kept.pages };
        await writeFile(contentsPath, html);
        const tab = await (await open()).page(worker);
        await tab.goto(`${base}/pdf/.contents.html`, { waitUntil: 'load' });
        await preparePage(tab, publicUrl);
        const bytes = await printPdf(tab, paper, header);
        printed++;
        const doc = await loadPdf(bytes);
        cache.put(key, bytes, doc.getPageCount());
        return { doc, pages: doc.getPageCount() };
      });
      contents = { doc: numbered!.print.doc, ms: performance.now() - t0, key: numbered!.key };
    };
    /** The protocols to print on the pages, in order; a print made while Astro rendered and dropped joins them when it settles. */
    const queue: number[] = [];
    let failure: { error: unknown } | undefined;
    /** Stops the export at its first error: the protocols not yet printed fail with it, and nothing more is started. */
    const fail = (error: unknown) => {
      failure ??= { error };
      for (const i of queue.splice(0)) lost(i, failure.error);
    };
    // The prints made while Astro rendered are finished as each is there, without a browser page.
    const ahead: Promise<void>[] = [];
    for (const [i, key] of keys.entries()) {
      const print = counts[i] === undefined ? early?.all.get(key) : undefined;
      if (!print) {
        queue.push(i);
        continue;
      }
      const t0 = performance.now();
      ahead.push(
        print.then((made) => {
          if (made) {
            printed++;
            printedAhead++;
            finish(i, made, t0);
          } else {
            queue.push(i);
            if (failure) fail(failure.error);
          }
        }),
      );
    }
    let aheadSettled = false;
    const allAhead = Promise.all(ahead).then(() => void (aheadSettled = true));
    let contentsTaken = false;
    /**
     * One printing page: once done with the prints made while Astro rendered, it prints the next protocol in the queue; with none
     * left, the contents (once); then the prints dropped, as they settle.
     */
    const work = async (worker: number): Promise<void> => {
      await early?.idle(worker);
      while (!failure) {
        const i = queue.shift();
        try {
          if (i !== undefined) await printProtocol(i, worker);
          else if (!contentsTaken) {
            contentsTaken = true;
            await printContents(worker);
          } else if (!aheadSettled) await allAhead;
          else return;
        } catch (error) {
          if (i !== undefined) lost(i, error);
          fail(error);
        }
      }
    };
    try {
      // The contents' first page is read now, while the prints made while Astro rendered end in the browser, rather than when
      // the contents are due.
      if (early?.all.size) first();
      // Every page ends what it printed before the export ends, whether it succeeded or not.
      await Promise.all(workers.map(work));
      if (failure) throw failure.error;
    } finally {
      // Nothing is still being written when the export ends, whether it succeeded or not.
      await allAhead;
      await Promise.allSettled(finishing);
      await rm(contentsPath, { force: true });
    }
    const files = await Promise.all(reports.map((r) => r.promise));
    const t0 = performance.now();
    // Written to its file as the parts came; finished here.
    const { bytes, pages } = await combined.finish(contents!.doc, {
      pageLabel: (n, total) => say('pdf.documentPage', { page: n, total }),
      language: language(),
      describe: (doc) => describe(doc, combinedMetadata()),
    });
    cache.putCombined(combinedKey(contents!.key), join(outDir, 'protocols.pdf'), pages, { plan: combined.plan(bytes), keys });
    files.push({ file: 'protocols.pdf', title: 'All protocols', pages, bytes, ms: contents!.ms + performance.now() - t0, cached: false, partsWrittenAgain: combined.reused });
    const outside = [...new Set(session ? (await session).blocked : [])];
    if (outside.length > 0)
      throw new Error(
        `PDF export: a protocol page asked for ${outside.length} address(es) outside the site, which were blocked: ${outside.slice(0, 5).join(', ')}`,
      );
    cache.commit();
    succeeded = true;
    return { files, totalMs: performance.now() - t0Export, printed, printedAhead, launches: session || started ? 1 : 0 };
  } finally {
    if (!succeeded) await merger?.abort();
    server.close();
    // One started for this export that every PDF could do without (a page changed back after rendering) is closed all the same.
    const closed = (async () => void (await (await (session ?? started)?.catch(() => undefined))?.close()))();
    if (succeeded && closing) closing(closed);
    else await closed;
  }
}
