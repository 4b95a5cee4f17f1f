/**
 * The printing browser started while Astro works (steps.ts, PrinterWarmup) is closed, with its temporary folders, before the
 * steps' process ends. A build that fails early closes it twice at once: the steps' process asks when its input ends, and again
 * when it sees that Astro is gone (scripts/lib/end-with-parent.ts); then exits after whichever close returns first. A second
 * close that returned at once let the process exit with the browser's warm-up print half done, and its folder left in the
 * temporary folder (seen in CI: `pdf-warm-up-…` after a build that failed on a diagram).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { PrinterWarmup } from '../../../src/build/steps';
import { translator } from '../../../src/i18n/ui';
import { loadSiteConfig } from '../../../src/lib/site-config';

const scratch = mkdtempSync(join(tmpdir(), 'printer-warmup-'));
afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(scratch, { recursive: true, force: true });
});

it('a second close waits for the browser and its warm-up print, and leaves nothing in the temporary folder', async () => {
  const tmp = join(scratch, 'tmp');
  const contentDir = 'test/fixtures/centers/qpcr';
  // An empty print cache: the browser starts at once, as in a cold build.
  vi.stubEnv('SITE_CACHE_DIR', join(scratch, 'cache'));
  vi.stubEnv('TMPDIR', tmp);
  mkdirSync(tmp);
  const center = loadSiteConfig(contentDir);
  const warmup = new PrinterWarmup({ contentDir, root: process.cwd(), center, say: translator(center.ui), buildDate: '2000-01-01', log() {}, warn() {} });
  let firstClosed = false;
  const first = warmup.close().then(() => (firstClosed = true));
  await warmup.close();
  // What the process would leave if it exited now.
  const left = readdirSync(tmp);
  expect(firstClosed, 'the first close had finished when the second returned').toBe(true);
  expect(left).toEqual([]);
  await first;
}, 60_000);
