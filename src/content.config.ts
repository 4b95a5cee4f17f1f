import { existsSync } from 'node:fs';
import { defineCollection } from 'astro:content';
import { file, type Loader } from 'astro/loaders';
import { CONTENT_FILES, ENTRY_GLOB, MDX_COLLECTIONS, type MdxCollectionName } from './content-model.ts';
import { ReferenceSchema } from './schemas/reference.ts';
import { contentDir } from './lib/paths.ts';
import { loadReferenceIndex } from './lib/reference-index.ts';
import { mdxHtml } from './markdown/mdx-html.ts';

/** Nothing to load: a section the center leaves out, or an empty reference list, without the loaders' warnings about it. */
const nothing: Loader = { name: 'nothing', load: async () => {} };

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
