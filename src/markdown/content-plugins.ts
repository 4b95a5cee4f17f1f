/**
 * The remark and rehype plugins every content body goes through, given to Astro's Markdown processor in astro.config.mjs; the
 * content loader that renders the MDX bodies to HTML (mdx-html.ts) reads them back from there.
 */
import type { RehypePlugins, RemarkPlugins } from '@astrojs/markdown-remark';
import remarkGfm from 'remark-gfm';
import { remarkCitations } from './remark-citations.ts';
import { remarkContentSafety } from './remark-content-safety.ts';
import { rehypeMermaidDiagrams } from './rehype-mermaid-diagrams.ts';
import { loadReferenceIndex } from '../lib/reference-index.ts';
import { CONTENT_FILES } from '../content-model.ts';
import { translator } from '../i18n/ui.ts';
import type { SiteConfig } from '../schemas/site-config.ts';

export interface ContentPluginOptions {
  /** The center's folder (its references file gives the citations their numbers). */
  contentDir: string;
  /** The diagram render cache. */
  diagramCacheDir: string;
  /** The center's settings (its interface words label the diagrams and citations). */
  center: Pick<SiteConfig, 'ui'>;
}

export function contentPlugins({ contentDir, diagramCacheDir, center }: ContentPluginOptions): { remarkPlugins: RemarkPlugins; rehypePlugins: RehypePlugins } {
  const say = translator(center.ui);
  return {
    remarkPlugins: [remarkContentSafety, remarkGfm, [remarkCitations, { references: loadReferenceIndex(`${contentDir}/${CONTENT_FILES.references}`), say }]],
    rehypePlugins: [[rehypeMermaidDiagrams, { cacheDir: diagramCacheDir, say }]],
  };
}
