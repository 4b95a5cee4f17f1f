/**
 * The contract between the pages and what works on them afterwards — the build's steps (src/build/), the client scripts
 * (src/search/, src/tools/) and the offline bundle. Every script path, marker attribute, element id, window global and output
 * name that one side writes and the other reads is named here once, and both sides import it. A step that expects a marker and
 * does not find it fails the build instead of doing nothing.
 */

/** The client scripts, bundled from src/ by src/integrations/client-scripts.ts (source → path in the site). */
export const CLIENT_SCRIPTS = {
  search: { source: 'search/search-ui.ts', path: 'search/search.js' },
  runMode: { source: 'tools/run-mode.ts', path: 'tools/run-mode.js' },
  ic50: { source: 'tools/ic50/ui.ts', path: 'tools/ic50.js' },
} as const;

/** Scripts the build writes beside them, read by the search box. */
export const SEARCH_FILES = {
  /** The synonym groups and the words for suggestions, as a classic script (`window.hrsSearchVocabulary`). */
  vocabulary: 'search/vocabulary.js',
  /** In the offline bundle only: Pagefind's files as base64 (`window.hrsPagefindPack`), since file:// cannot fetch. */
  pagefindPack: 'search/pagefind-pack.js',
} as const;

/** The window globals the classic scripts above set and the search box reads. */
export const GLOBALS = {
  search: 'hrsSearch',
  vocabulary: 'hrsSearchVocabulary',
  pagefindPack: 'hrsPagefindPack',
} as const;

/** Attributes on the pages that a step or a script looks for. */
export const MARKERS = {
  /** On the generator's own inline scripts: the only ones the security policy trusts. */
  generatorScript: 'data-generator-script',
  /** On an element whose script loads on first use (LazyScript.astro): the script's path. */
  lazyScript: 'data-lazy-script',
  /** A "Download as PDF" link, and the empty span after it that the PDF-link step fills with the file's size. */
  pdfLink: 'data-pdf-link',
  pdfSize: 'data-pdf-size',
  /** The home page's offline download (left out of the bundle itself), and the span the bundle step fills with size and date. */
  bundleDownload: 'data-bundle-download',
  bundleSize: 'data-bundle-size',
} as const;

/** Element ids that carry data from the page to a step or a script. */
export const IDS = {
  /** A protocol page's metadata for its PDF (JSON). */
  pdfMeta: 'pdf-meta',
  /** The center's replacements of interface words, for the client scripts (JSON); only on centers that have any. */
  uiStrings: 'ui-strings',
  /** The heading of a page's reference list: search leads to it only when no other section matches. */
  referencesHeading: 'references',
} as const;

/** The format tag of an exported run record (src/schemas/run-record.ts); a new shape gets a new tag. */
export const RUN_RECORD_FORMAT = 'support-center/run-record@1';

/** localStorage keys the pages and the scripts share. */
export const STORAGE = {
  /** + a protocol's slug: its run in progress (also kept in the tab's sessionStorage, see src/tools/run-mode.ts). */
  runPrefix: 'hrs-run:',
  /** + a protocol's slug: when its last run was ended or reset (epoch milliseconds). */
  runEndedPrefix: 'hrs-run-ended:',
  /** + a protocol's slug: its ended runs' records, newest last (see src/schemas/run-record.ts). */
  recordsPrefix: 'hrs-records:',
} as const;

/** What the build writes, by path in the site. */
export const OUTPUTS = {
  pdfDir: 'pdf',
  combinedPdf: 'protocols.pdf',
  downloads: 'downloads',
  pagefind: 'pagefind',
  headers: '_headers',
} as const;

/** Attributes that hold a URL the offline bundle makes relative and the link check follows. */
export const URL_ATTRIBUTES = ['href', 'src', 'action', 'poster', MARKERS.lazyScript, 'xlink:href'] as const;
