/**
 * Post-build link check over the whole output: every link, asset, anchor,
 * PDF, CSV and download of every page, for the public site (root-absolute
 * links) and for the offline bundle (relative links to files).
 *
 * Two halves, so the build reads each page once: `readPageLinks` takes what a page points at and the ids it holds while the
 * page is in memory anyway (src/build/page-pass.ts), and `resolveLinks` checks them once every file is written.
 */
import { posix } from 'node:path';
import { URL_ATTRIBUTES } from '../contract.ts';

/** Built files by site path ("faq/index.html") with their bytes. */
export type SiteFiles = ReadonlyMap<string, Uint8Array>;

/** Tags that can point somewhere, and the attributes that do. */
const TAG = /<(a|link|script|img|source|iframe|form|div)\b([^>]*)>/g;
const ATTRIBUTE = new RegExp(`\\s(${URL_ATTRIBUTES.join('|')})="([^"]*)"`);
const ID = /\sid="([^"]*)"/g;

/**
 * The pages are the build's own output, so links and ids are read from the
 * markup as text: parsing every page into a DOM was most of this step's time
 * on large sites.
 */
function decode(text: string): string {
  return text
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");
}

/** What one page points at (its URLs within the site, in order) and the ids a link may name. */
export interface PageLinks {
  urls: string[];
  ids: Set<string>;
}

/** What the check found: broken links as "page: url (reason)", and how many links it followed. */
export interface LinkReport {
  broken: string[];
  checked: number;
}

/** The links of one page that stay within the site, and its ids. */
export function readPageLinks(html: string): PageLinks {
  const urls: string[] = [];
  for (const [, tag, attributes] of html.matchAll(TAG)) {
    if (tag === 'link' && /\srel="[^"]*\b(canonical|alternate)\b/.test(attributes!)) continue;
    const found = ATTRIBUTE.exec(attributes!);
    if (!found) continue;
    const url = decode(found[2]!);
    if (/^(https?:|mailto:|data:|blob:|javascript:)/i.test(url)) continue;
    urls.push(url);
  }
  // A copy: a substring cut from the page would keep the whole page in memory (V8's sliced strings), and the build keeps the
  // links of every page until the end; at 10,000 pages that was over two gigabytes.
  return structuredClone({ urls, ids: new Set([...html.matchAll(ID)].map((m) => decode(m[1]!))) });
}

/** Checks the links of `pages` against the files that exist (`exists`, by site path) and the ids of the pages. */
export function resolveLinks(pages: ReadonlyMap<string, PageLinks>, exists: (path: string) => boolean, mode: 'site' | 'bundle'): LinkReport {
  const broken: string[] = [];
  let checked = 0;
  for (const [page, { urls }] of pages) {
    for (const url of urls) {
      checked++;
      const [rawPath = '', hash] = url.split('#');
      const pathOnly = rawPath.split('?')[0]!;
      let target: string;
      if (pathOnly === '') target = page;
      else if (pathOnly.startsWith('/')) {
        if (mode === 'bundle') {
          broken.push(`${page}: ${url} (absolute link in the offline bundle)`);
          continue;
        }
        target = pathOnly.slice(1) + (pathOnly.endsWith('/') ? 'index.html' : '');
      } else {
        if (mode === 'bundle' && pathOnly.endsWith('/')) {
          broken.push(`${page}: ${url} (points at a folder, not a file)`);
          continue;
        }
        target = (posix.normalize(posix.join(posix.dirname(page), pathOnly)) + (pathOnly.endsWith('/') ? '/index.html' : '')).replace(/\/\/+/g, '/');
      }
      target = decodeURIComponent(target);
      if (!exists(target) && !pages.has(target)) broken.push(`${page}: ${url} (no file ${target})`);
      else if (hash && target.endsWith('.html') && !pages.get(target)?.ids.has(decodeURIComponent(hash)))
        broken.push(`${page}: ${url} (no #${hash} in ${target})`);
    }
  }
  return { broken, checked };
}

/** Checks every link of every page in `files`. */
export function checkLinks(files: SiteFiles, mode: 'site' | 'bundle'): LinkReport {
  const pages = new Map<string, PageLinks>();
  for (const [path, bytes] of files) if (path.endsWith('.html')) pages.set(path, readPageLinks(Buffer.from(bytes).toString('utf8')));
  return resolveLinks(pages, (path) => files.has(path), mode);
}
