/**
 * The content model, declared once: each collection's folder, schema and the
 * site path of an entry, and each optional section's pages. content.config.ts,
 * the content checks, the scaffolder and the section integration import it.
 *
 * A section (FAQ, troubleshooting, data, protocols) whose folder is absent or
 * holds no entry has no page, no navigation link and no mention elsewhere:
 * its pages are added by `src/integrations/sections.ts` only when it has content.
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { slug as githubSlug } from 'github-slugger';
import type { ZodType } from 'astro/zod';
import { DatasetSchema } from './schemas/dataset.ts';
import { FaqSchema } from './schemas/faq.ts';
import { ProtocolSchema } from './schemas/protocol.ts';
import { SiteTextSchema } from './schemas/site-text.ts';
import { TroubleshootingSchema } from './schemas/troubleshooting.ts';
import { routes } from './lib/routes.ts';
import { VERSIONS_DIR } from './lib/protocol-versions.ts';

export interface MdxCollection {
  /** Folder under the content folder holding one `*.mdx` file per entry. */
  folder: string;
  schema: ZodType;
  /** Site path of the page an entry renders on. */
  route: (slug: string) => string;
  /** What `npm run new` calls this kind of entry, if it scaffolds one. */
  scaffold?: string;
}

/** The MDX collections, by collection name. */
export const MDX_COLLECTIONS = {
  faq: { folder: 'faq', schema: FaqSchema, route: routes.faq, scaffold: 'faq' },
  troubleshooting: { folder: 'troubleshooting', schema: TroubleshootingSchema, route: routes.guide, scaffold: 'troubleshooting' },
  // Every table is a section of the one data page; every site text is shown on the home page or its section's page.
  data: { folder: 'data', schema: DatasetSchema, route: (_slug: string) => routes.data() },
  protocols: { folder: 'protocols', schema: ProtocolSchema, route: routes.protocol, scaffold: 'protocol' },
  site: { folder: 'site', schema: SiteTextSchema, route: (_slug: string) => routes.home() },
} as const satisfies Record<string, MdxCollection>;

export type MdxCollectionName = keyof typeof MDX_COLLECTIONS;

/** What each collection's loader reads in its folder (content.config.ts): the `.mdx` files right in it, no subfolders. */
export const ENTRY_GLOB = '*.mdx';

/**
 * Whether a file name in a collection folder is an entry: what ENTRY_GLOB matches as Astro's glob loader runs it (tinyglobby:
 * case-sensitive, and `*` does not match a leading dot, so `.draft.mdx` is not an entry). test/unit/scripts/unread-files.test.ts
 * holds the two to the same answer.
 */
export const isEntryFile = (name: string): boolean => name.endsWith('.mdx') && !name.startsWith('.');

/** Files at the root of a content folder. */
export const CONTENT_FILES = {
  /** The center's identity and organisation (required). */
  site: 'site.yaml',
  /** The numbered reference list (required, may be an empty list). */
  references: 'references.yaml',
  /** Search synonyms (optional). */
  vocabulary: 'vocabulary.yaml',
} as const;

/** Rendered diagrams, written by the build beside the content (src/lib/paths.ts) and committed with it. */
export const DIAGRAM_CACHE_FOLDER = '.diagram-cache';

/** Site texts every center has, in `site/`. */
export const REQUIRED_SITE_TEXTS = ['overview', 'how-to-cite', 'disclaimer'] as const;

/** Optional site texts that introduce a section's index page (title, meta description and intro). */
export const SECTION_INTROS = ['faq', 'troubleshooting', 'data', 'protocols', 'references', 'dose-response'] as const;
export type SectionIntro = (typeof SECTION_INTROS)[number];

/** The page each section intro is shown on. */
export const INTRO_ROUTES: Record<SectionIntro, string> = {
  faq: routes.faqIndex(),
  troubleshooting: routes.guides(),
  data: routes.data(),
  protocols: routes.protocols(),
  references: routes.references(),
  'dose-response': routes.ic50Calculator(),
};

/** A page of an optional section: its route pattern and its file under src/sections/. */
interface SectionPage {
  pattern: string;
  entrypoint: string;
}

/** The optional sections: the collection that makes them present, and their pages. */
export const SECTIONS: Record<Exclude<MdxCollectionName, 'site'>, SectionPage[]> = {
  faq: [
    { pattern: '/faq', entrypoint: 'faq/index.astro' },
    { pattern: '/faq/[slug]', entrypoint: 'faq/[slug].astro' },
  ],
  troubleshooting: [
    { pattern: '/troubleshooting', entrypoint: 'troubleshooting/index.astro' },
    { pattern: '/troubleshooting/[slug]', entrypoint: 'troubleshooting/[slug].astro' },
  ],
  data: [
    { pattern: '/data', entrypoint: 'data/index.astro' },
    { pattern: '/data/[slug].csv', entrypoint: 'data/[slug].csv.ts' },
  ],
  protocols: [
    { pattern: '/protocols', entrypoint: 'protocols/index.astro' },
    { pattern: '/protocols/[slug]', entrypoint: 'protocols/[slug].astro' },
    { pattern: '/check', entrypoint: 'protocols/check.astro' },
  ],
};

/** The dose–response calculator's page, present unless the center switches it off. */
export const DOSE_RESPONSE_PAGE: SectionPage = { pattern: '/tools/ic50', entrypoint: 'tools/ic50.astro' };

/** Entry files of a collection folder, sorted; none when the folder is absent. */
export function entryFiles(contentDir: string, collection: MdxCollectionName): string[] {
  const dir = join(contentDir, MDX_COLLECTIONS[collection].folder);
  return existsSync(dir) ? readdirSync(dir).filter(isEntryFile).sort() : [];
}

/** The optional sections that have at least one entry in this content folder. */
export function presentSections(contentDir: string): Set<keyof typeof SECTIONS> {
  return new Set((Object.keys(SECTIONS) as (keyof typeof SECTIONS)[]).filter((s) => entryFiles(contentDir, s).length > 0));
}

/**
 * Files in a content folder that are there for people, never read by the build: a README in any folder (the new-center
 * scaffold writes one at the top), a licence at the top. Matched without case.
 */
const README = /^readme(\.(md|txt))?$/i;
const LICENCE = /^(licen[cs]e|copying)(\.(md|txt))?$/i;

/**
 * Images an entry may show by a relative path (`![what it shows](./fig.png)`, from any folder): Astro reads them then, so
 * they are allowed anywhere; one no entry shows drops no page. The formats Astro's image pipeline takes (VALID_INPUT_FORMATS).
 */
const IMAGE = /\.(jpe?g|a?png|tiff|webp|gif|svg|avif)$/i;

/**
 * Files left by the operating system or an editor, never content: skipped, so that they cannot fail a build. Dot-files and
 * dot-folders (`.DS_Store`, `.git/`, `.gitignore`, `.vscode/`, vim's `.x.mdx.swp`) are hidden by convention, Astro's glob
 * skips them and the offline copy's content version leaves them out; only the generator's own (DIAGRAM_CACHE_FOLDER,
 * `protocols/.versions/`) are read. Windows writes `Thumbs.db` and `desktop.ini` into folders it shows, and Emacs keeps
 * `x.mdx~` beside the file it edits. A dot-named `.mdx` file is the exception: it looks like an entry, and is reported.
 */
const isJunk = (name: string) => (name.startsWith('.') && !name.endsWith('.mdx')) || /^(thumbs\.db|desktop\.ini)$/i.test(name) || isEditorScratch(name);

/**
 * A file an editor writes for a moment, or keeps, beside the file it saves, never content: vim's swap file (`.x.mdx.swp`),
 * Emacs's lock (`.#x.mdx`), autosave (`#x.mdx#`) and backup (`x.mdx~`), JetBrains' safe write (`x.mdx___jb_tmp___`,
 * `x.mdx___jb_old___`), macOS's `.DS_Store`. The build skips them, and `npm run build -- --watch` does not build again for them.
 */
export const isEditorScratch = (name: string): boolean => /~$|^\.#|^#.*#$|\.sw[a-p]$|^\.DS_Store$|___jb_(tmp|old)___$/.test(name);

/** Why a file of a content folder is not read, for the checks' message. */
export type UnreadReason =
  /** At the top of the content folder, and not one of CONTENT_FILES. */
  | 'top'
  /** In a folder that is not a collection's. */
  | 'folder'
  /** In a collection folder, not an entry (another extension, or a dot-named `.mdx`). */
  | 'not-entry'
  /** In a subfolder of a collection folder. */
  | 'subfolder'
  /** An entry of `site/` that is neither a required site text nor a section intro: loaded, and shown nowhere. */
  | 'site-text'
  /** In `protocols/.versions/`, not at `<slug>/<version>.yaml`. */
  | 'archive';

export interface UnreadFile {
  /** Path in the content folder, `/`-separated. */
  path: string;
  reason: UnreadReason;
  /** The collection folder it is in or under, for 'not-entry', 'subfolder' and 'site-text'. */
  folder?: string;
}

/**
 * Every file of a content folder that the build does not read, by the content model: CONTENT_FILES at the top, the entries of
 * each collection folder (ENTRY_GLOB), the site texts the pages show, the archived protocol versions, the diagram cache, and
 * the files above that are there for people, the OS or an image. Sorted by path.
 */
export function unreadFiles(contentDir: string): UnreadFile[] {
  const found: UnreadFile[] = [];
  const seen = new Set<string>();
  const collections = new Map<string, MdxCollectionName>(
    (Object.keys(MDX_COLLECTIONS) as MdxCollectionName[]).map((name) => [MDX_COLLECTIONS[name].folder, name]),
  );
  const siteTexts = new Set<string>([...REQUIRED_SITE_TEXTS, ...SECTION_INTROS]);
  const topFiles = new Set<string>(Object.values(CONTENT_FILES));

  /** The names in a folder, each with whether it is a folder (links followed); a folder reached twice through links is read once. */
  const list = (dir: string): { name: string; isDir: boolean }[] => {
    const real = realpathSync(dir);
    if (seen.has(real)) return [];
    seen.add(real);
    return readdirSync(dir)
      .sort()
      .flatMap((name) => {
        try {
          return [{ name, isDir: statSync(join(dir, name)).isDirectory() }];
        } catch {
          // A link that leads nowhere: a file, for the content-outside and encoding checks to name if it matters.
          return [{ name, isDir: false }];
        }
      });
  };
  /** Every file under a folder that is not read, for `reason`; `read`: the extension of the files right in it that are. */
  const walk = (dir: string, rel: string, reason: UnreadReason, folder?: string, read?: string): void => {
    for (const { name, isDir } of list(dir)) {
      if (isJunk(name)) continue;
      const path = `${rel}/${name}`;
      if (isDir) walk(join(dir, name), path, reason, folder);
      else if (!(read && name.endsWith(read)) && !README.test(name) && !IMAGE.test(name)) found.push({ path, reason, ...(folder ? { folder } : {}) });
    }
  };

  if (!existsSync(contentDir)) return found;
  for (const top of list(contentDir)) {
    const { name } = top;
    const path = join(contentDir, name);
    if (name === DIAGRAM_CACHE_FOLDER || isJunk(name)) continue;
    if (!top.isDir) {
      if (!topFiles.has(name) && !README.test(name) && !LICENCE.test(name) && !IMAGE.test(name)) found.push({ path: name, reason: 'top' });
      continue;
    }
    const collection = collections.get(name);
    if (!collection) {
      walk(path, name, 'folder');
      continue;
    }
    for (const entry of list(path)) {
      const rel = `${name}/${entry.name}`;
      if (collection === 'protocols' && entry.name === VERSIONS_DIR && entry.isDir) {
        // The archived texts: <slug>/<version>.yaml, which the protocol pages and the checks read (src/lib/protocol-versions.ts).
        for (const slug of list(join(path, entry.name))) {
          if (isJunk(slug.name)) continue;
          if (slug.isDir) walk(join(path, entry.name, slug.name), `${rel}/${slug.name}`, 'archive', undefined, '.yaml');
          else if (!README.test(slug.name)) found.push({ path: `${rel}/${slug.name}`, reason: 'archive' });
        }
      } else if (isJunk(entry.name)) continue;
      else if (entry.isDir) walk(join(path, entry.name), rel, 'subfolder', name);
      else if (!isEntryFile(entry.name)) {
        if (!README.test(entry.name) && !IMAGE.test(entry.name)) found.push({ path: rel, reason: 'not-entry', folder: name });
      } else if (collection === 'site' && !siteTexts.has(githubSlug(entry.name.replace(/\.mdx$/, ''))))
        found.push({ path: rel, reason: 'site-text', folder: name });
    }
  }
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
