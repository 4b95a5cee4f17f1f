/**
 * The diagram renders of a build, in a thread of their own (started by diagram-render.ts): the browser's requests for
 * mermaid's files and its results are answered here at once, while Astro's main thread is busy loading and compiling pages.
 * Receives the diagrams the cache lacks; posts what mermaid's parser said of them all, then each render as it comes (written to
 * the cache first), then how many browsers it launched. In the watch's runner one worker serves every build, its browser kept.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { writeCachedDiagram } from './diagram-cache.ts';
import { closeMermaidRenderer, parseMermaid, renderMermaid, rendererStats } from './mermaid-renderer.ts';

/** One build's diagrams to render. */
export interface DiagramJob {
  cacheDir: string;
  /** Cache key and source (with the theme's classes) of each diagram to render. */
  diagrams: { key: string; code: string }[];
}

/**
 * What the worker is given: one job (its browser closes after it), or `keep`: jobs come as messages, `{ job, id }`, one after
 * another, and the browser stays up between them (the watch's runner, scripts/lib/astro-watch-runner.ts, builds again and
 * again in one process).
 */
export type DiagramWorkerData = DiagramJob | { keep: true };

/**
 * What the worker posts for a job, in this order: one `checked`, a `rendered` per parsable diagram, one `done` (or one
 * `failed`); each carries the job's id (0 for the one job of a worker that keeps no browser).
 */
export type DiagramWorkerMessage = { id: number } & DiagramReport;

/** What a job reports. */
type DiagramReport =
  | { type: 'checked'; results: Awaited<ReturnType<typeof parseMermaid>> }
  | { type: 'rendered'; index: number; result: Awaited<ReturnType<typeof renderMermaid>>[number] }
  | { type: 'done'; launches: number }
  | { type: 'failed'; message: string };

/** Diagrams per browser round trip. */
const BATCH = 8;

/** Renders one job, posting as it goes; the browser is left as it is. */
async function run({ cacheDir, diagrams }: DiagramJob, post: (message: DiagramReport) => void): Promise<void> {
  const launched = rendererStats.launches;
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
    post({ type: 'done', launches: rendererStats.launches - launched });
  } catch (error) {
    // A browser that failed is not used again: the next job starts another.
    await closeMermaidRenderer().catch(() => undefined);
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}

const data = workerData as DiagramWorkerData;
if ('keep' in data) {
  let queue = Promise.resolve();
  parentPort!.on('message', (message: { id: number; job: DiagramJob } | { close: true }) => {
    // Asked to close (its process is stopping): the browser closes, and Playwright removes its folders, after the jobs queued.
    if ('close' in message) queue = queue.then(() => closeMermaidRenderer().catch(() => undefined)).then(() => parentPort!.postMessage({ closed: true }));
    else queue = queue.then(() => run(message.job, (report) => parentPort!.postMessage({ ...report, id: message.id })));
  });
} else {
  try {
    await run(data, (message) => parentPort!.postMessage({ ...message, id: 0 }));
  } finally {
    await closeMermaidRenderer();
  }
}
