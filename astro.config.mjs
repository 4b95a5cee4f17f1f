// @ts-check
import mdx from '@astrojs/mdx';
import { unified } from '@astrojs/markdown-remark';
import { contentPlugins } from './src/markdown/content-plugins.ts';
import { diagrams } from './src/integrations/diagrams.ts';
import { sections } from './src/integrations/sections.ts';
import { clientScripts } from './src/integrations/client-scripts.ts';
import { devSearch } from './src/integrations/dev-search.ts';
import { outputs } from './src/integrations/outputs.ts';
import { astroCacheDir, contentDir, diagramCacheDir, siteOutDir } from './src/lib/paths.ts';
import { loadSiteConfig, publicUrl } from './src/lib/site-config.ts';

/** Rendered diagrams, committed beside the content, so that builds need a browser only when a diagram changes. */
const diagramCache = diagramCacheDir;
const center = loadSiteConfig(contentDir);
const site = publicUrl(center);

/** @type {import('astro').AstroUserConfig} */
const config = {
  // Without a public address the pages carry no canonical link, and nothing points at a placeholder.
  ...(site ? { site } : {}),
  // scripts/build.ts points these at a staging folder and swaps it in on success.
  outDir: siteOutDir,
  cacheDir: astroCacheDir,
  trailingSlash: 'always',
  // Two content files with one id ("my new faq.mdx" beside "my-new-faq.mdx") fail the build instead of one page going missing with a warning.
  prerenderConflictBehavior: 'error',
  // Two pages at a time: the machines we target have two cores.
  build: { format: 'directory', concurrency: 2 },
  // The content collections' MDX bodies are rendered to HTML by their loader (src/markdown/mdx-html.ts), with the plugins of
  // `markdown.processor` below; @astrojs/mdx gives the loader the .mdx file type, and would compile an .mdx page under src/pages.
  integrations: [
    mdx(),
    diagrams({ cacheDir: diagramCache, contentDir }),
    sections({ contentDir }),
    clientScripts({ contentDir }),
    devSearch({ contentDir }),
    // Last: it runs on the finished site, client scripts included.
    outputs({ contentDir, root: process.cwd() }),
  ],
  markdown: {
    // Sätteri, Astro's default processor, ignores remark plugins with only a warning.
    processor: unified({
      // remark-gfm is listed explicitly below; the built-in switch would add it twice.
      gfm: false,
      ...contentPlugins({ contentDir, diagramCacheDir: diagramCache, center }),
    }),
    // Shiki would turn ```mermaid into highlighted code before the diagram plugin sees it.
    syntaxHighlight: { type: 'shiki', excludeLangs: ['mermaid', 'math'] },
  },
  devToolbar: { enabled: false },
};

export default config;
