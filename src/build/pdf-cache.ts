/**
 * The print cache of the PDF export (pdf-export.ts): finished PDFs kept between builds. Apart from the exporter, so the output
 * steps can ask whether a protocol page needs printing as Astro renders it (steps.ts starts the printing browser then) without
 * loading the browser driver and the PDF library for a build that prints nothing; with it, how a protocol page's PDF metadata
 * is found (pdfMetaJson), which both read.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Translate } from '../i18n/ui.ts';
import type { AssemblyPlan } from './pdf-merge.ts';
import { IDS } from '../contract.ts';

/**
 * The JSON of a page's `script#pdf-meta`, found without parsing the page (a tenth of a second for a few protocols): the page
 * writes it as one `<script type="application/json" id="pdf-meta">`, with every `<` inside escaped, so its end is the first
 * `</script>` after it.
 */
export function pdfMetaJson(html: string): string | undefined {
  const open = `<script type="application/json" id="${IDS.pdfMeta}">`;
  const start = html.indexOf(open);
  if (start < 0) return undefined;
  const end = html.indexOf('</script>', start + open.length);
  return end < 0 ? undefined : html.slice(start + open.length, end);
}

/** Paper sizes a reader can ask for (`SITE_PDF_PAPER`). */
export type Paper = 'A4' | 'Letter';

/** What every print of a build depends on besides its page: the cache key covers it all. */
export interface PrintSettings {
  /** Where finished PDFs are kept between builds; without it every PDF is printed. */
  cacheDir?: string | undefined;
  /** The browser that prints. */
  executablePath: string;
  paper: Paper;
  siteName: string;
  publicUrl?: string | undefined;
  say: Translate;
  /** The fonts the browser prints with ({@link fontsIdentity} of the system's font folders by default). */
  fonts?: string;
}

/** The print cache for a build's settings. */
export function printCache({ cacheDir, executablePath, paper, siteName, publicUrl, say, fonts = fontsIdentity() }: PrintSettings): PrintCache {
  return new PrintCache(cacheDir, [
    browserIdentity(executablePath),
    fonts,
    paper,
    siteName,
    publicUrl ?? '',
    ...(['pdf.footer', 'pdf.page', 'printout.qrLabel', 'pdf.combinedHeader', 'pdf.combinedFooter', 'pdf.contentsPage'] as const).map((k) => say(k)),
  ]);
}

/**
 * Finished PDFs kept between builds, by what they were printed from: the page's HTML (its styles and scripts are named by their
 * content), the paper, the center's name and address, the words of the header and footer, this exporter's own code, the
 * browser's build and the system's fonts. A build that changed none of that for a protocol copies its PDF and starts no browser for it.
 */
/** How long a print no build has used is kept. */
export const KEEP_UNUSED_MS = 30 * 24 * 3600_000;

/** How a combined document was assembled ({@link AssemblyPlan}), kept with it, and the print key of each of its parts. */
export interface KeptAssembly {
  plan: AssemblyPlan;
  keys: string[];
}

/** How a kept combined document is named after its key (`<key>.combined.pdf`, with its note `<key>.combined.json`). */
const COMBINED = '.combined';
/** How many combined documents are kept, the most recently used. */
const COMBINED_KEPT = 3;

export class PrintCache {
  private readonly base: string;
  private readonly dir: string | undefined;
  constructor(dir: string | undefined, parts: unknown[]) {
    this.dir = dir;
    const hash = createHash('sha256').update(JSON.stringify(parts));
    // The code that shapes a PDF: this exporter, the QR code and its payload, the outline and merge, the browser's flags; and the
    // versions of the PDF library and the browser driver.
    for (const module of ['./pdf-export.ts', './pdf-cache.ts', './pdf-merge.ts', './pdf-file-writer.ts', './pdf-structure-ids.ts', '../lib/printout.ts', '../lib/find-browser.ts'])
      hash.update(readFileSync(fileURLToPath(new URL(module, import.meta.url))));
    for (const pkg of ['pdf-lib', 'playwright-core', 'qrcode']) hash.update(`${pkg}@${packageVersion(pkg)}`);
    // The combined document's streams are compressed by Node's zlib.
    hash.update(`zlib@${process.versions.zlib}`);
    this.base = hash.digest('hex');
  }
  key(source: string): string {
    return createHash('sha256').update(this.base).update(source).digest('hex').slice(0, 32);
  }
  get(key: string): { bytes: Uint8Array; pages: number } | undefined {
    if (!this.dir) return undefined;
    try {
      const { pages } = JSON.parse(readFileSync(join(this.dir, `${key}.json`), 'utf8')) as { pages: number };
      const kept = { bytes: readFileSync(join(this.dir, `${key}.pdf`)), pages };
      // Used now: kept for another KEEP_UNUSED_MS.
      const now = new Date();
      for (const name of [`${key}.pdf`, `${key}.json`]) utimesSync(join(this.dir, name), now, now);
      return kept;
    } catch {
      return undefined;
    }
  }
  /** Whether nothing at all is kept (a first build, or a cache emptied): then every protocol will be printed. */
  empty(): boolean {
    try {
      return this.dir === undefined || !readdirSync(this.dir).some((name) => name.endsWith('.pdf'));
    } catch {
      return true;
    }
  }
  /** Whether a print is kept under `key`, without reading it. */
  holds(key: string): boolean {
    return this.dir !== undefined && existsSync(join(this.dir, `${key}.json`)) && existsSync(join(this.dir, `${key}.pdf`));
  }
  /** The page count of the print kept under `key`, without reading the print; undefined when none is kept. */
  pages(key: string): number | undefined {
    if (!this.holds(key)) return undefined;
    try {
      return (JSON.parse(readFileSync(join(this.dir!, `${key}.json`), 'utf8')) as { pages: number }).pages;
    } catch {
      return undefined;
    }
  }

  /** The print kept under `key` as a file, marked as used now: its path and page count (for copying it without reading it). */
  file(key: string): { path: string; pages: number } | undefined {
    const pages = this.pages(key);
    if (pages === undefined) return undefined;
    const path = join(this.dir!, `${key}.pdf`);
    try {
      const now = new Date();
      for (const name of [`${key}.pdf`, `${key}.json`]) utimesSync(join(this.dir!, name), now, now);
    } catch {
      return undefined;
    }
    return { path, pages };
  }

  /**
   * A combined document kept from an earlier export, assembled from exactly what `key` names (every protocol's print, the contents'
   * print, the words and metadata): its file and page count. Each is kept under its key, so one never passes for another; the
   * {@link COMBINED_KEPT} most recently used are kept (at 1,000 protocols one is 100 MB, and assembling it again takes about 35 s).
   */
  combined(key: string): { path: string; pages: number } | undefined {
    if (!this.dir) return undefined;
    try {
      const { pages } = JSON.parse(readFileSync(join(this.dir, `${key}${COMBINED}.json`), 'utf8')) as { pages: number };
      const path = join(this.dir, `${key}${COMBINED}.pdf`);
      const now = new Date();
      for (const name of [path, join(this.dir, `${key}${COMBINED}.json`)]) utimesSync(name, now, now);
      return { path, pages };
    } catch {
      return undefined;
    }
  }
  private pendingCombined: { key: string; path: string; pages: number; assembly?: KeptAssembly | undefined } | undefined;
  /**
   * Noted now, kept by {@link commit}: the combined document at `path`, assembled from what `key` names; with `assembly`, how it
   * was assembled (its plan, and the print of each part), for a later assembly to write its unchanged parts again from it.
   */
  putCombined(key: string, path: string, pages: number, assembly?: KeptAssembly): void {
    this.pendingCombined = { key, path, pages, assembly };
  }

  /**
   * The kept combined document, with its plan of version `version`, that was assembled from the most of these prints (`keys`,
   * each at its place): the one a new assembly can write the most parts of again.
   */
  earlierAssembly(version: string, keys: readonly string[]): { path: string; plan: AssemblyPlan } | undefined {
    if (!this.dir) return undefined;
    const dir = this.dir;
    // The notes name each document's prints and plan version: only the plan chosen is read (tens of megabytes at 10,000 parts).
    const candidates: { key: string; matches: number }[] = [];
    try {
      for (const name of readdirSync(dir)) {
        const key = /^([0-9a-f]{32})\.combined\.json$/.exec(name)?.[1];
        if (!key) continue;
        try {
          const note = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { planVersion?: string; keys?: string[] };
          if (note.planVersion !== version || !note.keys) continue;
          const matches = keys.filter((k, i) => note.keys![i] === k).length;
          if (matches > 0) candidates.push({ key, matches });
        } catch {
          // A note that cannot be read is not used.
        }
      }
    } catch {
      return undefined;
    }
    // The one sharing the most prints whose plan can be read and whose file is the size the plan says.
    for (const { key } of candidates.sort((a, b) => b.matches - a.matches)) {
      try {
        const path = join(dir, `${key}${COMBINED}.pdf`);
        const { plan } = JSON.parse(readFileSync(join(dir, `${key}${COMBINED}.plan.json`), 'utf8')) as KeptAssembly;
        if (plan.version === version && Array.isArray(plan.parts) && statSync(path).size === plan.size) return { path, plan };
      } catch {
        // The next one.
      }
    }
    return undefined;
  }
  private readonly pending: { key: string; print: Uint8Array | string; pages: number }[] = [];
  /**
   * Noted now, kept by {@link commit} once the export has passed every check (a page that reached outside is never kept). `print`
   * is the PDF's bytes, or the file they were written to (a protocol's PDF in the site), copied at the commit: a thousand prints are
   * not held in memory until then.
   */
  put(key: string, print: Uint8Array | string, pages: number): void {
    this.pending.push({ key, print, pages });
  }
  /**
   * Keeps what was printed, each file whole or not at all: written aside and renamed into place, the PDF before the note that
   * vouches for it. A cache that cannot be written (a read-only folder, a full disk) costs the next build time, never this one.
   */
  commit(): void {
    if (!this.dir) return;
    try {
      const dir = this.dir;
      mkdirSync(dir, { recursive: true });
      /** Writes `name` aside and renames it into place; `source` is its bytes, or a file to copy. */
      const keep = (name: string, source: Uint8Array | string) => {
        const temporary = join(dir, `.${name}.${process.pid}`);
        if (typeof source === 'string') copyFileSync(source, temporary);
        else writeFileSync(temporary, source);
        renameSync(temporary, join(dir, name));
      };
      const note = (pages: number) => new TextEncoder().encode(JSON.stringify({ pages }));
      // Each file, then the note that vouches for it, under its key.
      for (const { key, print, pages } of this.pending) {
        keep(`${key}.pdf`, print);
        keep(`${key}.json`, note(pages));
      }
      if (this.pendingCombined) {
        const { key, path, pages, assembly } = this.pendingCombined;
        keep(`${key}${COMBINED}.pdf`, path);
        if (assembly) keep(`${key}${COMBINED}.plan.json`, new TextEncoder().encode(JSON.stringify({ plan: assembly.plan })));
        keep(
          `${key}${COMBINED}.json`,
          assembly ? new TextEncoder().encode(JSON.stringify({ pages, planVersion: assembly.plan.version, keys: assembly.keys })) : note(pages),
        );
      }
    } catch {
      // Not kept: the next build prints again.
    }
    this.prune();
  }

  /**
   * Removes the prints no build has used for {@link KEEP_UNUSED_MS} (those of pages long changed, or of a center no longer built
   * here), and temporary files a killed build left: the cache does not grow without end. A print another build is about to copy
   * and finds gone is printed again.
   */
  private prune(): void {
    const dir = this.dir!;
    const now = Date.now();
    try {
      const combined: { key: string; used: number }[] = [];
      for (const name of readdirSync(dir)) {
        const whole = /^([0-9a-f]{32})\.combined\.pdf$/.exec(name);
        if (whole) combined.push({ key: whole[1]!, used: statSync(join(dir, name)).mtimeMs });
        if (!/^[0-9a-f]{32}\.(pdf|json)$|^\..+\.\d+$/.test(name)) continue;
        const path = join(dir, name);
        if (now - statSync(path).mtimeMs > (name.startsWith('.') ? 24 * 3600_000 : KEEP_UNUSED_MS)) rmSync(path, { force: true });
      }
      // The combined documents most recently used, a few (two centers built in turn from one checkout keep theirs).
      for (const { key } of combined.sort((a, b) => b.used - a.used).slice(COMBINED_KEPT))
        for (const ext of ['json', 'plan.json', 'pdf']) rmSync(join(dir, `${key}${COMBINED}.${ext}`), { force: true });
      // A note or plan whose document is gone (removed by hand, say) goes too.
      for (const name of readdirSync(dir)) {
        const key = /^([0-9a-f]{32})\.combined\.(?:plan\.)?json$/.exec(name)?.[1];
        if (key && !existsSync(join(dir, `${key}${COMBINED}.pdf`))) rmSync(join(dir, name), { force: true });
      }
    } catch {
      // A folder that cannot be read or changed keeps what it has.
    }
  }
}

/** The installed version of a package, from its package.json. */
function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
const require = createRequire(import.meta.url);

/** Where fonts are installed for the printing browser: fontconfig's usual folders, macOS's and Windows'. */
const FONT_FOLDERS = [
  '/usr/share/fonts',
  '/usr/local/share/fonts',
  join(homedir(), '.fonts'),
  join(homedir(), '.local/share/fonts'),
  '/Library/Fonts',
  '/System/Library/Fonts',
  join(homedir(), 'Library/Fonts'),
  join(process.env.WINDIR ?? 'C:\\Windows', 'Fonts'),
];

/**
 * The fonts a page is printed with, without listing them: every folder under the font folders, with its time. A font installed,
 * removed or updated changes its folder's time (packages write a file and move it in place), so the printed PDFs, which embed
 * the fonts, are printed again; the pages themselves name no web font.
 */
export function fontsIdentity(roots: readonly string[] = FONT_FOLDERS): string {
  const hash = createHash('sha256');
  const visit = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
      hash.update(`${dir}:${statSync(dir).mtimeMs}\n`);
    } catch {
      return;
    }
    for (const entry of entries) if (entry.isDirectory()) visit(join(dir, entry.name));
  };
  for (const root of roots) visit(root);
  return hash.digest('hex');
}

/** The identity of a browser build, without starting it: its executable's path, size and time. */
function browserIdentity(executablePath: string): string {
  const real = realpathSync(executablePath);
  const { size, mtimeMs } = statSync(real);
  return `${real}:${size}:${Math.round(mtimeMs)}`;
}
