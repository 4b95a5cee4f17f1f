/**
 * The content model, declared once: each collection's folder, schema and the
 * site path of an entry, and each optional section's pages. content.config.ts,
 * the content checks, the scaffolder and the section integration import it.
 *
 * A section (FAQ, troubleshooting, data, protocols) whose folder is absent or
 * holds no entry has no page, no navigation link and no mention elsewhere:
 * its pages are added by `src/integrations/sections.ts` only when it has content.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ZodType } from 'astro/zod';
import { DatasetSchema } from './schemas/dataset.ts';
import { FaqSchema } from './schemas/faq.ts';
import { ProtocolSchema } from './schemas/protocol.ts';
import { SiteTextSchema } from './schemas/site-text.ts';
import { TroubleshootingSchema } from './schemas/troubleshooting.ts';
import { routes } from './lib/routes.ts';

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

/** Files at the root of a content folder. */
export const CONTENT_FILES = {
  /** The center's identity and organisation (required). */
  site: 'site.yaml',
  /** The numbered reference list (required, may be an empty list). */
  references: 'references.yaml',
  /** Search synonyms (optional). */
  vocabulary: 'vocabulary.yaml',
} as const;

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
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.mdx'))
        .sort()
    : [];
}

/** The optional sections that have at least one entry in this content folder. */
export function presentSections(contentDir: string): Set<keyof typeof SECTIONS> {
  return new Set((Object.keys(SECTIONS) as (keyof typeof SECTIONS)[]).filter((s) => entryFiles(contentDir, s).length > 0));
}
