import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Loader } from 'astro/loaders';
import type { MdxCollectionName } from './content-model.ts';

/*
 * Everything this file uses comes from Node itself (require of ES modules), not through Vite's module runner, which Astro runs
 * this file in: an import of `astro:content` or `astro/loaders` there makes the runner transform, map and run about 120 of
 * Astro's runtime modules, and an import of `./markdown/mdx-html.ts` the whole Markdown pipeline, when the config's
 * integrations have loaded most of it already: about half a second of every build (the content sync went from 1.0–1.4 s to
 * 0.44–0.50 s for the default center; test/unit/content-config.test.ts keeps it so). The pages are the same byte for byte. In
 * `npm run dev`, an edit to these modules (not to the content) needs a restart, as an edit to the integrations does.
 */
const load = createRequire(import.meta.url);
const { defineCollection } = load('astro/content/config') as typeof import('astro/content/config');
const { file } = load('astro/loaders') as typeof import('astro/loaders');
const { CONTENT_FILES, ENTRY_GLOB, MDX_COLLECTIONS } = load('./content-model.ts') as typeof import('./content-model.ts');
const { ReferenceSchema } = load('./schemas/reference.ts') as typeof import('./schemas/reference.ts');
const { contentDir } = load('./lib/paths.ts') as typeof import('./lib/paths.ts');
const { loadReferenceIndex } = load('./lib/reference-index.ts') as typeof import('./lib/reference-index.ts');
const { mdxHtml } = load('./markdown/mdx-html.ts') as typeof import('./markdown/mdx-html.ts');

/**
 * Nothing to load: a section the center leaves out, or an empty reference list, without the loaders' warnings about it. What a
 * store kept from another center's build holds for it goes.
 */
const nothing: Loader = { name: 'nothing', load: async ({ store }) => store.clear() };

/** Besides its own file, a body's HTML depends on the references (citation numbers) and the center's interface words. */
const dependsOn = [`${contentDir}/${CONTENT_FILES.references}`, `${contentDir}/${CONTENT_FILES.site}`];

/**
 * The MDX files of one collection of the content model, their bodies rendered to HTML as they load (mdx-html.ts); the checks
 * report every other file (unreadFiles in content-model.ts).
 */
function mdx(name: MdxCollectionName): Loader {
  const base = `${contentDir}/${MDX_COLLECTIONS[name].folder}`;
  return existsSync(base) ? mdxHtml({ pattern: ENTRY_GLOB, base, dependsOn }) : nothing;
}

const referencesFile = `${contentDir}/${CONTENT_FILES.references}`;

export const collections = {
  faq: defineCollection({ loader: mdx('faq'), schema: MDX_COLLECTIONS.faq.schema }),
  troubleshooting: defineCollection({ loader: mdx('troubleshooting'), schema: MDX_COLLECTIONS.troubleshooting.schema }),
  data: defineCollection({ loader: mdx('data'), schema: MDX_COLLECTIONS.data.schema }),
  protocols: defineCollection({ loader: mdx('protocols'), schema: MDX_COLLECTIONS.protocols.schema }),
  site: defineCollection({ loader: mdx('site'), schema: MDX_COLLECTIONS.site.schema }),
  references: defineCollection({ loader: loadReferenceIndex(referencesFile).size > 0 ? file(referencesFile) : nothing, schema: ReferenceSchema }),
};
