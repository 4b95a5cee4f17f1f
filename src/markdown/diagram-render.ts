/**
 * Renders the diagrams a center's cache lacks, in one browser session, in small batches written to the cache as they come.
 * The diagrams integration starts this when Astro's build starts: mermaid's parser checks them while Astro boots, and the renders
 * come in beside the pages; the diagram plugin, in the same process, waits in memory for its own page's renders only. No lock
 * file, no polling.
 */
import { diagramCacheKey, readCachedDiagram, writeCachedDiagram } from './diagram-cache.ts';
import { withDiagramClasses } from './diagram-theme.ts';
import { parseMermaid, renderMermaid, type DiagramError, type RenderedDiagram } from './mermaid-renderer.ts';
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
  result: { ok: false; error: DiagramError };
}

/**
 * Renders every block the cache lacks (each distinct diagram once) and writes it to the cache. `checked` settles once mermaid's
 * parser has read them all, with what it could not parse: the build waits for that before any page, and lets the renders come
 * in beside the pages, each page waiting only for its own. `done` settles when every render is back.
 */
export function renderMissing(
  blocks: readonly MermaidBlock[],
  cacheDir: string,
): { checked: Promise<RenderFailure[]>; done: Promise<{ rendered: number; failures: RenderFailure[] }> } {
  const missing = [...new Map(blocks.map((b) => [diagramCacheKey(b.code), b])).entries()].filter(
    ([key]) => !inFlight.has(key) && !readCachedDiagram(cacheDir, key),
  );
  // Every key is in flight before anything else happens, so a page never starts a render of its own for one of them.
  const settle = new Map<string, (diagram: RenderedDiagram | undefined) => void>();
  for (const [key] of missing) inFlight.set(key, new Promise((resolve) => settle.set(key, resolve)));
  const checked = (async (): Promise<RenderFailure[]> => {
    if (missing.length === 0) return [];
    const results = await parseMermaid(missing.map(([, block]) => withDiagramClasses(block.code)));
    return missing.flatMap(([, block], i) => {
      const result = results[i]!;
      return result.ok ? [] : [{ block, result }];
    });
  })();
  const done = (async () => {
    const failures: RenderFailure[] = [];
    try {
      const unparsable = new Set((await checked).map((f) => f.block));
      const renderable = missing.filter(([, block]) => !unparsable.has(block));
      for (let start = 0; start < renderable.length; start += BATCH) {
        const batch = renderable.slice(start, start + BATCH);
        const results = await renderMermaid(batch.map(([key, block]) => ({ id: `diagram-${key.slice(0, 12)}`, code: withDiagramClasses(block.code) })));
        batch.forEach(([key, block], i) => {
          const result = results[i]!;
          if (result.ok) writeCachedDiagram(cacheDir, key, result.diagram);
          else failures.push({ block, result });
          settle.get(key)!(result.ok ? result.diagram : undefined);
        });
      }
      return { rendered: renderable.length - failures.length, failures: [...(await checked), ...failures] };
    } finally {
      // A failed browser leaves the rest to the plugin, which renders (or reports) them itself.
      for (const [key] of missing) settle.get(key)!(undefined);
    }
  })();
  return { checked, done };
}
