/**
 * The pages of the offline bundle and the link check, taken as Astro renders them. Each page comes from the outputs integration
 * as Astro writes it (page-handoff.ts), already with its security policy; its offline form goes into the zip (offline-bundle.ts)
 * and the links of both forms are read for the link check (link-check.ts) while Astro renders the next pages. After Astro,
 * `finish` compares every page on disk with what came, and reads from disk what did not come or differs: pages whose PDF links
 * get their sizes once the PDFs are printed, and any page that changed after it was rendered.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Translate } from '../i18n/ui.ts';
import { readPageLinks, type PageLinks } from './link-check.ts';
import { listFiles, packedAsRead, type OfflineBundle } from './offline-bundle.ts';
import { pdfLinkFiles, withPdfSizes } from './pdf-links.ts';
import { hasPagePolicy, pageScripts, refuseStrangers, withPagePolicy } from './security-headers.ts';
import { MARKERS } from '../contract.ts';

/** What was read of one page. */
interface PageRecord {
  digest: string;
  /** The hashes of its inline scripts (the generator's), and the start of any other. */
  hashes: string[];
  strangers: string[];
  site: PageLinks;
  /** Its links in the offline bundle, when it is in it. */
  bundle?: PageLinks;
}

export interface PagePassReport {
  /** Pages in the built site, and how many of them came as Astro rendered them (the rest were read from disk). */
  pages: number;
  asRendered: number;
  /** Pages with PDF links read as their PDFs were written, before the export ended. */
  asPdfsWritten: number;
  /** The hashes of the generator's inline scripts on every page, for `_headers`. */
  scriptHashes: string[];
  /** Each page's links and ids, on the public site and in the offline bundle, by site path. */
  siteLinks: Map<string, PageLinks>;
  bundleLinks: Map<string, PageLinks>;
}

const digest = (html: string) => createHash('sha1').update(html).digest('base64');

export class PagePass {
  private readonly pages = new Map<string, PageRecord>();
  /** Every page that came, by site path: the digest of its HTML (the search index was given each). */
  private readonly received = new Map<string, string>();

  private readonly bundle: OfflineBundle;
  private readonly say: Translate;
  /** The build prints PDFs after Astro: the pages with a PDF link are read once their sizes are known. */
  private readonly pdfsLater: boolean;
  /** Stale pages with PDF links, by the PDF files (site paths) each still waits for: read as soon as the last is written. */
  private readonly waiting = new Map<string, Set<string>>();
  /** The same, the other way round: the pages that link each PDF file. */
  private readonly linkedFrom = new Map<string, string[]>();
  /** Stale pages read before `finish`, as their PDFs were written, one after another; the first error, for `finish`. */
  private readonly early = new Set<string>();
  private reading: Promise<void> = Promise.resolve();
  private earlyFailure: unknown;

  constructor(bundle: OfflineBundle, say: Translate, pdfsLater: boolean) {
    this.bundle = bundle;
    this.say = say;
    this.pdfsLater = pdfsLater;
  }

  /** A page as Astro writes it, by its site path. */
  async add(path: string, html: string): Promise<void> {
    const hash = digest(html);
    this.received.set(path, hash);
    if (this.pdfsLater && html.includes(MARKERS.pdfLink)) return;
    await this.read(path, html, hash);
  }

  private async read(path: string, html: string, hash = digest(html)): Promise<void> {
    const { hashes, strangers } = pageScripts(html);
    const record: PageRecord = { digest: hash, hashes, strangers, site: readPageLinks(html) };
    this.pages.set(path, record);
    if (packedAsRead(path)) record.bundle = readPageLinks((await this.bundle.add(path, Buffer.from(html)))!);
  }

  /**
   * Compares the pages of `siteDir` with what came, once Astro has written the site and before any step changes a page: the pages
   * this pass must read from disk (`stale`), those the search index must (`reread`: they did not come as they are), and those
   * that came but are not there (`gone`).
   */
  compare(siteDir: string): { stale: string[]; reread: string[]; gone: string[] } {
    const onDisk = listFiles(siteDir).filter((p) => p.endsWith('.html'));
    const present = new Set(onDisk);
    const gone = [...this.received.keys()].filter((path) => !present.has(path));
    for (const path of gone) {
      this.received.delete(path);
      this.forget(path);
    }
    const stale: string[] = [];
    const reread: string[] = [];
    this.waiting.clear();
    this.linkedFrom.clear();
    for (const path of onDisk) {
      const html = readFileSync(join(siteDir, path), 'utf8');
      const hash = digest(html);
      if (this.received.get(path) !== hash) reread.push(path);
      if (this.pages.get(path)?.digest !== hash) {
        stale.push(path);
        this.forget(path);
        const pdfs = pdfLinkFiles(html);
        if (pdfs.size > 0) this.waiting.set(path, pdfs);
        for (const pdf of pdfs) {
          const pages = this.linkedFrom.get(pdf);
          if (pages) pages.push(path);
          else this.linkedFrom.set(pdf, [path]);
        }
      }
    }
    return { stale, reread, gone };
  }

  /**
   * A PDF (`file`, its site path) is written in full: each stale page whose PDF links all have their files now is read at once,
   * beside the PDFs still printing, instead of in `finish` after the last.
   */
  pdfWritten(siteDir: string, file: string): void {
    for (const path of this.linkedFrom.get(file) ?? []) {
      const pdfs = this.waiting.get(path);
      if (!pdfs?.delete(file) || pdfs.size > 0) continue;
      this.waiting.delete(path);
      this.early.add(path);
      this.reading = this.reading.then(() => (this.earlyFailure === undefined ? this.readFromDisk(siteDir, path) : undefined)).catch((error: unknown) => {
        this.earlyFailure ??= error;
      });
    }
  }

  /** Settles when the pages being read as their PDFs were written are done (or one failed: `finish` says so). */
  idle(): Promise<void> {
    return this.reading;
  }

  /** A stale page, read from disk with its PDF links' sizes and its security policy (written back only when that changed it). */
  private async readFromDisk(siteDir: string, path: string): Promise<void> {
    const file = join(siteDir, path);
    const built = readFileSync(file, 'utf8');
    const sized = withPdfSizes(built, path, siteDir, this.say);
    const page = hasPagePolicy(sized) ? sized : withPagePolicy(sized);
    if (page !== built) {
      // The search index may be reading the pages still: each is replaced whole.
      writeFileSync(`${file}.tmp`, page);
      renameSync(`${file}.tmp`, file);
    }
    await this.read(path, page);
  }

  private forget(path: string): void {
    this.pages.delete(path);
    this.bundle.remove(path);
  }

  /**
   * After the PDFs: reads the pages that `compare` found stale, giving each its PDF links' sizes and its security policy (written
   * back only when that changed it), and packs the site's other files.
   */
  async finish(siteDir: string, stale: readonly string[]): Promise<PagePassReport> {
    await this.reading;
    if (this.earlyFailure !== undefined) throw this.earlyFailure;
    const asRendered = this.pages.size - this.early.size;
    const html = new Set(stale.filter((path) => !this.early.has(path)));
    for (const path of listFiles(siteDir)) {
      if (html.has(path)) await this.readFromDisk(siteDir, path);
      else if (!path.endsWith('.html') && packedAsRead(path)) await this.bundle.add(path, readFileSync(join(siteDir, path)), join(siteDir, path));
    }
    const hashes = new Set<string>();
    const strangers: string[] = [];
    const siteLinks = new Map<string, PageLinks>();
    const bundleLinks = new Map<string, PageLinks>();
    for (const [path, record] of [...this.pages].sort(([a], [b]) => (a < b ? -1 : 1))) {
      record.hashes.forEach((hash) => hashes.add(hash));
      strangers.push(...record.strangers.map((script) => `${path}: ${script}`));
      siteLinks.set(path, record.site);
      if (record.bundle) bundleLinks.set(path, record.bundle);
    }
    refuseStrangers(strangers);
    return { pages: this.pages.size, asRendered, asPdfsWritten: this.early.size, scriptHashes: [...hashes].sort(), siteLinks, bundleLinks };
  }
}
