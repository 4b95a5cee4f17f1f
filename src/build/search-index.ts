/**
 * Post-build step: the Pagefind index, the search box bundle and the search
 * vocabulary, written into the built site.
 *
 * - `pagefind/`: Pagefind 1.x index of every page with `data-pagefind-body`, read with the vocabulary's other spellings
 *   added (src/search/aliases.ts), so any client of the index finds what the search box finds.
 * - `search/vocabulary.js`: the synonym groups of content/vocabulary.yaml and
 *   the site's words for spelling suggestions, as a classic script.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as pagefind from 'pagefind';
import { byFrequency, countPageWords, loadVocabulary, vocabularyScript } from '../search/index-parts.ts';
import { aliasTable, pageForIndex, type AliasTable } from '../search/aliases.ts';
import { searchGroups } from '../schemas/vocabulary.ts';
import { CONTENT_FILES } from '../content-model.ts';
import { SEARCH_FILES } from '../contract.ts';
import { loadSiteConfig } from '../lib/site-config.ts';

/** Pagefind writes these for its own UIs; the search box does not use them. */
export const UNUSED_PAGEFIND_FILES = [
  'pagefind-ui.js',
  'pagefind-ui.css',
  'pagefind-modular-ui.js',
  'pagefind-modular-ui.css',
  'pagefind-component-ui.js',
  'pagefind-component-ui.css',
  'pagefind-highlight.js',
  'wasm.unknown.pagefind',
];

/** Pages handed to Pagefind before the step waits for one of them. */
const PAGES_IN_FLIGHT = 16;

/** What the step did, for the build log and the benchmark. */
export interface SearchIndexReport {
  pages: number;
  indexBytes: number;
  words: number;
}

function dirBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .reduce((sum, d) => sum + statSync(join(d.parentPath, d.name)).size, 0);
}

/** Which pages of the built site the search index must read from disk, and which it was given that are not there. */
export interface SearchChanges {
  reread: string[];
  gone: string[];
}

/**
 * The search index, built as the pages come: each page is read for the spelling suggestions' words and kept as Pagefind is to
 * read it (with its search aliases, src/search/aliases.ts); `finish` gives Pagefind the pages in the order of their paths,
 * whatever the order they came in, and writes the index into the built site.
 */
export class SearchIndexBuilder {
  private readonly contentDir: string;
  private readonly stopWords: readonly string[];
  private readonly table: AliasTable;
  private readonly counts = new Map<string, number>();
  /** The pages given so far, by site path: where each is in `file` as Pagefind is to read it, and whether it has an indexed body. */
  private readonly given = new Map<string, { at: number; bytes: number; indexed: boolean }>();
  /**
   * The pages as Pagefind is to read them, one after the other in one temporary file: at 10,000 pages they are 300 MB, which
   * in memory would make this the build's largest process.
   */
  private readonly file = join(tmpdir(), `support-center-search-${process.pid}-${randomUUID()}.html`);
  private readonly fd = openSync(this.file, 'w+');
  private written = 0;

  constructor(contentDir: string, stopWords: readonly string[] = []) {
    this.contentDir = contentDir;
    this.stopWords = stopWords;
    this.table = aliasTable(searchGroups(loadVocabulary(join(contentDir, CONTENT_FILES.vocabulary))));
  }

  /** One built page, by its site path ("faq/x/index.html"). */
  add(path: string, html: string): void {
    countPageWords(html, this.counts);
    const bytes = writeSync(this.fd, pageForIndex(html, this.table, this.stopWords), this.written);
    // Only pages with an indexed body are searched (Pagefind leaves the others out once any page has one).
    this.given.set(path, { at: this.written, bytes, indexed: /<main\b[^>]*\sdata-pagefind-body\b/.test(html) });
    this.written += bytes;
  }

  /** A page given, as Pagefind is to read it. */
  private page(path: string): string {
    const { at, bytes } = this.given.get(path)!;
    const buffer = Buffer.allocUnsafe(bytes);
    readSync(this.fd, buffer, 0, bytes, at);
    return buffer.toString('utf8');
  }

  /** Removes the pages' temporary file (`finish` does; a build that stops before it calls this). */
  discard(): void {
    try {
      closeSync(this.fd);
    } catch {
      // Closed already.
    }
    rmSync(this.file, { force: true });
  }

  /**
   * Indexes the pages given, with `changes` read again from `siteDir` (or left out), and writes `pagefind/` and the search
   * vocabulary into `siteDir`.
   */
  async finish(siteDir: string, changes: SearchChanges): Promise<SearchIndexReport> {
    try {
      for (const path of changes.gone) this.given.delete(path);
      // A page read again that was given before counts its words twice for the suggestions' ranking: only a page changed after
      // Astro rendered it is read again, which none of the build's own steps do (the PDF sizes come after this comparison).
      for (const path of changes.reread) this.add(path, readFileSync(join(siteDir, path), 'utf8'));
      const vocabulary = loadVocabulary(join(this.contentDir, CONTENT_FILES.vocabulary));
      // The center's language picks Pagefind's stemmer; it is also <html lang> on every page.
      const { index, errors } = await pagefind.createIndex({ forceLanguage: loadSiteConfig(this.contentDir).language });
      if (!index) throw new Error(`Pagefind could not start: ${errors.join('; ')}`);
      try {
        // In the order of their paths, not as they came: Pagefind's output depends on the order, and so two builds of the same
        // site write the same index on any machine (Pagefind's own folder walk follows the file system's order).
        const inFlight = new Set<Promise<unknown>>();
        for (const path of [...this.given.keys()].sort()) {
          const adding = index.addHTMLFile({ sourcePath: path, content: this.page(path) }).then(({ errors }) => {
            if (errors.length > 0) throw new Error(`Pagefind could not index ${path}: ${errors.join('; ')}`);
          });
          const tracked = adding.finally(() => inFlight.delete(tracked));
          tracked.catch(() => undefined);
          inFlight.add(tracked);
          if (inFlight.size >= PAGES_IN_FLIGHT) await Promise.race(inFlight);
        }
        await Promise.all(inFlight);
        const written = await index.writeFiles({ outputPath: join(siteDir, 'pagefind') });
        if (written.errors.length > 0) throw new Error(`Pagefind could not write its index: ${written.errors.join('; ')}`);
      } finally {
        await pagefind.close();
      }
      // The site has its own search box: Pagefind's prebuilt UIs would only weigh down the site and the offline zip.
      for (const unused of UNUSED_PAGEFIND_FILES) await rm(join(siteDir, 'pagefind', unused), { force: true });
      const words = byFrequency(this.counts);
      await mkdir(join(siteDir, 'search'), { recursive: true });
      await writeFile(join(siteDir, SEARCH_FILES.vocabulary), vocabularyScript(vocabulary, words));
      return { pages: [...this.given.values()].filter((p) => p.indexed).length, indexBytes: dirBytes(join(siteDir, 'pagefind')), words: words.length };
    } finally {
      this.discard();
    }
  }
}
