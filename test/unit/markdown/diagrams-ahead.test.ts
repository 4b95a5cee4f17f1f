/**
 * scripts/build.ts preloads scripts/lib/diagrams-ahead.ts into Astro's process, so the diagrams the cache lacks start
 * rendering while Astro loads; the diagrams integration then takes those renders over instead of starting its own.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { contentMermaidBlocks } from '../../../src/markdown/diagram-sources';

const center = resolve('test/fixtures/centers/qpcr');
const preload = resolve('scripts/lib/diagrams-ahead.ts');
const scratch = mkdtempSync(join(tmpdir(), 'hrs-ahead-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs `script` (an ES module) in a Node process with the preload, as Astro's process runs; returns what it printed as JSON. */
function withPreload(script: string, env: Record<string, string>) {
  const run = spawnSync(process.execPath, ['--import', preload, '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, ...env } });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!);
}

it('starts the renders of the center’s diagrams in Astro’s thread only, never again in a worker thread of the process', () => {
  // Every diagram of the fixture is in its committed cache: nothing is rendered, no browser starts.
  const result = withPreload(
    `import { Worker } from 'node:worker_threads';
    const ahead = globalThis[Symbol.for('support-center.diagrams-ahead')];
    // A worker thread inherits the preload, as the renderer's own thread does.
    const inWorker = await new Promise((done, fail) => {
      const code = "import { parentPort } from 'node:worker_threads'; parentPort.postMessage(Boolean(globalThis[Symbol.for('support-center.diagrams-ahead')]));";
      const worker = new Worker(new URL('data:text/javascript,' + encodeURIComponent(code)));
      worker.on('message', done);
      worker.on('error', fail);
    });
    console.log(JSON.stringify({ blocks: ahead?.blocks.length, contentDir: ahead?.contentDir, inWorker }));`,
    { SITE_CONTENT_DIR: center, SITE_DIAGRAM_CACHE: join(center, '.diagram-cache') },
  );
  expect(result).toEqual({ blocks: contentMermaidBlocks(center).length, contentDir: center, inWorker: false });
  expect(result.blocks).toBeGreaterThan(0);
});

it('hands its renders to the integration once, and only for the center and cache they were started for', () => {
  const copy = join(scratch, 'qpcr');
  cpSync(center, copy, { recursive: true });
  const taken = withPreload(
    `const { takeRendersAhead } = await import(${JSON.stringify(resolve('src/markdown/diagram-render.ts'))});
    const other = takeRendersAhead(${JSON.stringify(center)}, ${JSON.stringify(join(center, '.diagram-cache'))});
    console.log(JSON.stringify({ other: other === undefined }));`,
    { SITE_CONTENT_DIR: copy, SITE_DIAGRAM_CACHE: join(copy, '.diagram-cache') },
  );
  expect(taken).toEqual({ other: true });
  const once = withPreload(
    `const { takeRendersAhead } = await import(${JSON.stringify(resolve('src/markdown/diagram-render.ts'))});
    const first = takeRendersAhead(${JSON.stringify(copy)}, ${JSON.stringify(join(copy, '.diagram-cache'))});
    const second = takeRendersAhead(${JSON.stringify(copy)}, ${JSON.stringify(join(copy, '.diagram-cache'))});
    console.log(JSON.stringify({ first: first?.blocks.length, rendered: (await first?.renders.done)?.rendered, second: second === undefined }));`,
    { SITE_CONTENT_DIR: copy, SITE_DIAGRAM_CACHE: join(copy, '.diagram-cache') },
  );
  expect(once).toEqual({ first: contentMermaidBlocks(copy).length, rendered: 0, second: true });
});
