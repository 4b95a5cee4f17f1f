/**
 * Pages kept between the builds of one watch session (`npm run build -- --watch`, scripts/lib/astro-watch-runner.ts): a page of
 * an entry whose key has not changed since the build that rendered it is not rendered again; the page that build wrote is
 * written instead, and handed to the output steps as a rendered page would be (page-handoff.ts).
 *
 * A page's key ({@link entryPageKey}) covers what such a page shows: its own entry, body and stored rendering included, and every
 * entry's typed fields, the references, the center's texts and its settings. Within one runner that is all that can change:
 * the runner is kept only while nothing but the entries changed (scripts/build.ts), and any other change of the center or of
 * the generator starts a new one, with nothing kept. Pages without a key (the section indexes, the home page, anything that
 * lists or counts across entries) are rendered on every build. Kept pages live in the runner's memory only: a one-off build
 * renders every page.
 */
import { createHash } from 'node:crypto';

/** Where the watch's runner puts the store, for the build's prerenderer (page-handoff.ts) and for the pages' keys. */
export const PAGE_REUSE = Symbol.for('support-center.page-reuse');

/**
 * Kept pages' text beyond which no more are kept (UTF-16 code units: up to twice as many bytes). A page is about 30,000, so
 * 1,000 protocols fit and 10,000 are kept in part.
 */
const KEPT_LIMIT = 64 * 1024 * 1024;

/** The store of a runner, when this process is one; otherwise undefined and every page renders. */
export function pageReuse(): PageReuse | undefined {
  return (globalThis as Record<symbol, PageReuse | undefined>)[PAGE_REUSE];
}

/** One key for a path however it is written ("/faq/x", "/faq/x/"): "faq/x"; the home page "". */
const pathKey = (pathname: string) => decodeURI(pathname).replace(/^\/+/, '').replace(/\/+$/, '');

export class PageReuse {
  private readonly kept = new Map<string, { key: string; html: string }>();
  private keptSize = 0;
  /** This build's keys, by path. */
  private keys = new Map<string, string>();
  /** Pages written from the store in this build. */
  reused = 0;

  /** The build's paths and their keys, before its first page: kept pages of paths gone or without a key are dropped. */
  begin(paths: readonly { pathname: string; cacheKey?: string | undefined }[]): void {
    this.keys = new Map(paths.filter((p) => p.cacheKey !== undefined).map((p) => [pathKey(p.pathname), p.cacheKey!]));
    this.reused = 0;
    for (const [path, page] of this.kept)
      if (!this.keys.has(path)) {
        this.kept.delete(path);
        this.keptSize -= page.html.length;
      }
  }

  /** The page kept for a path when its key is the one it was rendered with, else undefined (the page is rendered). */
  take(pathname: string): string | undefined {
    const path = pathKey(pathname);
    const page = this.kept.get(path);
    if (!page || page.key !== this.keys.get(path)) return undefined;
    this.reused++;
    return page.html;
  }

  /** A page as this build writes it: kept for the next build, when it has a key. */
  keep(pathname: string, html: string): void {
    const path = pathKey(pathname);
    const key = this.keys.get(path);
    if (key === undefined) return;
    const before = this.kept.get(path)?.html.length ?? 0;
    if (this.keptSize - before + html.length > KEPT_LIMIT) return;
    this.kept.set(path, { key, html });
    this.keptSize += html.length - before;
  }
}

/** What {@link entryPageKey} reads of the site: the entries of every section, the references, the center's texts, its settings. */
export interface KeyedSite {
  entries: readonly KeyedEntry[][];
  references: readonly unknown[];
  texts: readonly KeyedEntry[];
  settings: unknown;
}

interface KeyedEntry {
  id: string;
  data: unknown;
  body?: string | undefined;
  rendered?: { html: string; metadata?: unknown } | undefined;
}

const siteDigests = new WeakMap<object, string | undefined>();

/** Whether a rendered body shows images: Astro makes their files only for the pages it renders in the build. */
const showsImages = (entry: KeyedEntry) => ((entry.rendered?.metadata as { imagePaths?: unknown[] } | undefined)?.imagePaths?.length ?? 0) > 0;

/**
 * The key of a page showing one entry (its body rendered, its fields, its neighbours' and the site's): undefined outside a
 * watch's runner, where no page is kept. `kind` tells apart the pages of entries of the same id in different sections.
 *
 * Undefined too when the entry's body, or a text of the site's (a protocol page shows the disclaimer), has an image: Astro
 * writes an optimised image only when a page rendered in that build asks for it, so a kept page would link a file the build
 * does not write.
 */
export function entryPageKey(site: KeyedSite, kind: string, entry: KeyedEntry): string | undefined {
  if (!pageReuse() || showsImages(entry)) return undefined;
  let digest = siteDigests.get(site);
  if (!siteDigests.has(site)) {
    if (site.texts.some(showsImages)) {
      siteDigests.set(site, undefined);
      return undefined;
    }
    const hash = createHash('sha256');
    const add = (value: unknown) => hash.update(`${JSON.stringify(value) ?? 'undefined'}\0`);
    add(site.settings);
    add(site.references);
    for (const text of site.texts) add([text.id, text.data, text.body, text.rendered?.html, text.rendered?.metadata]);
    for (const section of site.entries) {
      add(section.length);
      for (const e of section) add([e.id, e.data]);
    }
    digest = hash.digest('base64');
    siteDigests.set(site, digest);
  }
  if (digest === undefined) return undefined;
  return createHash('sha256')
    .update(`${JSON.stringify([digest, kind, entry.id, entry.body, entry.rendered?.html, entry.rendered?.metadata])}`)
    .digest('base64');
}
