/**
 * Post-build step: the Pagefind index, the search box bundle and the search
 * vocabulary, written into the built site.
 *
 * - `pagefind/`: Pagefind 1.x index of every page with `data-pagefind-body`, read with the vocabulary's other spellings
 *   added (src/search/aliases.ts), so any client of the index finds what the search box finds.
 * - `search/vocabulary.js`: the synonym groups of content/vocabulary.yaml and
 *   the site's words for spelling suggestions, as a classic script.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import * as pagefind from 'pagefind';
import { byFrequency, countPageWords, loadVocabulary, vocabularyScript } from '../search/index-parts.ts';
import { aliasTable, pageForIndex } from '../search/aliases.ts';
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

/** Reads and checks the vocabulary; errors name the file and the field. */
function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.html'))
    .map((d) => join(d.parentPath, d.name));
}

function dirBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .reduce((sum, d) => sum + readFileSync(join(d.parentPath, d.name)).length, 0);
}

/** Builds the search index and assets into `siteDir`. */
export async function buildSearchIndex(siteDir: string, contentDir: string, stopWords: readonly string[] = []): Promise<SearchIndexReport> {
  const vocabulary = loadVocabulary(join(contentDir, CONTENT_FILES.vocabulary));

  // The center's language picks Pagefind's stemmer; it is also <html lang> on every page.
  const { index, errors } = await pagefind.createIndex({ forceLanguage: loadSiteConfig(contentDir).language });
  if (!index) throw new Error(`Pagefind could not start: ${errors.join('; ')}`);
  try {
    const table = aliasTable(searchGroups(vocabulary));
    const counts = new Map<string, number>();
    let pages = 0;
    // Pagefind indexes pages in its own process while the next ones are read and given their aliases; a few are in flight at once.
    const inFlight = new Set<Promise<unknown>>();
    for (const file of htmlFiles(siteDir).sort()) {
      const html = await readFile(file, 'utf8');
      countPageWords(html, counts);
      const sourcePath = relative(siteDir, file).split(sep).join('/');
      // Only pages with an indexed body are searched (Pagefind leaves the others out once any page has one).
      if (/<main\b[^>]*\sdata-pagefind-body\b/.test(html)) pages++;
      const adding = index.addHTMLFile({ sourcePath, content: pageForIndex(html, table, stopWords) }).then(({ errors }) => {
        if (errors.length > 0) throw new Error(`Pagefind could not index ${sourcePath}: ${errors.join('; ')}`);
      });
      const tracked = adding.finally(() => inFlight.delete(tracked));
      tracked.catch(() => undefined);
      inFlight.add(tracked);
      if (inFlight.size >= PAGES_IN_FLIGHT) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    const words = byFrequency(counts);
    const written = await index.writeFiles({ outputPath: join(siteDir, 'pagefind') });
    if (written.errors.length > 0) throw new Error(`Pagefind could not write its index: ${written.errors.join('; ')}`);
    // The site has its own search box: Pagefind's prebuilt UIs would only weigh down the site and the offline zip.
    for (const unused of UNUSED_PAGEFIND_FILES) await rm(join(siteDir, 'pagefind', unused), { force: true });

    await mkdir(join(siteDir, 'search'), { recursive: true });
    await writeFile(join(siteDir, SEARCH_FILES.vocabulary), vocabularyScript(vocabulary, words));
    return { pages, indexBytes: dirBytes(join(siteDir, 'pagefind')), words: words.length };
  } finally {
    await pagefind.close();
  }
}
