import { defineCollection } from 'astro:content';
import { file, glob } from 'astro/loaders';
import { DatasetSchema } from './schemas/dataset';
import { FaqSchema } from './schemas/faq';
import { ProtocolSchema } from './schemas/protocol';
import { ReferenceSchema } from './schemas/reference';
import { SiteTextSchema } from './schemas/site-text';
import { TroubleshootingSchema } from './schemas/troubleshooting';
import { contentDir } from './lib/paths';

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
