// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import { unified } from '@astrojs/markdown-remark';
import remarkGfm from 'remark-gfm';
import { remarkCitations } from './src/markdown/remark-citations.ts';
import { remarkContentSafety } from './src/markdown/remark-content-safety.ts';
import { rehypeMermaidDiagrams } from './src/markdown/rehype-mermaid-diagrams.ts';
import { diagrams } from './src/integrations/diagrams.ts';
import { vitePluginBlankFrontmatter } from './src/markdown/blank-frontmatter.ts';
import { loadReferenceIndex } from './src/lib/reference-index.ts';
import { sections } from './src/integrations/sections.ts';
import { clientScripts } from './src/integrations/client-scripts.ts';
import { devSearch } from './src/integrations/dev-search.ts';
import { outputs } from './src/integrations/outputs.ts';
import { contentDir, diagramCacheDir } from './src/lib/paths.ts';
import { loadSiteConfig, publicUrl } from './src/lib/site-config.ts';
import { translator } from './src/i18n/ui.ts';

/** Rendered diagrams, committed beside the content, so that builds need a browser only when a diagram changes. */
const diagramCache = diagramCacheDir;
const center = loadSiteConfig(contentDir);
const site = publicUrl(center);

export default defineConfig({
  // Without a public address the pages carry no canonical link, and nothing points at a placeholder.
  ...(site ? { site } : {}),
  // scripts/build.ts points these at a staging folder and swaps it in on success.
  outDir: process.env.SITE_OUT_DIR ?? './dist',
  cacheDir: process.env.SITE_CACHE_DIR ?? './node_modules/.cache/astro',
  trailingSlash: 'always',
  // Two content files with one id ("my new faq.mdx" beside "my-new-faq.mdx") fail the build instead of one page going missing with a warning.
  prerenderConflictBehavior: 'error',
  // Two pages at a time: the machines we target have two cores.
  build: { format: 'directory', concurrency: 2 },
  // optimize: static MDX becomes HTML strings instead of JSX calls (about 0.8 s less at 1000 protocols). A diagram's <style> is left
  // to JSX: optimized, it came out as a literal `<style set:html="…">` and the diagram lost its theme colours.
  integrations: [
    mdx({ optimize: { ignoreElementNames: ['style'] } }),
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
      remarkPlugins: [remarkContentSafety, remarkGfm, [remarkCitations, { references: loadReferenceIndex(`${contentDir}/references.yaml`), say: translator(center.ui) }]],
      rehypePlugins: [[rehypeMermaidDiagrams, { cacheDir: diagramCache, say: translator(center.ui) }]],
    }),
    // Shiki would turn ```mermaid into highlighted code before the diagram plugin sees it.
    syntaxHighlight: { type: 'shiki', excludeLangs: ['mermaid', 'math'] },
  },
  devToolbar: { enabled: false },
  vite: {
    // Entry fields come from the content layer; the compiled MDX modules carry only the bodies.
    plugins: [vitePluginBlankFrontmatter(contentDir)],
    build: {
      rollupOptions: {
        // Astro's MDX output starts with a "use astro:head-inject" directive; the bundler warns once per file, which drowns real messages.
        onwarn(warning, warn) {
          if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && warning.message.includes('astro:head-inject')) return;
          warn(warning);
        },
      },
    },
  },
});
