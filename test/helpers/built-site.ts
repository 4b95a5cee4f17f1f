/** Reading the built site from disk, for tests that check its files. */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { unzipSync } from 'fflate';
import { load, type CheerioAPI } from 'cheerio';
import { parse as parseYaml } from 'yaml';

/** Every file under `dir`, as site paths with forward slashes ("faq/index.html"). */
export function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)).split(sep).join('/'));
}

/** The URL path a built HTML file is served at ("faq/index.html" → "/faq/"). */
export function urlOf(file: string): string {
  return '/' + file.replace(/index\.html$/, '');
}

/** A built page, parsed. */
export function loadPage(distDir: string, urlPath: string): CheerioAPI {
  const file = urlPath.endsWith('/') ? `${urlPath}index.html` : urlPath;
  return load(readFileSync(join(distDir, file), 'utf8'));
}

/**
 * Text of a page as the facts list expects it: lower-case, one space for any
 * run of white space, dashes as "-", × as "x", subscript digits as digits.
 */
export function normalisedText($: CheerioAPI, selector = 'main'): string {
  return normalise($(selector).text());
}

/** The normalisation of {@link normalisedText}, for any string. */
export function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/\u00d7/g, 'x')
    .replace(/[\u2080-\u2089]/g, (d) => String(d.charCodeAt(0) - 0x2080))
    .replace(/\s+/g, ' ');
}

/** Frontmatter of a content file, read with a YAML parser independent of Astro. */
export function frontmatter(path: string): Record<string, unknown> {
  const source = readFileSync(path, 'utf8');
  const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(source);
  if (!match) throw new Error(`${path} has no frontmatter`);
  return parseYaml(match[1]!) as Record<string, unknown>;
}

/** Unpacks a built center's offline zip (dist/downloads/*.zip) into `into`, as a reader unzips it; returns the copy's folder. */
export function unpackOfflineCopy(distDir: string, into: string): string {
  const zip = readdirSync(join(distDir, 'downloads')).find((f) => f.endsWith('.zip'))!;
  for (const [name, data] of Object.entries(unzipSync(readFileSync(join(distDir, 'downloads', zip))))) {
    if (name.endsWith('/')) continue;
    mkdirSync(dirname(join(into, name)), { recursive: true });
    writeFileSync(join(into, name), data);
  }
  return join(into, readdirSync(into)[0]!);
}
