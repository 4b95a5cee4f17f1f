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
import { offlinePolicy, pageScripts, withoutPagePolicy } from './security-headers.ts';
import { GLOBALS, MARKERS, SEARCH_FILES } from '../contract.ts';
import { translator, type Translate } from '../i18n/ui.ts';
import { escapeHtml } from '../lib/escape-html.ts';

/** The size the zip must stay under; the build fails past it. The benchmark raises it with SITE_BUNDLE_BUDGET_KB for its synthetic sites. */
export const BUNDLE_BUDGET_BYTES = Number(process.env.SITE_BUNDLE_BUDGET_KB ?? 1536) * 1024;

export interface BundleOptions {
  contentDir: string;
  /** Name of the zip and of the folder it unzips into (`bundleName` of the center). */
  name: string;
  /** The center's public address, if it has one: the banner links to it for updates. */
  publicUrl?: string | undefined;
  /** YYYY-MM-DD */
  buildDate: string;
  /** The center's interface words, for the banner. */
  say?: Translate;
}

export interface BundleReport {
  zipPath: string;
  zipBytes: number;
  files: number;
  unzippedBytes: number;
  contentVersion: string;
}

/** Every file under `dir`, as sorted paths with forward slashes. */
export function listFiles(dir: string): string[] {
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
  // The public site's own policy (withPagePolicy) would forbid the file: scripts of the copy: the copy's takes its place.
  const withBanner = withoutPagePolicy(html)
    .replace(/<body([^>]*)>/, (open) => `${open}${banner}`)
    .replace(new RegExp(`<p[^>]*\\s${MARKERS.bundleDownload}[\\s\\S]*?<\\/p>`), '');
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

/** The zip being packed: each built file goes in as it is read (`add`), the search files when they are written (`finish`). */
export interface OfflineBundle {
  /** Packs one built file, by its site path, in its offline form; for a page, returns that form (for the link check). */
  add(path: string, data: Uint8Array): Promise<string | undefined>;
  /** Takes back a file packed by `add` (the build found it different on disk, and packs it again from there). */
  remove(path: string): void;
  /** Packs the search files of the site in `siteDir` (written by then), writes its `downloads/<name>.zip`; returns what it holds. */
  finish(siteDir: string): Promise<BundleReport>;
  /** Whether the zip holds this path (inside its one folder). */
  holds(path: string): boolean;
}

/** Whether a built file goes into the zip as it is read: not the zip itself, and not the search files, which `finish` packs. */
export const packedAsRead = (path: string) => !path.startsWith('downloads/') && !path.startsWith('search/') && !path.startsWith('pagefind/');

/** One file of the zip, compressed (or stored) as soon as it is added. */
interface Packed {
  size: number;
  crc: number;
  /** Deflated, or stored as it is for files that are compressed already. */
  deflated: boolean;
  data: Promise<Uint8Array>;
}

/**
 * Starts the offline bundle of a site. Files come in any order (the pages as Astro renders them, src/build/page-pass.ts)
 * and are compressed at once, on libuv's threads; the zip lists them in the order of their paths, so two builds of the same site
 * write the same bytes.
 */
export function startOfflineBundle({ contentDir, name: bundle, publicUrl, buildDate, say = translator() }: BundleOptions): OfflineBundle {
  const version = contentVersion(contentDir);
  const banner =
    `<p class="offline-banner" role="note" data-pagefind-ignore>${escapeHtml(say('offline.banner', { date: buildDate, version }))}` +
    (publicUrl ? ` ${escapeHtml(say('offline.updates'))} <a href="${escapeHtml(publicUrl)}">${escapeHtml(publicUrl)}</a>` : '') +
    `</p>`;
  const packed = new Map<string, Packed>();
  // A few files in compression at a time keep the memory flat.
  const compressing = new Set<Promise<unknown>>();
  const pack = async (path: string, data: Uint8Array) => {
    // Already compressed: stored as they are. The rest deflated by Node's zlib, about three times quicker than fflate's own.
    const deflated = !/\.(pdf|png|jpe?g|pagefind|pf_\w+)$/.test(path);
    const entry: Packed = { size: data.length, crc: crc32(data), deflated, data: deflated ? deflate(data, { level: 6 }) : Promise.resolve(data) };
    entry.data.catch(() => undefined);
    packed.set(path, entry);
    if (!deflated) return;
    const job = entry.data.finally(() => compressing.delete(job));
    compressing.add(job);
    if (compressing.size >= 8) await Promise.race(compressing).catch(() => undefined);
  };
  const add = async (path: string, data: Uint8Array): Promise<string | undefined> => {
    if (path.endsWith('.html')) {
      const page = offlinePage(Buffer.from(data).toString('utf8'), path, banner);
      await pack(path, Buffer.from(page));
      return page;
    }
    await pack(path, path.endsWith('.css') ? Buffer.from(relativizeCss(Buffer.from(data).toString('utf8'), path)) : data);
    return undefined;
  };
  const finish = async (siteDir: string): Promise<BundleReport> => {
    // Pagefind's files travel in search/pagefind-pack.js instead of as files.
    const search = listFiles(siteDir).filter((p) => p.startsWith('search/'));
    for (const path of search) await add(path, readFileSync(join(siteDir, path)));
    await pack(SEARCH_FILES.pagefindPack, Buffer.from(pagefindPack(siteDir)));
    const first = [...packed.keys()].filter((p) => !p.startsWith('search/')).sort();
    const order = [...first, ...search, SEARCH_FILES.pagefindPack];

    const chunks: Uint8Array[] = [];
    let zipFailure: Error | null = null;
    const zip = new Zip((error, chunk) => {
      if (error) zipFailure = error;
      else chunks.push(chunk);
    });
    // Zip times are local times: midnight of the build date in this machine's zone writes the same bytes in every zone.
    const mtime = new Date(`${buildDate}T00:00:00`);
    let unzippedBytes = 0;
    for (const path of order) {
      const { size, crc, deflated, data } = packed.get(path)!;
      const name = `${bundle}/${path}`;
      if (deflated) {
        const entry: ZipInputFile = { filename: name, size, crc, compression: 8, mtime };
        zip.add(entry);
        entry.ondata!(null, (await data) as Uint8Array<ArrayBuffer>, true);
      } else {
        const entry = new ZipPassThrough(name);
        entry.mtime = mtime;
        zip.add(entry);
        entry.push(await data, true);
      }
      unzippedBytes += size;
    }
    zip.end();
    if (zipFailure) throw zipFailure;
    const zipped = Buffer.concat(chunks);
    if (zipped.length > BUNDLE_BUDGET_BYTES) {
      throw new Error(`The offline bundle is ${(zipped.length / 1024).toFixed(0)} KB, over its budget of ${(BUNDLE_BUDGET_BYTES / 1024).toFixed(0)} KB.`);
    }
    const zipPath = join(siteDir, 'downloads', `${bundle}.zip`);
    await mkdir(join(siteDir, 'downloads'), { recursive: true });
    await writeFile(zipPath, zipped);
    return { zipPath, zipBytes: zipped.length, files: order.length, unzippedBytes, contentVersion: version };
  };
  return {
    add,
    remove: (path) => void packed.delete(path),
    finish,
    holds: (path) => packed.has(path),
  };
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
