/**
 * Post-build step: one PDF per protocol (`pdf/<slug>.pdf`) and all of them in
 * one (`pdf/protocols.pdf`, with a contents page and bookmarks), printed by
 * headless Chromium from the built pages themselves with the site's print
 * stylesheet. One browser serves every PDF; pages render two at a time.
 * Afterwards src/build/pdf-links.ts gives the "Download as PDF" links their sizes.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { load } from 'cheerio';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRef, PDFString } from 'pdf-lib';
import { chromium, type Browser, type Page } from 'playwright-core';
import sirv from 'sirv';
import { CHROMIUM_ARGS, findBrowser, NO_BROWSER_HINT } from '../lib/find-browser.ts';
import { translator, type Translate } from '../i18n/ui.ts';
import { printoutPayload, qrSvg } from '../lib/printout.ts';
import { IDS } from '../contract.ts';
import { escapeHtml } from '../lib/escape-html.ts';

/** Paper sizes a reader can ask for (`SITE_PDF_PAPER`). */
export type Paper = 'A4' | 'Letter';

export interface PdfExportOptions {
  /** The built site; PDFs go to its `pdf/` folder. */
  siteDir: string;
  /** Author metadata and running header. */
  siteName: string;
  paper?: Paper;
  /** The center's public address: links to its pages point there. Without one they stay in the document or become plain text. */
  publicUrl?: string | undefined;
  /** The center's interface words (headers, footers, the contents page) and its language. */
  say?: Translate;
  language?: string;
}

/** Paper cannot open a disclosure: the diagrams' text descriptions print open. */
async function openForPrint(page: Page): Promise<void> {
  await page.evaluate(() => document.querySelectorAll('details.diagram-text').forEach((d) => ((d as HTMLDetailsElement).open = true)));
  // The page's own printed footer (for printing from the browser) gives way to the PDF's header and footer.
  await page.addStyleTag({ content: 'main.page { page: auto !important; }' });
}

/**
 * Links as a PDF needs them: a link to this page's own anchor stays in the document; a link to another page of the site
 * points at the public site, or, when the center has no public address, becomes plain text. Never at this temporary server.
 */
async function publicLinks(page: Page, publicUrl: string | undefined): Promise<void> {
  await page.evaluate((site) => {
    for (const a of document.querySelectorAll<HTMLAnchorElement>('a[href]')) {
      const url = new URL(a.getAttribute('href')!, location.href);
      if (url.origin !== location.origin) continue;
      if (url.hash && url.pathname === location.pathname) a.setAttribute('href', url.hash);
      else if (site) a.setAttribute('href', new URL(url.pathname + url.search + url.hash, site).href);
      else a.removeAttribute('href');
    }
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
  file: string;
  title: string;
  pages: number;
  bytes: number;
  ms: number;
}

export interface PdfExportReport {
  files: PdfFileReport[];
  totalMs: number;
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
      const $ = load(readFileSync(join(dir, d.name, 'index.html'), 'utf8'));
      const json = $(`script#${IDS.pdfMeta}`).text();
      return json ? { url: `/protocols/${d.name}/`, meta: JSON.parse(json) as ProtocolMeta } : undefined;
    })
    .filter((p): p is { url: string; meta: ProtocolMeta } => p !== undefined)
    .sort((a, b) => a.meta.title.localeCompare(b.meta.title, 'en', { numeric: true }));
}

/** Running header and footer; `footer` is the text before the address and the page number, `qr` a QR code at its start. */
function templates(title: string, footer: string, canonical: string, siteName: string, say: Translate, qr = '') {
  const pageOf = escapeHtml(say('pdf.page', { page: '\u0000page\u0000', total: '\u0000total\u0000' }))
    .replace('\u0000page\u0000', '<span class="pageNumber"></span>')
    .replace('\u0000total\u0000', '<span class="totalPages"></span>');
  const style =
    'font-family: system-ui, sans-serif; font-size: 7.5px; color: #444; width: 100%; padding: 0 14mm; display: flex; justify-content: space-between; gap: 8px;';
  return {
    headerTemplate: `<div style="${style}"><span>${escapeHtml(siteName)}</span><span>${escapeHtml(title)}</span></div>`,
    footerTemplate: `<div style="${style} align-items: center;">${qr ? `<span style="flex: none; line-height: 0">${qr}</span>` : ''}<span style="flex: 1">${escapeHtml(footer)}${canonical ? ` · ${escapeHtml(canonical)}` : ''}</span><span style="white-space: nowrap">${pageOf}</span></div>`,
  };
}

async function printPdf(page: Page, paper: Paper, header: { headerTemplate: string; footerTemplate: string }): Promise<Uint8Array> {
  await page.emulateMedia({ media: 'print', colorScheme: 'light' });
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

/** Sets the document metadata; dates follow the content version, not the clock. */
async function withMetadata(pdf: Uint8Array, meta: { title: string; subject: string; keywords: string[]; date: string; author: string }) {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const date = new Date(`${meta.date}T00:00:00Z`);
  doc.setTitle(meta.title, { showInWindowTitleBar: true });
  doc.setAuthor(meta.author);
  doc.setSubject(meta.subject);
  doc.setKeywords(meta.keywords);
  doc.setCreator(meta.author);
  doc.setProducer('Headless Chromium, via playwright-core; metadata by pdf-lib');
  doc.setCreationDate(date);
  doc.setModificationDate(date);
  return { bytes: await doc.save(), pages: doc.getPageCount() };
}

/** Page number (1-based) of each top-level bookmark Chromium wrote from the h1 headings, by title without white space. */
export async function bookmarkPages(pdf: Uint8Array): Promise<Map<string, number>> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const pages = doc.getPages().map((p) => p.ref);
  const out = new Map<string, number>();
  const outlines = doc.catalog.lookupMaybe(PDFName.of('Outlines'), PDFDict);
  let item = outlines?.lookupMaybe(PDFName.of('First'), PDFDict);
  while (item) {
    const title = item.lookup(PDFName.of('Title'));
    const dest = item.lookupMaybe(PDFName.of('Dest'), PDFArray) ?? item.lookupMaybe(PDFName.of('A'), PDFDict)?.lookupMaybe(PDFName.of('D'), PDFArray);
    const target = dest?.get(0);
    if ((title instanceof PDFString || title instanceof PDFHexString) && target instanceof PDFRef) {
      const index = pages.findIndex((ref) => ref === target || (ref.objectNumber === target.objectNumber && ref.generationNumber === target.generationNumber));
      // Chromium drops the space where a heading wraps, so titles are compared without white space.
      if (index >= 0) out.set(title.decodeText().replace(/\s+/g, ''), index + 1);
    }
    item = item.lookupMaybe(PDFName.of('Next'), PDFDict);
  }
  return out;
}

/** Outline titles compared without white space: Chromium drops the space where a heading wraps. */
const key = (title: string) => title.replace(/\s+/g, '');

/** Fails with the protocol's name when its page did not render as a protocol. */
async function assertProtocolPage(page: Page, response: { status(): number } | null, title: string, url: string) {
  const status = response?.status() ?? 0;
  const steps = await page.locator('main ol.steps > li').count();
  const h1 = await page.locator('main h1').count();
  if (status !== 200 || steps === 0 || h1 !== 1) {
    throw new Error(`PDF export failed for "${title}" (${url}): the page answered ${status} with ${h1} title(s) and ${steps} step(s).`);
  }
}

/**
 * The combined document: a contents page, then each protocol's main content,
 * each starting on a new page, with ids prefixed so they stay unique.
 */
function combinedHtml(siteDir: string, protocols: { url: string; meta: ProtocolMeta }[], siteName: string, say: Translate): string {
  const first = load(readFileSync(join(siteDir, protocols[0]!.url, 'index.html'), 'utf8'));
  const head = first('head');
  head.find('script, meta[data-pagefind-filter], link[rel="canonical"]').remove();
  head.find('title').text(`${say('nav.protocols')} · ${siteName}`);
  const lang = first('html').attr('lang') ?? 'en';
  const articles = protocols.map(({ url, meta }, i) => {
    const $ = load(readFileSync(join(siteDir, url, 'index.html'), 'utf8'));
    const main = $('main');
    main.find('.toc, .prev-next, .pdf-download, script').remove();
    const prefix = `p${i + 1}-`;
    const ids = new Set(
      main
        .find('[id]')
        .map((_, el) => $(el).attr('id')!)
        .get(),
    );
    const renamed = (id: string) => (ids.has(id) ? prefix + id : id);
    main.find('[id]').each((_, el) => void $(el).attr('id', prefix + $(el).attr('id')));
    // A diagram styles itself by its own id and points at its arrowheads with url(#…): both follow the new ids, or the
    // shapes print in the default black and the arrows lose their heads.
    main.find('*').each((_, el) => {
      for (const [name, value] of Object.entries((el as { attribs?: Record<string, string> }).attribs ?? {}))
        if (value.includes('url(#'))
          $(el).attr(
            name,
            value.replace(/url\(#([^)]+)\)/g, (_whole, id: string) => `url(#${renamed(id)})`),
          );
    });
    main.find('style').each(
      (_, el) =>
        void $(el).text(
          $(el)
            .text()
            .replace(/#([A-Za-z][\w-]*)/g, (_whole, id: string) => `#${renamed(id)}`),
        ),
    );
    main.find('[href^="#"]').each((_, el) => void $(el).attr('href', `#${prefix}${$(el).attr('href')!.slice(1)}`));
    main.find('[aria-labelledby], [aria-describedby]').each((_, el) => {
      for (const attr of ['aria-labelledby', 'aria-describedby']) {
        const value = $(el).attr(attr);
        if (value)
          $(el).attr(
            attr,
            value
              .split(/\s+/)
              .map((id) => prefix + id)
              .join(' '),
          );
      }
    });
    return `<article class="combined-protocol" id="${prefix}protocol" data-slug="${escapeHtml(meta.slug)}">${main.html()}</article>`;
  });
  const contents = protocols
    .map(
      ({ meta }, i) =>
        `<li><a href="#p${i + 1}-protocol">${escapeHtml(meta.title)}</a> <span class="contents-version">${escapeHtml(say('protocols.version', { version: meta.version }))}</span><span class="contents-page" data-title="${escapeHtml(meta.title)}"></span></li>`,
    )
    .join('');
  return `<!doctype html><html lang="${escapeHtml(lang)}"><head>${head.html()}<style>
    .combined-protocol { break-before: page; }
    .contents ol { padding-left: 1.2rem; }
    .contents li { display: flex; gap: 0.5rem; align-items: baseline; margin: 0.4rem 0; }
    .contents li a::after { content: none !important; }
    .contents-version { color: #444; font-size: 0.85em; }
    .contents-page { margin-left: auto; font-variant-numeric: tabular-nums; }
    .contents-page::before { content: ${JSON.stringify(`${say('pdf.contentsPage')} `)}; color: #444; font-size: 0.85em; }
  </style></head><body><main class="page contents"><h1>${escapeHtml(say('pdf.combinedHeading', { site: siteName }))}</h1>
  <p>${escapeHtml(say('pdf.combinedIntro'))}</p>
  <h2>${escapeHtml(say('pdf.contents'))}</h2><ol>${contents}</ol></main>${articles.join('')}</body></html>`;
}

async function serve(siteDir: string): Promise<{ server: Server; base: string }> {
  const server = createServer(sirv(siteDir, { dev: true }));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Runs `tasks` with at most `limit` at a time, keeping the order of the results. */
async function inParallel<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** Writes every protocol PDF and the combined one into `siteDir/pdf/`. */
export async function exportPdfs({ siteDir, siteName, paper = 'A4', publicUrl, say = translator() }: PdfExportOptions): Promise<PdfExportReport> {
  const started = performance.now();
  const protocols = protocolPages(siteDir);
  if (protocols.length === 0) throw new Error(`PDF export found no protocol pages under ${join(siteDir, 'protocols')}.`);
  const executablePath = findBrowser();
  if (!executablePath) throw new BrowserMissingError();

  const outDir = join(siteDir, 'pdf');
  await mkdir(outDir, { recursive: true });
  const { server, base } = await serve(siteDir);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    const context = await browser.newContext();
    // The printing browser runs without a sandbox: it may reach its own page server and nothing else.
    const blocked: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${base}/`) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      blocked.push(url);
      return route.abort('blockedbyclient');
    });

    const files = await inParallel(
      2,
      protocols.map(({ url, meta }) => async (): Promise<PdfFileReport> => {
        const t0 = performance.now();
        const page = await context.newPage();
        try {
          const response = await page.goto(base + url, { waitUntil: 'load' });
          await assertProtocolPage(page, response, meta.title, url);
          await publicLinks(page, publicUrl);
          await openForPrint(page);
          // A center without a public address has no canonical link: the footer then names no address (never this temporary server).
          const canonical = await page.evaluate(() => document.querySelector('link[rel="canonical"]')?.getAttribute('href') ?? '');
          const pdf = await printPdf(
            page,
            paper,
            templates(
              meta.title,
              say('pdf.footer', { version: meta.version, date: meta.lastReviewed, fingerprint: meta.fingerprint }),
              canonical,
              siteName,
              say,
              qrSvg(printoutPayload(meta.fingerprint, publicUrl), say('printout.qrLabel', { version: meta.version }), 11),
            ),
          );
          const { bytes, pages } = await withMetadata(pdf, {
            title: meta.title,
            subject: meta.objective,
            keywords: meta.keywords,
            date: meta.lastReviewed,
            author: siteName,
          });
          const file = `${meta.slug}.pdf`;
          await writeFile(join(outDir, file), bytes);
          return { file, title: meta.title, pages, bytes: bytes.length, ms: performance.now() - t0 };
        } finally {
          await page.close();
        }
      }),
    );

    const t0 = performance.now();
    const combinedPath = join(outDir, '.combined.html');
    await writeFile(combinedPath, combinedHtml(siteDir, protocols, siteName, say));
    const page = await context.newPage();
    try {
      await page.goto(`${base}/pdf/.combined.html`, { waitUntil: 'load' });
      await publicLinks(page, publicUrl);
      await openForPrint(page);
      const newest = protocols
        .map((p) => p.meta.lastReviewed)
        .sort()
        .at(-1)!;
      const firstCanonical = load(readFileSync(join(siteDir, protocols[0]!.url, 'index.html'), 'utf8'))('link[rel="canonical"]').attr('href');
      const canonical = firstCanonical ? new URL('/protocols/', firstCanonical).href : '';
      const header = templates(say('pdf.combinedHeader', { count: protocols.length }), say('pdf.combinedFooter', { date: newest }), canonical, siteName, say);
      const number = (starts: ReadonlyMap<string, number>) =>
        page.evaluate(
          (numbers) => document.querySelectorAll<HTMLElement>('.contents-page').forEach((el) => (el.textContent = String(numbers[el.dataset.title!]))),
          Object.fromEntries(protocols.map((p) => [p.meta.title, starts.get(key(p.meta.title))!])),
        );

      // The contents are numbered ahead from the single PDFs: after the contents pages, each protocol starts on a new page and
      // paginates as in its own PDF. The outline of the print says where each protocol really starts; only if a number is wrong
      // is the document numbered from the outline and printed a second time.
      const hide = await page.addStyleTag({ content: '.combined-protocol { display: none !important; }' });
      const contentsPages = (await PDFDocument.load(await printPdf(page, paper, header), { updateMetadata: false })).getPageCount();
      await hide.evaluate((el) => (el as Element).remove());
      const predicted = new Map<string, number>();
      protocols.reduce((start, p, i) => (predicted.set(key(p.meta.title), start), start + files[i]!.pages), contentsPages + 1);
      await number(predicted);
      let pdf = await printPdf(page, paper, header);
      const starts = await bookmarkPages(pdf);
      const missing = protocols.filter((p) => !starts.has(key(p.meta.title))).map((p) => p.meta.title);
      if (missing.length > 0) throw new Error(`PDF export could not find where these protocols start in protocols.pdf: ${missing.join('; ')}`);
      if (protocols.some((p) => starts.get(key(p.meta.title)) !== predicted.get(key(p.meta.title)))) {
        await number(starts);
        pdf = await printPdf(page, paper, header);
      }
      const { bytes, pages } = await withMetadata(pdf, {
        title: say('pdf.combinedHeading', { site: siteName }),
        subject: protocols.map((p) => p.meta.title).join('; '),
        keywords: [...new Set(protocols.flatMap((p) => p.meta.keywords))],
        date: newest,
        author: siteName,
      });
      await writeFile(join(outDir, 'protocols.pdf'), bytes);
      files.push({ file: 'protocols.pdf', title: 'All protocols', pages, bytes: bytes.length, ms: performance.now() - t0 });
    } finally {
      await page.close();
      await rm(combinedPath, { force: true });
    }
    await context.close();
    const outside = [...new Set(blocked)];
    if (outside.length > 0)
      throw new Error(
        `PDF export: a protocol page asked for ${outside.length} address(es) outside the site, which were blocked: ${outside.slice(0, 5).join(', ')}`,
      );
    return { files, totalMs: performance.now() - started };
  } finally {
    await browser?.close();
    server.close();
  }
}
