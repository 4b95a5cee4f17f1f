/**
 * Search on `astro dev`: the dev server has no built pages for the build's
 * search step, so once it is listening this fetches every page of the center
 * from it, indexes them with Pagefind in memory, and serves `/pagefind/*` and
 * `/search/vocabulary.js` from there. An edit in the content folder indexes
 * again (a second or two later), so search always covers the current content.
 */
import { SEARCH_FILES } from '../contract.ts';
import { join, resolve, sep } from 'node:path';
import type { AstroIntegration } from 'astro';
import { slug as githubSlug } from 'github-slugger';
import * as pagefind from 'pagefind';
import { CONTENT_FILES, entryFiles, MDX_COLLECTIONS, presentSections } from '../content-model.ts';
import { routes } from '../lib/routes.ts';
import { loadSiteConfig } from '../lib/site-config.ts';
import { byFrequency, countPageWords, loadVocabulary, vocabularyScript } from '../search/index-parts.ts';
import { aliasTable, pageForIndex, stopWordSet } from '../search/aliases.ts';
import { translator } from '../i18n/ui.ts';
import { searchGroups } from '../schemas/vocabulary.ts';
import { fileURLToPath } from 'node:url';
import { refreshRacedContent, type ContentRefresh } from './dev-content-refresh.ts';

/** Every page of the center, as the build would write them. */
function pageUrls(contentDir: string): string[] {
  const urls = new Set([routes.home(), routes.references()]);
  const present = presentSections(contentDir);
  if (loadSiteConfig(contentDir).doseResponse.enabled) urls.add(routes.ic50Calculator());
  if (present.has('faq')) urls.add(routes.faqIndex());
  if (present.has('troubleshooting')) urls.add(routes.guides());
  if (present.has('protocols')) urls.add(routes.protocols());
  for (const section of present)
    for (const file of entryFiles(contentDir, section)) urls.add(MDX_COLLECTIONS[section].route(githubSlug(file.replace(/\.mdx$/, ''))));
  return [...urls];
}

export interface DevSearchOptions {
  contentDir: string;
}

export function devSearch({ contentDir }: DevSearchOptions): AstroIntegration {
  let files = new Map<string, Uint8Array>();
  let origin: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  let refresh: ContentRefresh | undefined;

  const reindex = async (logger: { info(m: string): void; warn(m: string): void }) => {
    if (!origin) return;
    const started = performance.now();
    const { index } = await pagefind.createIndex({ forceLanguage: loadSiteConfig(contentDir).language });
    if (!index) return;
    const counts = new Map<string, number>();
    const vocabulary = loadVocabulary(join(contentDir, CONTENT_FILES.vocabulary));
    const table = aliasTable(searchGroups(vocabulary));
    const stopWords = [...stopWordSet(translator(loadSiteConfig(contentDir).ui)('search.stopWords'))];
    for (const url of pageUrls(contentDir)) {
      // The content layer may still be syncing the edit that triggered this: a page that fails is asked for once more.
      let response = await fetch(new URL(url, origin)).catch(() => undefined);
      if (!response?.ok) {
        await new Promise((r) => setTimeout(r, 1000));
        response = await fetch(new URL(url, origin)).catch(() => undefined);
      }
      if (!response?.ok) {
        logger.warn(`search index: ${url} answered ${response?.status ?? 'nothing'}; it is left out until the next edit`);
        continue;
      }
      const html = await response.text();
      countPageWords(html, counts);
      await index.addHTMLFile({ url, content: pageForIndex(html, table, stopWords) });
    }
    const { files: written } = await index.getFiles();
    const next = new Map(written.map((f) => [`/pagefind/${f.path}`, f.content]));
    next.set(`/${SEARCH_FILES.vocabulary}`, new TextEncoder().encode(vocabularyScript(vocabulary, byFrequency(counts))));
    files = next;
    await index.deleteIndex();
    logger.info(`search index of the current content ready (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  };

  let root = process.cwd();
  return {
    name: 'support-center:dev-search',
    hooks: {
      'astro:config:done': ({ config }) => {
        root = fileURLToPath(config.root);
      },
      'astro:server:setup': ({ server, logger }) => {
        const schedule = () => {
          clearTimeout(timer);
          timer = setTimeout(() => (running = running.then(() => reindex(logger)).catch((e: Error) => logger.warn(`search index: ${e.message}`))), 1500);
        };
        const content = resolve(contentDir) + sep;
        // Content files only: the diagram cache and other dot-folders in the content folder are the build's, not the author's.
        server.watcher.on('all', (_event, path) => {
          const full = resolve(path);
          if (
            full.startsWith(content) &&
            /\.(mdx|ya?ml)$/.test(full) &&
            !full
              .slice(content.length)
              .split(sep)
              .some((part) => part.startsWith('.'))
          )
            schedule();
        });
        // A content store written while a page was served: the pages read it again, and so does the index (dev-content-refresh.ts).
        refresh = refreshRacedContent(server, root, () => {
          logger.info('content store read again: it was written while a page was being served');
          schedule();
        });
        server.httpServer?.once('listening', () => {
          const address = server.httpServer!.address();
          if (address && typeof address === 'object')
            origin = `http://${address.family === 'IPv6' ? `[${address.address === '::' ? '::1' : address.address}]` : address.address === '0.0.0.0' ? '127.0.0.1' : address.address}:${address.port}`;
          schedule();
        });
        server.middlewares.use((req, res, next) => {
          const path = (req.url ?? '').split('?')[0]!;
          const body = files.get(path);
          if (!body) return next();
          res.setHeader('Content-Type', path.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'application/octet-stream');
          res.setHeader('Cache-Control', 'no-store');
          res.end(body);
        });
      },
      'astro:server:done': async () => {
        refresh?.stop();
        clearTimeout(timer);
        await running;
        await pagefind.close();
      },
    },
  };
}
