/**
 * Post-build step: the offline copy for lab PCs, as one zip in `downloads/`.
 * It unzips into one folder whose index.html opens the site from disk: links
 * are made relative and point at files, search reads a packed index instead
 * of fetching, and every page says it is an offline copy, of which build and
 * content version, and where the public site is.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { crc32, deflateRaw } from 'node:zlib';
import { Zip, ZipPassThrough, type ZipInputFile } from 'fflate';
import { formatSize } from './format-size.ts';
import { relativizeCss, relativizeHtml } from './relative-links.ts';
import { offlinePolicy, pageScripts } from './security-headers.ts';
import { GLOBALS, MARKERS, SEARCH_FILES } from '../contract.ts';
import { translator, type Translate } from '../i18n/ui.ts';
import { escapeHtml } from '../lib/escape-html.ts';

/** The size the zip must stay under; the build fails past it. The benchmark raises it with SITE_BUNDLE_BUDGET_KB for its synthetic sites. */
export const BUNDLE_BUDGET_BYTES = Number(process.env.SITE_BUNDLE_BUDGET_KB ?? 1536) * 1024;

export interface BundleOptions {
  siteDir: string;
  contentDir: string;
  /** Name of the zip and of the folder it unzips into (`bundleName` of the center). */
  name: string;
  /** The center's public address, if it has one: the banner links to it for updates. */
  publicUrl?: string | undefined;
  /** YYYY-MM-DD */
  buildDate: string;
  /** The center's interface words, for the banner. */
  say?: Translate;
  /**
   * Resolves when search/ and pagefind/ are written. The pages are made
   * offline-ready meanwhile, while Pagefind (a separate process) indexes.
   */
  searchReady?: Promise<unknown>;
}

export interface BundleReport {
  zipPath: string;
  zipBytes: number;
  files: number;
  unzippedBytes: number;
  contentVersion: string;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)).split(sep).join('/'))
    .sort();
}

/** A short hash of every content file, so a reader can tell two copies apart. */
export function contentVersion(contentDir: string): string {
  const hash = createHash('sha256');
  // Dot-files and dot-folders (the diagram render cache) are not content.
  for (const file of listFiles(contentDir).filter((f) => !f.split('/').some((part) => part.startsWith('.'))))
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(contentDir, file)));
  return hash.digest('hex').slice(0, 8);
}


/** The offline form of one page: relative links, the freshness banner, no download link to itself. */
function offlinePage(html: string, path: string, banner: string): string {
  const withBanner = html.replace(/<body([^>]*)>/, (open) => `${open}${banner}`).replace(new RegExp(`<p[^>]*\\s${MARKERS.bundleDownload}[\\s\\S]*?<\\/p>`), '');
  // Opened from disk, a page has no server to send it a policy: it carries its own, right after its charset.
  const { hashes, strangers } = pageScripts(withBanner);
  if (strangers.length > 0) throw new Error(`${path}: inline script(s) that are not the generator's: ${strangers.join('; ')}`);
  const meta = `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(offlinePolicy(hashes))}">`;
  let placed = false;
  const withPolicy = withBanner.replace(/<meta charset="?utf-8"?\s*\/?>/i, (charset) => ((placed = true), `${charset}${meta}`));
  if (!placed) throw new Error(`${path}: no <meta charset="utf-8"> to put the offline security policy after.`);
  return relativizeHtml(withPolicy, path);
}

/** Pagefind's files as a classic script, for the search box to read instead of fetching (blocked on file://). */
function pagefindPack(siteDir: string): string {
  const dir = join(siteDir, 'pagefind');
  const files: Record<string, string> = {};
  for (const file of listFiles(dir)) {
    // Workers cannot start from file://; the search box runs Pagefind on the main thread there.
    if (file === 'pagefind-worker.js') continue;
    files[file] = readFileSync(join(dir, file)).toString('base64');
  }
  return `window.${GLOBALS.pagefindPack}=${JSON.stringify(files)};\n`;
}

const deflate = promisify(deflateRaw);

/** Writes `downloads/<name>.zip` and returns what it holds. */
export async function buildOfflineBundle({ siteDir, contentDir, name: bundle, publicUrl, buildDate, searchReady, say = translator() }: BundleOptions): Promise<BundleReport> {
  const version = contentVersion(contentDir);
  const banner =
    `<p class="offline-banner" role="note" data-pagefind-ignore>${escapeHtml(say('offline.banner', { date: buildDate, version }))}` +
    (publicUrl ? ` ${escapeHtml(say('offline.updates'))} <a href="${escapeHtml(publicUrl)}">${escapeHtml(publicUrl)}</a>` : '') +
    `</p>`;

  // Each file is compressed as it is added, so the pages are packed while Pagefind is still indexing.
  const chunks: Uint8Array[] = [];
  let zipFailure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) zipFailure = error;
    else chunks.push(chunk);
  });
  // Zip times are local times: midnight of the build date in this machine's zone writes the same bytes in every zone.
  const mtime = new Date(`${buildDate}T00:00:00`);
  let files = 0;
  let unzippedBytes = 0;
  // Compression runs on libuv's threads, beside the page rewriting here and the search indexing in its own process; a few files
  // at a time keep the memory flat. fflate writes the entries in the order they were added, whichever finishes first.
  const compressing = new Set<Promise<void>>();
  const add = async (path: string, data: Uint8Array) => {
    const name = `${bundle}/${path}`;
    if (/\.(pdf|png|jpe?g|pagefind|pf_\w+)$/.test(path)) {
      // Already compressed: stored as they are.
      const entry = new ZipPassThrough(name);
      entry.mtime = mtime;
      zip.add(entry);
      entry.push(data, true);
    } else {
      // Deflated by Node's zlib, about three times quicker than fflate's own deflate at the same level.
      const entry: ZipInputFile = { filename: name, size: data.length, crc: crc32(data), compression: 8, mtime };
      zip.add(entry);
      const job = deflate(data, { level: 6 }).then(
        (compressed) => entry.ondata!(null, compressed, true),
        (error: Error) => void (zipFailure ??= error),
      );
      compressing.add(job);
      void job.finally(() => compressing.delete(job));
      if (compressing.size >= 8) await Promise.race(compressing);
    }
    files++;
    unzippedBytes += data.length;
  };
  const addFiles = async (filter: (path: string) => boolean) => {
    for (const path of listFiles(siteDir).filter(filter)) {
      const data = readFileSync(join(siteDir, path));
      if (path.endsWith('.html')) await add(path, Buffer.from(offlinePage(data.toString('utf8'), path, banner)));
      else if (path.endsWith('.css')) await add(path, Buffer.from(relativizeCss(data.toString('utf8'), path)));
      else await add(path, data);
    }
  };
  // The zip does not hold itself; Pagefind's files travel in search/pagefind-pack.js instead.
  const isSearch = (path: string) => path.startsWith('search/') || path.startsWith('pagefind/');
  await addFiles((path) => !path.startsWith('downloads/') && !isSearch(path));
  await searchReady;
  await addFiles((path) => path.startsWith('search/'));
  await add(SEARCH_FILES.pagefindPack, Buffer.from(pagefindPack(siteDir)));
  await Promise.all(compressing);

  zip.end();
  if (zipFailure) throw zipFailure;
  const zipped = Buffer.concat(chunks);
  if (zipped.length > BUNDLE_BUDGET_BYTES) {
    throw new Error(`The offline bundle is ${(zipped.length / 1024).toFixed(0)} KB, over its budget of ${(BUNDLE_BUDGET_BYTES / 1024).toFixed(0)} KB.`);
  }
  const zipPath = join(siteDir, 'downloads', `${bundle}.zip`);
  await mkdir(join(siteDir, 'downloads'), { recursive: true });
  await writeFile(zipPath, zipped);
  return { zipPath, zipBytes: zipped.length, files, unzippedBytes, contentVersion: version };
}

/** Fills in the size and build date after the home page's download link (the layout's own empty span, found as text). */
export async function annotateBundleLink(siteDir: string, report: BundleReport, buildDate: string, say: Translate = translator()): Promise<void> {
  const path = join(siteDir, 'index.html');
  const html = readFileSync(path, 'utf8');
  const note = ` ${escapeHtml(say('home.downloadSize', { size: formatSize(report.zipBytes), date: buildDate }))}`;
  const empty = `<span ${MARKERS.bundleSize}></span>`;
  const next = html.replaceAll(empty, `<span ${MARKERS.bundleSize}>${note}</span>`);
  if (next === html) throw new Error(`${path}: no ${empty} after the offline download link.`);
  await writeFile(path, next);
}
