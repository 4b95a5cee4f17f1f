/**
 * The diagram renders of a build, in a thread of their own (started by diagram-render.ts): the browser's requests for
 * mermaid's files and its results are answered here at once, while Astro's main thread is busy loading and compiling pages.
 * Receives the diagrams the cache lacks; posts what mermaid's parser said of them all, then each render as it comes (written to
 * the cache first), then how many browsers it launched.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { writeCachedDiagram } from './diagram-cache.ts';
import { closeMermaidRenderer, parseMermaid, renderMermaid, rendererStats } from './mermaid-renderer.ts';

/** What the worker is given. */
export interface DiagramJob {
  cacheDir: string;
  /** Cache key and source (with the theme's classes) of each diagram to render. */
  diagrams: { key: string; code: string }[];
}

/** What the worker posts, in this order: one `checked`, a `rendered` per parsable diagram, one `done` (or one `failed`). */
export type DiagramWorkerMessage =
  | { type: 'checked'; results: Awaited<ReturnType<typeof parseMermaid>> }
  | { type: 'rendered'; index: number; result: Awaited<ReturnType<typeof renderMermaid>>[number] }
  | { type: 'done'; launches: number }
  | { type: 'failed'; message: string };

/** Diagrams per browser round trip. */
const BATCH = 8;

const { cacheDir, diagrams } = workerData as DiagramJob;
const post = (message: DiagramWorkerMessage) => parentPort!.postMessage(message);
try {
  const parsed = await parseMermaid(diagrams.map((d) => d.code));
  post({ type: 'checked', results: parsed });
  const renderable = diagrams.map((diagram, index) => ({ ...diagram, index })).filter(({ index }) => parsed[index]!.ok);
  for (let start = 0; start < renderable.length; start += BATCH) {
    const batch = renderable.slice(start, start + BATCH);
    const results = await renderMermaid(batch.map(({ key, code }) => ({ id: `diagram-${key.slice(0, 12)}`, code })));
    batch.forEach(({ key, index }, i) => {
      const result = results[i]!;
      if (result.ok) writeCachedDiagram(cacheDir, key, result.diagram);
      post({ type: 'rendered', index, result });
    });
  }
  post({ type: 'done', launches: rendererStats.launches });
} catch (error) {
  post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
} finally {
  await closeMermaidRenderer();
}
