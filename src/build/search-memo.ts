/**
 * What the search index makes of each page (the page as Pagefind reads it, with its search aliases, and its words for the
 * spelling suggestions), kept from one build to the next of a watch session: a page handed over unchanged (page-reuse.ts writes
 * most pages as they were) is not read again. The watch's runner names the file (`SITE_SEARCH_MEMO`), removes it when it starts
 * and when it ends, and is kept only while nothing but the entries change (so the generator's code is the same throughout); the
 * file also records the vocabulary and stop words it was made with, and is used only with the same. A one-off build has no file.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';

/** The environment variable naming the file, set by the watch's runner. */
export const SEARCH_MEMO_ENV = 'SITE_SEARCH_MEMO';

/**
 * Pages' text kept beyond this many characters (10,000 pages come to about 450 million): past it the build keeps nothing, as
 * the memo in memory, and the last build's read back, would cost more memory than they save time.
 */
const MEMO_LIMIT = 64 * 1024 * 1024;

/** What the index makes of one page. */
export interface IndexedPage {
  /** The page as Pagefind is to read it. */
  text: string;
  /** Its words for the suggestions, with their counts, in the order they first appear. */
  words: [string, number][];
}

export class SearchMemo {
  private readonly file: string;
  private readonly key: string;
  private readonly earlier: Map<string, IndexedPage>;
  private readonly now = new Map<string, IndexedPage>();
  /** The characters of the pages in `now`; past MEMO_LIMIT, none are kept (`full`). */
  private size = 0;
  private full = false;
  /** Pages taken from the last build. */
  kept = 0;

  /** `key`: what else the pages' forms depend on (the vocabulary, the stop words); a file made with another is not used. */
  constructor(file: string, key: string) {
    this.file = file;
    this.key = key;
    let earlier = new Map<string, IndexedPage>();
    try {
      const saved = deserialize(readFileSync(file)) as { key?: unknown; pages?: unknown };
      if (saved.key === key && saved.pages instanceof Map) earlier = saved.pages as Map<string, IndexedPage>;
    } catch {
      // No file yet (the session's first build), or one that cannot be read: every page is read.
    }
    this.earlier = earlier;
  }

  /** What the index makes of a page: as the last build made it when the page is the same, else made now. */
  page(html: string, make: () => IndexedPage): IndexedPage {
    const digest = createHash('sha256').update(html).digest('base64');
    let made = this.now.get(digest);
    if (!made) {
      made = this.earlier.get(digest);
      if (made) this.kept++;
      else made = make();
      this.size += made.text.length;
      if (this.size > MEMO_LIMIT) {
        this.full = true;
        this.now.clear();
      }
      if (!this.full) this.now.set(digest, made);
    }
    return made;
  }

  /**
   * Keeps this build's pages, and only them, for the next build; replaced whole, so a build stopped midway leaves the last. The
   * memo is only a speed-up: a file that cannot be written (a full disk, the folder gone) is removed, and the build goes on.
   */
  save(): void {
    try {
      if (this.full) throw new Error('too large to keep');
      writeFileSync(`${this.file}.tmp`, serialize({ key: this.key, pages: this.now }));
      renameSync(`${this.file}.tmp`, this.file);
    } catch {
      for (const file of [this.file, `${this.file}.tmp`]) rmSync(file, { force: true });
    }
  }
}

/** The memo's key: a digest of what the pages' forms depend on besides the page. */
export const searchMemoKey = (...parts: unknown[]): string => createHash('sha256').update(JSON.stringify(parts)).digest('base64');
