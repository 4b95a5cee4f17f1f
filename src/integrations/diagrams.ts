import { readdirSync } from 'node:fs';
import type { AstroIntegration } from 'astro';
import { diagramStats } from '../markdown/rehype-mermaid-diagrams.ts';
import { closeMermaidRenderer, rendererStats } from '../markdown/mermaid-renderer.ts';

/** Options of {@link diagrams}. */
export interface DiagramsOptions {
  /** The render cache folder, as given to rehype-mermaid-diagrams. */
  cacheDir: string;
}

/**
 * Closes the diagram browser when the build ends, and logs what was rendered,
 * what came from the cache, and cache entries no diagram uses any more.
 */
export function diagrams({ cacheDir }: DiagramsOptions): AstroIntegration {
  return {
    name: 'diagrams',
    hooks: {
      'astro:build:done': async ({ logger }) => {
        await closeMermaidRenderer();
        logger.info(
          `${diagramStats.rendered} rendered, ${diagramStats.fromCache} from cache, ${rendererStats.launches} browser launch${rendererStats.launches === 1 ? '' : 'es'}`,
        );
        let files: string[] = [];
        try {
          files = readdirSync(cacheDir).filter((f) => f.endsWith('.json'));
        } catch {
          // No cache folder yet: nothing to report.
        }
        const stale = files.filter((f) => !diagramStats.used.has(f.replace(/\.json$/, '')));
        if (stale.length > 0)
          logger.info(`${stale.length} cache entr${stale.length === 1 ? 'y is' : 'ies are'} no longer used in ${cacheDir}: ${stale.join(', ')}`);
      },
    },
  };
}
