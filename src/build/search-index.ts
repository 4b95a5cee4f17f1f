/**
 * Post-build step: the Pagefind index, the search box bundle and the search
 * vocabulary, written into the built site.
 *
 * - `pagefind/`: Pagefind 1.x index of every page with `data-pagefind-body`, read with the vocabulary's other spellings
 *   added (src/search/aliases.ts), so any client of the index finds what the search box finds.
 * - `search/vocabulary.js`: the synonym groups of content/vocabulary.yaml and
 *   the site's words for spelling suggestions, as a classic script.
 */
import { searchIndexFile } from './search-index-file.ts';
import { closeSync, openSync, readFileSync, readSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as pagefind from 'pagefind';
import { byFrequency, countPageWords, loadVocabulary, vocabularyScript } from '../search/index-parts.ts';
import { aliasTable, pageForIndex, type AliasTable } from '../search/aliases.ts';
import { searchGroups } from '../schemas/vocabulary.ts';
import { CONTENT_FILES } from '../content-model.ts';
import { SEARCH_FILES } from '../contract.ts';
import { loadSiteConfig } from '../lib/site-config.ts';
import { pageKey } from './page-handoff.ts';
import { searchMemoKey, SearchMemo, type IndexedPage } from './search-memo.ts';

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
  /** Pages taken as the last build of a watch made them (search-memo.ts), when there was one. */
  kept?: number;
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
 * read it (with its search aliases, src/search/aliases.ts). Pagefind's output depends on the order it is given the pages, and
 * Astro renders two at a time, so they come in an order that varies; Pagefind takes them in the order Astro set out to render
 * them (`order`, its paths as its prerenderer lists them, from the pages' own sorted lists), each as soon as every page before
 * it has come: most of the indexing is done while Astro renders. Without that order (a build that does not tell it), or when a
 * page changed after it was rendered, Pagefind reads them all in `finish`. Either way it gets them in one order for the same
 * site, and two builds write the same index on any machine.
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
  private readonly file: string;
  private readonly fd: number;
  private written = 0;
  /** Astro's paths in its order (`order`, as keys: page-handoff.ts, pageKey), and how far Pagefind has been given them. */
  private ordered: string[] | undefined;
  private next = 0;
  /** Keys of Astro's paths that gave no page. */
  private readonly skipped = new Set<string>();
  /** The page given for each key. */
  private readonly byKey = new Map<string, string>();
  /** Pages given to Pagefind so far. */
  private readonly indexed = new Set<string>();
  private pagefindIndex: Promise<pagefind.PagefindIndex> | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The loop that gives Pagefind the pages as they come, while it runs. */
  private giving: Promise<void> | undefined;
  private failure: unknown;

  /** What the last build of a watch made of its pages (search-memo.ts), when this build is one. */
  private readonly memo: SearchMemo | undefined;

  /**
   * `file`: where the pages wait (searchIndexFile()); whoever names it removes it too, should this builder be stopped unfinished.
   * `memoFile`: in a watch, the file that keeps what the index made of each page from one build to the next.
   */
  constructor(contentDir: string, stopWords: readonly string[] = [], file = searchIndexFile(), memoFile?: string) {
    this.contentDir = contentDir;
    this.stopWords = stopWords;
    this.file = file;
    this.fd = openSync(file, 'w+');
    this.table = aliasTable(searchGroups(loadVocabulary(join(contentDir, CONTENT_FILES.vocabulary))));
    this.memo = memoFile ? new SearchMemo(memoFile, searchMemoKey(this.table.groups.map((g) => [g.canonical, g.spellings]), stopWords)) : undefined;
  }

  /** Every path Astro is about to render, in its order, as keys (page-handoff.ts, pageKey). */
  order(keys: readonly string[]): void {
    this.ordered = [...new Set(keys)];
    this.give();
  }

  /** The key of a path that gave no page. */
  skip(key: string): void {
    this.skipped.add(key);
    this.give();
  }

  /** One built page, by its site path ("faq/x/index.html"). */
  add(path: string, html: string): void {
    const made = this.memo ? this.memo.page(html, () => this.make(html)) : this.make(html);
    for (const [word, count] of made.words) this.counts.set(word, (this.counts.get(word) ?? 0) + count);
    const bytes = writeSync(this.fd, made.text, this.written);
    // Only pages with an indexed body are searched (Pagefind leaves the others out once any page has one).
    this.given.set(path, { at: this.written, bytes, indexed: /<main\b[^>]*\sdata-pagefind-body\b/.test(html) });
    this.written += bytes;
    this.byKey.set(pageKey(path), path);
    this.give();
  }

  /** What the index makes of a page: its form for Pagefind, and its words for the suggestions. */
  private make(html: string): IndexedPage {
    const counts = new Map<string, number>();
    countPageWords(html, counts);
    return { text: pageForIndex(html, this.table, this.stopWords), words: [...counts] };
  }

  /** Pagefind's index for this build, started at the first page it is given. */
  private index(): Promise<pagefind.PagefindIndex> {
    return (this.pagefindIndex ??= pagefind
      // The center's language picks Pagefind's stemmer; it is also <html lang> on every page.
      .createIndex({ forceLanguage: loadSiteConfig(this.contentDir).language })
      .then(({ index, errors }) => {
        if (!index) throw new Error(`Pagefind could not start: ${errors.join('; ')}`);
        return index;
      }));
  }

  /** Gives Pagefind one page, with a few waiting at most: the pages wait in the temporary file, not in memory. */
  private async giveOne(path: string): Promise<void> {
    if (this.inFlight.size >= PAGES_IN_FLIGHT) await Promise.race(this.inFlight);
    this.indexed.add(path);
    const content = this.page(path);
    const adding = this.index()
      .then((index) => index.addHTMLFile({ sourcePath: path, content }))
      .then(({ errors }) => {
        if (errors.length > 0) throw new Error(`Pagefind could not index ${path}: ${errors.join('; ')}`);
      });
    // Settles either way: a failure is kept, and raised by `finish`.
    const tracked: Promise<void> = adding.catch((error: unknown) => void (this.failure ??= error)).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /** The next page in Astro's order, when it has come (paths that gave no page passed over); undefined until then. */
  private nextInOrder(): string | undefined {
    const ordered = this.ordered;
    if (!ordered) return undefined;
    while (this.next < ordered.length && this.skipped.has(ordered[this.next]!)) this.next++;
    const key = ordered[this.next];
    return key === undefined ? undefined : this.byKey.get(key);
  }

  /** Once the loop giving Pagefind pages has stopped (a page added meanwhile may start it again, so it is awaited until it is done). */
  private async caughtUp(): Promise<void> {
    while (this.giving) await this.giving;
  }

  /** Gives Pagefind every page that has come whose turn it is, in one loop at a time. */
  private give(): void {
    if (this.giving || this.failure) return;
    this.giving = (async () => {
      for (let path = this.nextInOrder(); path !== undefined && !this.failure; path = this.nextInOrder()) {
        this.next++;
        await this.giveOne(path);
      }
    })()
      .catch((error: unknown) => void (this.failure ??= error))
      .finally(() => (this.giving = undefined));
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
      await this.caughtUp();
      await Promise.allSettled(this.inFlight);
      if (this.failure) throw this.failure;
      // A page that changed after Astro rendered it (none of the build's own steps changes one before this) or went, after
      // Pagefind read it: Pagefind starts again and reads every page in the same order, so the index is the same as if the page
      // had come as it is (without counting on how Pagefind takes a page it has read already).
      const changed = [...changes.reread, ...changes.gone].some((path) => this.indexed.has(path));
      if (changed && this.pagefindIndex) {
        await (await this.pagefindIndex).deleteIndex();
        this.pagefindIndex = undefined;
        this.indexed.clear();
      }
      for (const path of changes.gone) this.given.delete(path);
      // A page read again that was given before counts its words twice for the suggestions' ranking: only a page changed after
      // Astro rendered it is read again, which none of the build's own steps do (the PDF sizes come after this comparison).
      for (const path of changes.reread) this.add(path, readFileSync(join(siteDir, path), 'utf8'));
      await this.caughtUp();
      const vocabulary = loadVocabulary(join(this.contentDir, CONTENT_FILES.vocabulary));
      try {
        // The rest in the same order: Astro's, then pages it did not list, by path (or every page by path, when Astro told no
        // order). Pagefind's own folder walk would follow the file system's order, which differs between machines.
        const inOrder = (this.ordered ?? []).map((key) => this.byKey.get(key)).filter((path): path is string => path !== undefined && this.given.has(path));
        const listed = new Set(inOrder);
        const rest = [...inOrder, ...[...this.given.keys()].filter((path) => !listed.has(path)).sort()].filter((path) => !this.indexed.has(path));
        for (const path of rest) await this.giveOne(path);
        await Promise.allSettled(this.inFlight);
        if (this.failure) throw this.failure;
        const index = await this.index();
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
      this.memo?.save();
      return {
        pages: [...this.given.values()].filter((p) => p.indexed).length,
        indexBytes: dirBytes(join(siteDir, 'pagefind')),
        words: words.length,
        ...(this.memo ? { kept: this.memo.kept } : {}),
      };
    } finally {
      this.discard();
    }
  }
}
