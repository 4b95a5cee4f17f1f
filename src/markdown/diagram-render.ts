/**
 * Renders the diagrams a center's cache lacks, in one browser session, in small batches written to the cache as they come.
 * The diagrams integration starts this when Astro's build starts, so the browser works while Astro boots; the diagram plugin, in
 * the same process, waits in memory for the renders of its own page's diagrams only. No lock file, no polling.
 */
import { diagramCacheKey, readCachedDiagram, writeCachedDiagram } from './diagram-cache.ts';
import { withDiagramClasses } from './diagram-theme.ts';
import { renderMermaid, type RenderedDiagram, type RenderResult } from './mermaid-renderer.ts';
import type { MermaidBlock } from './diagram-sources.ts';

/** Diagrams per browser round trip. */
const BATCH = 8;

/** Renders in progress, by cache key: each settles when its batch is back (undefined when mermaid could not parse it). */
const inFlight = new Map<string, Promise<RenderedDiagram | undefined>>();

/** One diagram's render: from a render in progress, else from the cache (undefined when it is in neither). */
export async function renderedDiagram(cacheDir: string, key: string): Promise<RenderedDiagram | undefined> {
  return (await inFlight.get(key)) ?? readCachedDiagram(cacheDir, key);
}

/** A diagram that mermaid could not parse, at its block. */
export interface RenderFailure {
  block: MermaidBlock;
  result: Extract<RenderResult, { ok: false }>;
}

/** Renders every block the cache lacks (each distinct diagram once) and writes it to the cache; returns what failed to parse. */
export async function renderMissing(blocks: readonly MermaidBlock[], cacheDir: string): Promise<{ rendered: number; failures: RenderFailure[] }> {
  const missing = [...new Map(blocks.map((b) => [diagramCacheKey(b.code), b])).entries()].filter(
    ([key]) => !inFlight.has(key) && !readCachedDiagram(cacheDir, key),
  );
  const failures: RenderFailure[] = [];
  const batches: (typeof missing)[] = [];
  for (let start = 0; start < missing.length; start += BATCH) batches.push(missing.slice(start, start + BATCH));
  // Every key is in flight before the first batch goes, so a page never starts a render of its own for one of them.
  const settle = new Map<string, (diagram: RenderedDiagram | undefined) => void>();
  for (const [key] of missing) inFlight.set(key, new Promise((done) => settle.set(key, done)));
  try {
    for (const batch of batches) {
      const results = await renderMermaid(batch.map(([key, block]) => ({ id: `diagram-${key.slice(0, 12)}`, code: withDiagramClasses(block.code) })));
      batch.forEach(([key, block], i) => {
        const result = results[i]!;
        if (result.ok) writeCachedDiagram(cacheDir, key, result.diagram);
        else failures.push({ block, result });
        settle.get(key)!(result.ok ? result.diagram : undefined);
      });
    }
  } finally {
    // A failed browser leaves the rest to the plugin, which renders (or reports) them itself.
    for (const [key] of missing) settle.get(key)!(undefined);
  }
  return { rendered: missing.length - failures.length, failures };
}
