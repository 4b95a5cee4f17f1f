/**
 * Post-build link check over the whole output: every link, asset, anchor,
 * PDF, CSV and download of every page, for the public site (root-absolute
 * links) and for the offline bundle (relative links to files).
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

/** What the check found: broken links as "page: url (reason)", and how many links it followed. */
export interface LinkReport {
  broken: string[];
  checked: number;
}

/** Checks every link of every page in `files`. */
export function checkLinks(files: SiteFiles, mode: 'site' | 'bundle'): LinkReport {
  const broken: string[] = [];
  let checked = 0;
  const ids = new Map<string, Set<string>>();
  const text = (path: string) => Buffer.from(files.get(path)!).toString('utf8');
  const idsOf = (path: string) => {
    let set = ids.get(path);
    if (!set) {
      set = new Set([...text(path).matchAll(ID)].map((m) => decode(m[1]!)));
      ids.set(path, set);
    }
    return set;
  };
  for (const page of files.keys()) {
    if (!page.endsWith('.html')) continue;
    for (const [, tag, attributes] of text(page).matchAll(TAG)) {
      if (tag === 'link' && /\srel="[^"]*\b(canonical|alternate)\b/.test(attributes!)) continue;
      const found = ATTRIBUTE.exec(attributes!);
      if (!found) continue;
      const url = decode(found[2]!);
      if (/^(https?:|mailto:|data:|blob:|javascript:)/i.test(url)) continue;
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
      if (!files.has(target)) broken.push(`${page}: ${url} (no file ${target})`);
      else if (hash && target.endsWith('.html') && !idsOf(target).has(decodeURIComponent(hash))) broken.push(`${page}: ${url} (no #${hash} in ${target})`);
    }
  }
  return { broken, checked };
}
