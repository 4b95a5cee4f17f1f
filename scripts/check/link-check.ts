/**
 * Post-build link check over the whole output: every link, asset, anchor,
 * PDF, CSV and download of every page, for the public site (root-absolute
 * links) and for the offline bundle (relative links to files).
 */
import { posix } from 'node:path';
import { load } from 'cheerio';

/** Built files by site path ("faq/index.html") with their bytes. */
export type SiteFiles = ReadonlyMap<string, Uint8Array>;

const SELECTOR = 'a[href], link[href], script[src], img[src], source[src], iframe[src], [data-search-src], a[xlink\\:href]';

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
  const idsOf = (path: string) => {
    let set = ids.get(path);
    if (!set) {
      const $ = load(Buffer.from(files.get(path)!).toString('utf8'));
      set = new Set(
        $('[id]')
          .map((_, el) => $(el).attr('id')!)
          .get(),
      );
      ids.set(path, set);
    }
    return set;
  };
  for (const [page, bytes] of files) {
    if (!page.endsWith('.html')) continue;
    const $ = load(Buffer.from(bytes).toString('utf8'));
    $(SELECTOR).each((_, el) => {
      const node = $(el);
      if (node.is('link') && /\b(canonical|alternate)\b/.test(node.attr('rel') ?? '')) return;
      const url = node.attr('href') ?? node.attr('src') ?? node.attr('data-search-src') ?? node.attr('xlink:href')!;
      if (/^(https?:|mailto:|data:|blob:|javascript:)/i.test(url)) return;
      checked++;
      const [rawPath = '', hash] = url.split('#');
      const pathOnly = rawPath.split('?')[0]!;
      let target: string;
      if (pathOnly === '') target = page;
      else if (pathOnly.startsWith('/')) {
        if (mode === 'bundle') return void broken.push(`${page}: ${url} (absolute link in the offline bundle)`);
        target = pathOnly.slice(1) + (pathOnly.endsWith('/') ? 'index.html' : '');
      } else {
        if (mode === 'bundle' && pathOnly.endsWith('/')) return void broken.push(`${page}: ${url} (points at a folder, not a file)`);
        target = posix.normalize(posix.join(posix.dirname(page), pathOnly)) + (pathOnly.endsWith('/') ? '/index.html' : '');
        target = target.replace(/\/\/+/g, '/');
      }
      target = decodeURIComponent(target);
      if (!files.has(target)) return void broken.push(`${page}: ${url} (no file ${target})`);
      if (hash && target.endsWith('.html') && !idsOf(target).has(decodeURIComponent(hash))) broken.push(`${page}: ${url} (no #${hash} in ${target})`);
    });
  }
  return { broken, checked };
}
