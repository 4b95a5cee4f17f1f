/**
 * Renders the diagrams a center's cache lacks, in one browser session driven from a worker thread (diagram-render-worker.ts),
 * written to the cache as they come. scripts/build.ts starts this before Astro loads (renderAhead), else the diagrams integration
 * does when Astro's build starts: mermaid's parser checks them while Astro boots, and the renders come in beside the pages. A
 * body rendered while its diagram's render is under way holds a placeholder instead of waiting, and its page's handoff fills it
 * in once the render is back (rehype-mermaid-diagrams.ts, fillDeferredDiagrams). No lock file, no polling.
 */
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { diagramCacheKey, readCachedDiagram } from './diagram-cache.ts';
import { withDiagramClasses } from './diagram-theme.ts';
import type { DiagramError, RenderedDiagram } from './mermaid-renderer.ts';
import type { DiagramJob, DiagramWorkerData, DiagramWorkerMessage } from './diagram-render-worker.ts';
import { contentMermaidBlocks, type MermaidBlock } from './diagram-sources.ts';

/** Renders in progress, by cache key: each settles when its render is back (undefined when there is none). */
const inFlight = new Map<string, Promise<RenderedDiagram | undefined>>();
/** The keys of {@link inFlight} whose render has not come back yet. */
const pending = new Set<string>();

/** Browsers launched by the render workers of this process (for the build's log; the diagrams integration zeroes it per build). */
export const workerStats = { launches: 0 };

const WORKER = new URL('./diagram-render-worker.ts', import.meta.url);

/**
 * With SITE_DIAGRAM_BROWSER=keep (what scripts/build.ts sets for the watch's runner, which builds again and again in one
 * process), one render worker serves every build and keeps its browser between them: a changed diagram then renders without
 * Chromium's start and Mermaid's first load (about 1.4 s of a rebuild on two cores). It does not keep the process alive.
 */
let kept: { worker: Worker; jobs: number } | undefined;

/** The worker every build of this process uses when it keeps its browser, started by the first. */
function keptWorker(): { worker: Worker; id: number } {
  if (!kept) {
    const worker = new Worker(WORKER, { workerData: { keep: true } satisfies DiagramWorkerData });
    worker.unref();
    const mine = { worker, jobs: 0 };
    // A kept worker that fails is dropped: the next build starts another.
    const drop = () => kept === mine && (kept = undefined);
    worker.on('error', drop);
    worker.on('exit', drop);
    kept = mine;
  }
  return { worker: kept.worker, id: ++kept.jobs };
}

/**
 * Closes the kept worker's browser (SITE_DIAGRAM_BROWSER=keep), for a process about to exit: a worker thread ends with its
 * process without its exit handlers, so Playwright would not remove the browser's folders from the temporary folder. Resolves
 * when it is closed, at once when there is none, and after `timeoutMs` at most.
 */
export function closeKeptDiagramBrowser(timeoutMs = 5000): Promise<void> {
  const worker = kept?.worker;
  if (!worker) return Promise.resolve();
  return new Promise<void>((closed) => {
    const done = () => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('exit', done);
      closed();
    };
    const onMessage = (message: { closed?: boolean }) => void (message.closed && done());
    const timer = setTimeout(done, timeoutMs);
    worker.on('message', onMessage);
    worker.on('exit', done);
    worker.postMessage({ close: true });
  });
}

/**
 * Runs one job in a worker of its own, or in the kept one; `listen` gets its messages, `gone` the end of its worker. Resolves
 * once a worker of its own has ended, its browser closed (at once for the kept one, whose browser stays up).
 */
function startJob(job: DiagramJob, listen: (message: DiagramWorkerMessage) => void, gone: (error: Error) => void): Promise<void> {
  const keep = process.env.SITE_DIAGRAM_BROWSER === 'keep';
  const { worker, id } = keep ? keptWorker() : { worker: new Worker(WORKER, { workerData: job satisfies DiagramWorkerData }), id: 0 };
  const ended = keep ? Promise.resolve() : new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const onMessage = (message: DiagramWorkerMessage) => {
    if (message.id !== id) return;
    if (message.type === 'done' || message.type === 'failed') stop();
    listen(message);
  };
  const onError = (error: Error) => {
    stop();
    gone(error);
  };
  const onExit = () => onError(new Error('the diagram renderer stopped before it finished'));
  const stop = () => {
    worker.off('message', onMessage);
    worker.off('error', onError);
    worker.off('exit', onExit);
  };
  worker.on('message', onMessage);
  worker.on('error', onError);
  worker.on('exit', onExit);
  if (keep) worker.postMessage({ id, job });
  return ended;
}

/** The end of the last renderer started in this process (its browser closed). */
let lastEnded: Promise<void> = Promise.resolve();

/**
 * Resolves once the last renderer started here has closed its browser, or after `timeoutMs`. A build that fails waits for it:
 * a process that ends with the renderer's browser still open leaves the browser's folder in the temporary folder.
 */
export function renderersClosed(timeoutMs = 10_000): Promise<void> {
  return Promise.race([lastEnded, new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref())]);
}

/** Whether a diagram's render is under way and not back yet (a body can then leave its figure for later: fillDeferredDiagrams, rehype-mermaid-diagrams.ts). */
export function renderPending(key: string): boolean {
  return pending.has(key);
}

/** One diagram's render: from a render in progress, else from the cache (undefined when it is in neither). */
export async function renderedDiagram(cacheDir: string, key: string): Promise<RenderedDiagram | undefined> {
  return (await inFlight.get(key)) ?? readCachedDiagram(cacheDir, key);
}

/** A diagram that mermaid could not parse or render, at its block. */
export interface RenderFailure {
  block: MermaidBlock;
  result: { ok: false; error: DiagramError };
}

/**
 * Renders every block the cache lacks (each distinct diagram once) and writes it to the cache. `checked` settles once mermaid's
 * parser has read them all, with what it could not parse: the build waits for that before any page, and lets the renders come
 * in beside the pages, each page waiting only for its own (in a build, only its handoff waits). `done` settles when every render
 * is back. Either rejects when the browser could not be used; the renders still missing then settle as undefined, for the plugin
 * to render or report.
 */
export function renderMissing(
  blocks: readonly MermaidBlock[],
  cacheDir: string,
): {
  checked: Promise<RenderFailure[]>;
  done: Promise<{ rendered: number; failures: RenderFailure[] }>;
} {
  const missing = [...new Map(blocks.map((b) => [diagramCacheKey(b.code), b])).entries()].filter(
    ([key]) => !inFlight.has(key) && !readCachedDiagram(cacheDir, key),
  );
  if (missing.length === 0) return { checked: Promise.resolve([]), done: Promise.resolve({ rendered: 0, failures: [] }) };
  // Every key is in flight before anything else happens, so a page never starts a render of its own for one of them.
  const settle = missing.map(([key]) => {
    let resolve!: (diagram: RenderedDiagram | undefined) => void;
    inFlight.set(key, new Promise((r) => (resolve = r)));
    pending.add(key);
    return (diagram: RenderedDiagram | undefined) => {
      pending.delete(key);
      resolve(diagram);
    };
  });
  const job: DiagramJob = { cacheDir, diagrams: missing.map(([key, block]) => ({ key, code: withDiagramClasses(block.code) })) };
  const failures: RenderFailure[] = [];
  let rendered = 0;
  let onChecked!: { resolve: (f: RenderFailure[]) => void; reject: (e: Error) => void };
  let ended: Promise<void> = Promise.resolve();
  const checked = new Promise<RenderFailure[]>((resolve, reject) => (onChecked = { resolve, reject }));
  const done = new Promise<{ rendered: number; failures: RenderFailure[] }>((resolve, reject) => {
    const gone = (error: Error) => {
      onChecked.reject(error);
      reject(error);
      // A failed browser leaves the rest to the plugin, which renders (or reports) them itself.
      for (const s of settle) s(undefined);
    };
    ended = startJob(
      job,
      (message) => {
        if (message.type === 'checked') {
          message.results.forEach((result, i) => {
            if (result.ok) return;
            failures.push({ block: missing[i]![1], result });
            settle[i]!(undefined);
          });
          onChecked.resolve([...failures]);
        } else if (message.type === 'rendered') {
          const { index, result } = message;
          if (result.ok) rendered++;
          else failures.push({ block: missing[index]![1], result });
          settle[index]!(result.ok ? result.diagram : undefined);
        } else if (message.type === 'done') {
          workerStats.launches += message.launches;
          resolve({ rendered, failures });
        } else gone(new Error(message.message));
      },
      (error) => gone(error),
    );
  });
  checked.catch(() => undefined);
  done.catch(() => undefined);
  lastEnded = ended;
  return { checked, done };
}

/** The renders of a center started before Astro loaded ({@link renderAhead}), with the blocks they were started for. */
export interface RendersAhead {
  blocks: MermaidBlock[];
  renders: ReturnType<typeof renderMissing>;
}

const AHEAD = Symbol.for('support-center.diagrams-ahead');
type Ahead = RendersAhead & { contentDir: string; cacheDir: string };

/**
 * Starts rendering the diagrams the cache lacks before Astro loads (scripts/lib/diagrams-ahead.ts, which scripts/build.ts
 * preloads into Astro's process): the browser then starts and loads mermaid while Astro loads, about 0.8 s sooner than from
 * the diagrams integration. The integration takes them with {@link takeRendersAhead}.
 */
export function renderAhead(contentDir: string, cacheDir: string): void {
  const blocks = contentMermaidBlocks(contentDir);
  const ahead: Ahead = { contentDir: resolve(contentDir), cacheDir: resolve(cacheDir), blocks, renders: renderMissing(blocks, cacheDir) };
  (globalThis as Record<symbol, Ahead | undefined>)[AHEAD] = ahead;
}

/** The renders {@link renderAhead} started for this center and cache, once; undefined when none were. */
export function takeRendersAhead(contentDir: string, cacheDir: string): RendersAhead | undefined {
  const store = globalThis as Record<symbol, Ahead | undefined>;
  const ahead = store[AHEAD];
  delete store[AHEAD];
  return ahead && ahead.contentDir === resolve(contentDir) && ahead.cacheDir === resolve(cacheDir) ? ahead : undefined;
}
