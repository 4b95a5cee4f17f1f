/**
 * Post-build step: the Pagefind index, the search box bundle and the search
 * vocabulary, written into the built site.
 *
 * - `pagefind/`: Pagefind 1.x index of every page with `data-pagefind-body`.
 * - `search/vocabulary.js`: the synonym groups of content/vocabulary.yaml and
 *   the site's words for spelling suggestions, as a classic script.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as pagefind from 'pagefind';
import { byFrequency, countPageWords, loadVocabulary, vocabularyScript } from '../search/index-parts.ts';
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

/** Words of the indexed pages, most frequent first, for spelling suggestions. */
function siteWords(siteDir: string): string[] {
  const counts = new Map<string, number>();
  for (const file of htmlFiles(siteDir)) countPageWords(readFileSync(file, 'utf8'), counts);
  return byFrequency(counts);
}

function dirBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .reduce((sum, d) => sum + readFileSync(join(d.parentPath, d.name)).length, 0);
}

/** Builds the search index and assets into `siteDir`. */
export async function buildSearchIndex(siteDir: string, contentDir: string): Promise<SearchIndexReport> {
  const vocabulary = loadVocabulary(join(contentDir, CONTENT_FILES.vocabulary));

  // The center's language picks Pagefind's stemmer; it is also <html lang> on every page.
  const { index, errors } = await pagefind.createIndex({ forceLanguage: loadSiteConfig(contentDir).language });
  if (!index) throw new Error(`Pagefind could not start: ${errors.join('; ')}`);
  try {
    const adding = index.addDirectory({ path: siteDir });
    adding.catch(() => undefined); // awaited below; this only keeps a rejection while the words are read from going unhandled
    // Pagefind reads the pages in its own process; the words for suggestions are read meanwhile.
    const words = siteWords(siteDir);
    const added = await adding;
    if (added.errors.length > 0) throw new Error(`Pagefind could not index ${siteDir}: ${added.errors.join('; ')}`);
    const written = await index.writeFiles({ outputPath: join(siteDir, 'pagefind') });
    if (written.errors.length > 0) throw new Error(`Pagefind could not write its index: ${written.errors.join('; ')}`);
    // The site has its own search box: Pagefind's prebuilt UIs would only weigh down the site and the offline zip.
    for (const unused of UNUSED_PAGEFIND_FILES) await rm(join(siteDir, 'pagefind', unused), { force: true });

    await mkdir(join(siteDir, 'search'), { recursive: true });
    await writeFile(join(siteDir, SEARCH_FILES.vocabulary), vocabularyScript(vocabulary, words));
    return { pages: added.page_count, indexBytes: dirBytes(join(siteDir, 'pagefind')), words: words.length };
  } finally {
    await pagefind.close();
  }
}
