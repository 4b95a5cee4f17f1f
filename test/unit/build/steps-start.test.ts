/**
 * `npm run build` starts the output steps' process before Astro loads (scripts/lib/steps-ahead.ts), and the outputs integration
 * takes it over: once, and only for the build it was started for. A process started for another build must not take that
 * build's pages, nor be left waiting.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { endStepsAhead, startStepsAhead, takeStepsAhead } from '../../../src/build/steps-start';

const dir = mkdtempSync(join(tmpdir(), 'steps-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const contentDir = resolve('test/fixtures/centers/minimal');
const target = { contentDir, root: process.cwd(), failureFile: join(dir, 'failure'), outDir: join(dir, 'site') };
/** Starts steps ahead for `target` that print no PDFs (SITE_PDF is read by the process started, from this one's environment). */
function startWithoutPdfs(): void {
  const before = process.env.SITE_PDF;
  process.env.SITE_PDF = 'skip';
  try {
    startStepsAhead(target);
  } finally {
    if (before === undefined) delete process.env.SITE_PDF;
    else process.env.SITE_PDF = before;
  }
}

it('hands the steps started ahead to the build they were started for, once, however its folders are written', { timeout: 30_000 }, async () => {
  startWithoutPdfs();
  // As the integration has them: the output folder from Astro's configuration (a file URL, with its last slash), the content
  // folder as the configuration names it (relative).
  const taken = takeStepsAhead({ ...target, contentDir: 'test/fixtures/centers/minimal', outDir: fileURLToPath(pathToFileURL(`${target.outDir}/`)) });
  expect(taken).toBeDefined();
  expect(takeStepsAhead(target)).toBeUndefined();
  // A build that ends without a site: the steps leave quietly.
  taken!.child.stdin!.end();
  expect(await taken!.closed).toBe(0);
});

it('ends the steps started ahead when the build is another one, and gives none', { timeout: 30_000 }, async () => {
  startWithoutPdfs();
  const ahead = (globalThis as Record<symbol, { steps: { closed: Promise<number | null> } } | undefined>)[Symbol.for('support-center.steps-ahead')];
  expect(ahead).toBeDefined();
  expect(takeStepsAhead({ ...target, outDir: join(dir, 'another-site') })).toBeUndefined();
  expect(await ahead!.steps.closed).toBe(0);
});

it('ends steps started earlier and not taken when the next are started, and hands over the new ones', { timeout: 30_000 }, async () => {
  // A watch starts the next build's steps when a build ends; a build that failed before its configuration took none.
  startWithoutPdfs();
  const slot = () => (globalThis as Record<symbol, { steps: { closed: Promise<number | null> } } | undefined>)[Symbol.for('support-center.steps-ahead')];
  const first = slot()!;
  startWithoutPdfs();
  expect(slot()).not.toBe(first);
  expect(await first.steps.closed).toBe(0);
  const taken = takeStepsAhead(target);
  expect(taken).toBeDefined();
  taken!.child.stdin!.end();
  expect(await taken!.closed).toBe(0);
});

it('ends the steps started ahead, and returns once their process has exited', { timeout: 30_000 }, async () => {
  // The watch's runner, stopping: nothing it started may write on after it has exited.
  startWithoutPdfs();
  const ahead = (globalThis as Record<symbol, { steps: { child: { exitCode: number | null } } } | undefined>)[Symbol.for('support-center.steps-ahead')];
  expect(ahead!.steps.child.exitCode).toBeNull();
  await endStepsAhead();
  expect(ahead!.steps.child.exitCode).toBe(0);
  expect(takeStepsAhead(target)).toBeUndefined();
  await endStepsAhead();
});

it('gives none when none was started', () => {
  expect(takeStepsAhead(target)).toBeUndefined();
});
