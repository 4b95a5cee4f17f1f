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
import { withPdfSizes } from './pdf-links.ts';
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
    for (const path of onDisk) {
      const hash = digest(readFileSync(join(siteDir, path), 'utf8'));
      if (this.received.get(path) !== hash) reread.push(path);
      if (this.pages.get(path)?.digest !== hash) {
        stale.push(path);
        this.forget(path);
      }
    }
    return { stale, reread, gone };
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
    const asRendered = this.pages.size;
    const html = new Set(stale);
    for (const path of listFiles(siteDir)) {
      if (html.has(path)) {
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
      } else if (!path.endsWith('.html') && packedAsRead(path)) await this.bundle.add(path, readFileSync(join(siteDir, path)), join(siteDir, path));
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
    return { pages: this.pages.size, asRendered, scriptHashes: [...hashes].sort(), siteLinks, bundleLinks };
  }
}
