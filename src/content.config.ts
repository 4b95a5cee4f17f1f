import { defineCollection } from 'astro:content';
import { file, glob } from 'astro/loaders';
import { DatasetSchema } from './schemas/dataset.ts';
import { FaqSchema } from './schemas/faq.ts';
import { ProtocolSchema } from './schemas/protocol.ts';
import { ReferenceSchema } from './schemas/reference.ts';
import { SiteTextSchema } from './schemas/site-text.ts';
import { TroubleshootingSchema } from './schemas/troubleshooting.ts';
import { contentDir } from './lib/paths.ts';

const mdx = (folder: string) => glob({ pattern: '*.mdx', base: `${contentDir}/${folder}` });

export const collections = {
  faq: defineCollection({ loader: mdx('faq'), schema: FaqSchema }),
  troubleshooting: defineCollection({ loader: mdx('troubleshooting'), schema: TroubleshootingSchema }),
  data: defineCollection({ loader: mdx('data'), schema: DatasetSchema }),
  protocols: defineCollection({ loader: mdx('protocols'), schema: ProtocolSchema }),
  site: defineCollection({ loader: mdx('site'), schema: SiteTextSchema }),
  references: defineCollection({
    loader: file(`${contentDir}/references.yaml`),
    schema: ReferenceSchema,
  }),
};
