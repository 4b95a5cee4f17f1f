/**
 * Post-build step: the offline copy for lab PCs, as one zip in `downloads/`.
 * It unzips into one folder whose index.html opens the site from disk: links
 * are made relative and point at files, search reads a packed index instead
 * of fetching, and every page says it is an offline copy, of which build and
 * content version, and where the public site is.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
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
  /**
   * YYYY-MM-DD, or what gives it: read, with the content version, when the first file comes in, not when the bundle starts (a
   * watch's steps start before the build they serve: steps-start.ts).
   */
  buildDate: string | (() => string);
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

/** The most files and bytes a zip holds without ZIP64 records, which fflate does not write. */
export const ZIP_LIMITS = { entries: 0xffff, bytes: 0xffffffff };

const tooLarge = (what: string) =>
  new Error(
    `The offline bundle would hold ${what}: a zip without ZIP64 records holds at most ${ZIP_LIMITS.entries} files and 4 GiB, and the offline bundle writes none.`,
  );

const overBudget = (bytes: number) =>
  new Error(`The offline bundle is ${(bytes / 1024).toFixed(0)} KB, over its budget of ${(BUNDLE_BUDGET_BYTES / 1024).toFixed(0)} KB.`);

/** The zip being packed: each built file goes in as it is read (`add`), the search files when they are written (`finish`). */
export interface OfflineBundle {
  /**
   * Packs one built file, by its site path, in its offline form; for a page, returns that form (for the link check). `file` is
   * where the bytes are on disk: a file stored as it is (a PDF, an image) is then not held in memory but read again from there
   * when the zip is written.
   */
  add(path: string, data: Uint8Array, file?: string): Promise<string | undefined>;
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
  /** The bytes as they go into the zip; undefined once written, or for a stored file read again from `file`. */
  data: Uint8Array | undefined;
  /** Where a stored file's bytes are read again when the zip is written. */
  file?: string;
}

/** A stored file's bytes, read again from disk: the same size and checksum as when it was added, or the build fails. */
async function reread(path: string, { file, size, crc }: Packed): Promise<Uint8Array> {
  const data = await readFile(file!);
  if (data.length !== size || crc32(data) !== crc) throw new Error(`${path} changed on disk while the offline bundle was written.`);
  return data;
}

/**
 * Starts the offline bundle of a site. Files come in any order (the pages as Astro renders them, src/build/page-pass.ts)
 * and are compressed as they come; the zip lists them in the order of their paths, so two builds of the same site write the same
 * bytes.
 */
export function startOfflineBundle({ contentDir, name: bundle, publicUrl, buildDate: date, say = translator() }: BundleOptions): OfflineBundle {
  // The content as the build read it: hashed when the first file comes, by when Astro has synced it.
  let stamp: { buildDate: string; version: string; banner: string } | undefined;
  const stamped = () => {
    if (stamp) return stamp;
    const buildDate = typeof date === 'function' ? date() : date;
    const version = contentVersion(contentDir);
    const banner =
      `<p class="offline-banner" role="note" data-pagefind-ignore>${escapeHtml(say('offline.banner', { date: buildDate, version }))}` +
      (publicUrl ? ` ${escapeHtml(say('offline.updates'))} <a href="${escapeHtml(publicUrl)}">${escapeHtml(publicUrl)}</a>` : '') +
      `</p>`;
    return (stamp = { buildDate, version, banner });
  };
  const packed = new Map<string, Packed>();
  const pack = (path: string, data: Uint8Array, file?: string): void => {
    // Already compressed: stored as they are. The rest deflated by Node's zlib, about three times quicker than fflate's own, and
    // at once: zlib's asynchronous form, a stream and a trip to libuv's threads for each file, took three times the CPU (1.7
    // against 0.5 CPU-seconds for 1,180 pages of 32 KB) and longer on two cores.
    const deflated = !/\.(pdf|png|jpe?g|pagefind|pf_\w+)$/.test(path);
    const size = data.length;
    const crc = crc32(data);
    if (!deflated && file) {
      packed.set(path, { size, crc, deflated, data: undefined, file });
      return;
    }
    packed.set(path, { size, crc, deflated, data: deflated ? deflateRawSync(data, { level: 6 }) : data });
  };
  const add = async (path: string, data: Uint8Array, file?: string): Promise<string | undefined> => {
    if (path.endsWith('.html')) {
      const page = offlinePage(Buffer.from(data).toString('utf8'), path, stamped().banner);
      pack(path, Buffer.from(page));
      return page;
    }
    if (path.endsWith('.css')) pack(path, Buffer.from(relativizeCss(Buffer.from(data).toString('utf8'), path)));
    else pack(path, data, file);
    return undefined;
  };
  const finish = async (siteDir: string): Promise<BundleReport> => {
    const { buildDate, version } = stamped();
    // Pagefind's files travel in search/pagefind-pack.js instead of as files.
    const search = listFiles(siteDir).filter((p) => p.startsWith('search/'));
    for (const path of search) await add(path, readFileSync(join(siteDir, path)));
    pack(SEARCH_FILES.pagefindPack, Buffer.from(pagefindPack(siteDir)));
    const first = [...packed.keys()].filter((p) => !p.startsWith('search/')).sort();
    const order = [...first, ...search, SEARCH_FILES.pagefindPack];

    // fflate writes no ZIP64 records: past these limits the zip's counts and offsets would wrap round and it would not unzip.
    if (order.length > ZIP_LIMITS.entries) throw tooLarge(`${order.length} files`);
    // The zip is written as it is made, a file at a time, so that neither it nor the stored files (PDFs) are held whole in memory.
    const zipPath = join(siteDir, 'downloads', `${bundle}.zip`);
    await mkdir(join(siteDir, 'downloads'), { recursive: true });
    const out = await open(zipPath, 'w');
    let zipBytes = 0;
    let unzippedBytes = 0;
    try {
      let chunks: Uint8Array[] = [];
      let zipFailure: Error | null = null;
      const zip = new Zip((error, chunk) => {
        if (error) zipFailure = error;
        else chunks.push(chunk);
      });
      const flush = async () => {
        if (zipFailure) throw zipFailure;
        const written = chunks;
        chunks = [];
        zipBytes += written.reduce((sum, chunk) => sum + chunk.length, 0);
        if (zipBytes > ZIP_LIMITS.bytes) throw tooLarge('more than 4 GiB');
        // Past its budget the zip is only measured, to say how large it would be.
        if (zipBytes <= BUNDLE_BUDGET_BYTES && written.length > 0) await out.writev(written);
      };
      // Zip times are local times: midnight of the build date in this machine's zone writes the same bytes in every zone.
      const mtime = new Date(`${buildDate}T00:00:00`);
      for (const path of order) {
        const entry = packed.get(path)!;
        const { size, crc, deflated } = entry;
        const data = await (entry.data ?? reread(path, entry));
        entry.data = undefined;
        const name = `${bundle}/${path}`;
        if (deflated) {
          const input: ZipInputFile = { filename: name, size, crc, compression: 8, mtime };
          zip.add(input);
          input.ondata!(null, data as Uint8Array<ArrayBuffer>, true);
        } else {
          const input = new ZipPassThrough(name);
          input.mtime = mtime;
          zip.add(input);
          input.push(data, true);
        }
        unzippedBytes += size;
        await flush();
      }
      zip.end();
      await flush();
      await out.close();
      if (zipBytes > BUNDLE_BUDGET_BYTES) throw overBudget(zipBytes);
    } catch (error) {
      await out.close().catch(() => undefined);
      await rm(zipPath, { force: true });
      throw error;
    }
    return { zipPath, zipBytes, files: order.length, unzippedBytes, contentVersion: version };
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
