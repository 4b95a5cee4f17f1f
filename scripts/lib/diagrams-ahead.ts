/**
 * Loaded (`node --import`) into the Astro process that scripts/build.ts starts, before Astro itself: starts rendering the
 * diagrams the cache lacks, in a worker thread, while Astro loads (src/markdown/diagram-render.ts, renderAhead). The diagrams
 * integration takes them over when Astro's build starts. With every diagram cached it starts nothing.
 */
import { isMainThread } from 'node:worker_threads';

// `--import` runs in every worker thread of the process too, the renderer's own among them: only Astro's thread starts renders.
if (isMainThread) {
  const { contentDir, diagramCacheDir } = await import('../../src/lib/paths.ts');
  const { renderAhead } = await import('../../src/markdown/diagram-render.ts');
  try {
    renderAhead(contentDir, diagramCacheDir);
  } catch {
    // Whatever failed here fails again in the diagrams integration, which reports it as Astro's build does.
  }
}
