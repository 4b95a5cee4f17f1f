import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { DIAGRAM_CACHE_FOLDER } from '../content-model.ts';
import type { AstroIntegration } from 'astro';
import { DEFERRED_DIAGRAMS } from '../build/page-handoff.ts';
import { diagramStats, fillDeferredDiagrams } from '../markdown/rehype-mermaid-diagrams.ts';
import { renderersClosed, renderMissing, takeRendersAhead, workerStats, type RenderFailure } from '../markdown/diagram-render.ts';
import { contentMermaidBlocks } from '../markdown/diagram-sources.ts';
import { diagramCacheKey } from '../markdown/diagram-cache.ts';
import { closeMermaidRenderer, rendererStats } from '../markdown/mermaid-renderer.ts';

/** Options of {@link diagrams}. */
export interface DiagramsOptions {
  /** The render cache folder, as given to rehype-mermaid-diagrams. */
  cacheDir: string;
  /** The center's folder, whose ```mermaid fences are rendered ahead. */
  contentDir: string;
}

/**
 * Owns the diagrams of a build: when the build starts it renders, in one browser session driven from a worker thread, every
 * diagram the cache lacks, while
 * Astro boots (a body whose diagram is still rendering holds a placeholder, which its page's handoff fills in once the render
 * is back; a diagram mermaid cannot parse fails the build before any page, at its file and line). When the build ends it closes
 * the browser and logs what was rendered and what came from the cache, and removes the renders no diagram of the center uses any
 * more from the center's own cache folder.
 */
export function diagrams({ cacheDir, contentDir }: DiagramsOptions): AstroIntegration {
  let checked: Promise<RenderFailure[]> = Promise.resolve([]);
  let done: Promise<unknown> = Promise.resolve();
  /** The cache keys of the content's diagrams, as the build found them when it started. */
  let inContent = new Set<string>();
  return {
    name: 'diagrams',
    hooks: {
      // Started with the build, so the browser works while Astro syncs the content and collects its pages.
      'astro:config:setup': ({ command, logger }) => {
        if (command !== 'build') return;
        // Bodies whose diagrams are still rendering leave their figures for the pages' handoff to fill in.
        (globalThis as Record<symbol, unknown>)[DEFERRED_DIAGRAMS] = (html: string) => fillDeferredDiagrams(html, cacheDir);
        // Started before Astro loaded, when scripts/build.ts runs it; else now.
        const ahead = takeRendersAhead(contentDir, cacheDir);
        // The counts in the log are this build's: a process that rendered ahead has built nothing else yet, and the watch's
        // runner, which builds again and again in one process, starts each later build from zero.
        if (!ahead) {
          Object.assign(diagramStats, { fromCache: 0, rendered: 0 });
          diagramStats.used.clear();
          Object.assign(rendererStats, { launches: 0, rendered: 0 });
          workerStats.launches = 0;
        }
        const blocks = ahead?.blocks ?? contentMermaidBlocks(contentDir);
        inContent = new Set(blocks.map((b) => diagramCacheKey(b.code)));
        const early = ahead?.renders ?? renderMissing(blocks, cacheDir);
        // The plugin renders, or reports, whatever did not come back.
        const fallBack = (error: unknown) => {
          logger.warn(`rendering ahead failed (${error instanceof Error ? error.message : String(error)}); the pages render their own`);
          return [];
        };
        checked = early.checked.catch(fallBack);
        done = early.done.then(({ rendered }) => rendered > 0 && logger.info(`${rendered} rendered beside the pages, in one browser session`), fallBack);
      },
      // Before any page is built: a diagram that mermaid cannot parse fails the build here, with its file and line and nothing else.
      'astro:build:setup': async () => {
        const failures = await checked;
        if (failures.length === 0) return;
        const message = failures
          .map(
            ({ block, result }) =>
              `${relative(process.cwd(), block.file)}:${block.line + (result.error.line ?? 1)}:1  diagram-parse  Mermaid could not parse this diagram: ${result.error.message.split('\n')[0]}\n    hint: fix the diagram; see mermaid.js.org/syntax for the syntax.`,
          )
          .join('\n');
        if (process.env.SITE_STEP_FAILURE_FILE) writeFileSync(process.env.SITE_STEP_FAILURE_FILE, message);
        // The process ends with this error: the renderer's browser closes first, or its folder stays in the temporary folder
        // (the renders of the other diagrams may still be under way, as no body waits for them).
        await renderersClosed();
        const failure = new Error(message);
        failure.stack = message;
        throw failure;
      },
      'astro:build:done': async ({ logger }) => {
        delete (globalThis as Record<symbol, unknown>)[DEFERRED_DIAGRAMS];
        await done;
        await closeMermaidRenderer();
        const launches = rendererStats.launches + workerStats.launches;
        // A body whose file and renderer are unchanged keeps its HTML from the last build (src/markdown/mdx-html.ts), diagrams included.
        const kept = [...inContent].filter((key) => !diagramStats.used.has(key)).length;
        logger.info(
          `${diagramStats.rendered} rendered, ${diagramStats.fromCache} from cache, ${launches} browser launch${launches === 1 ? '' : 'es'}${kept ? `, ${kept} in pages kept from the last build` : ''}`,
        );
        let files: string[] = [];
        try {
          files = readdirSync(cacheDir).filter((f) => f.endsWith('.json'));
        } catch {
          // No cache folder yet: nothing to report.
        }
        const stale = files.filter((f) => !diagramStats.used.has(f.replace(/\.json$/, '')) && !inContent.has(f.replace(/\.json$/, '')));
        if (stale.length === 0) return;
        const entries = `${stale.length} render${stale.length === 1 ? '' : 's'} no diagram of the center uses any more`;
        // The center's own cache holds this center's renders only: an edited diagram's old render goes, instead of piling up in
        // the folder that is committed with the center. A cache folder given with SITE_DIAGRAM_CACHE may serve other centers too.
        if (resolve(cacheDir) === resolve(contentDir, DIAGRAM_CACHE_FOLDER)) {
          for (const file of stale) rmSync(join(cacheDir, file), { force: true });
          logger.info(`removed ${entries} from ${cacheDir}: ${stale.join(', ')}`);
        } else logger.info(`${entries} in ${cacheDir}, kept (a cache folder of its own may serve other centers): ${stale.join(', ')}`);
      },
    },
  };
}
