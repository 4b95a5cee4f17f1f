/**
 * The printing browser started while Astro works (steps.ts, PrinterWarmup) is closed, with its temporary folders, before the
 * steps' process ends. A build that fails early closes it twice at once: the steps' process asks when its input ends, and again
 * when it sees that Astro is gone (scripts/lib/end-with-parent.ts); then exits after whichever close returns first. A second
 * close that returned at once let the process exit with the browser's warm-up print half done, and its folder left in the
 * temporary folder (seen in CI: `pdf-warm-up-…` after a build that failed on a diagram).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { startPrinter } from '../../../src/build/pdf-export';
import { pdfStep, PrinterWarmup } from '../../../src/build/steps';
import { findHeadlessBrowser } from '../../../src/lib/find-browser';
import { translator } from '../../../src/i18n/ui';
import { loadSiteConfig } from '../../../src/lib/site-config';

const scratch = mkdtempSync(join(tmpdir(), 'printer-warmup-'));
afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(scratch, { recursive: true, force: true });
});

const contentDir = 'test/fixtures/centers/qpcr';

/**
 * The steps' printing browser for a center with protocols, its print cache (`cache-<name>`) empty, so that the browser starts
 * at once, as in a cold build; the temporary folder is `tmp-<name>`, empty, to see what is left in it.
 */
function warmupIn(name: string): { warmup: PrinterWarmup; tmp: string } {
  const tmp = join(scratch, `tmp-${name}`);
  mkdirSync(tmp);
  vi.stubEnv('SITE_CACHE_DIR', join(scratch, `cache-${name}`));
  vi.stubEnv('TMPDIR', tmp);
  vi.stubEnv('SITE_PDF', '');
  const center = loadSiteConfig(contentDir);
  return { warmup: new PrinterWarmup({ contentDir, root: process.cwd(), center, say: translator(center.ui), buildDate: '2000-01-01', log() {}, warn() {} }), tmp };
}

it('a second close waits for the browser and its warm-up print, and leaves nothing in the temporary folder', async () => {
  const { warmup, tmp } = warmupIn('second-close');
  let firstClosed = false;
  const first = warmup.close().then(() => (firstClosed = true));
  await warmup.close();
  // What the process would leave if it exited now.
  const left = readdirSync(tmp);
  expect(firstClosed, 'the first close had finished when the second returned').toBe(true);
  expect(left).toEqual([]);
  await first;
}, 60_000);

it('a PDF step that fails before it prints closes the browser started for it, and leaves nothing in the temporary folder', async () => {
  const tmp = join(scratch, 'tmp-failed-step');
  mkdirSync(tmp);
  vi.stubEnv('SITE_CACHE_DIR', join(scratch, 'cache-failed-step'));
  vi.stubEnv('TMPDIR', tmp);
  vi.stubEnv('SITE_PDF', '');
  // A built site whose one protocol page carries PDF metadata that is not JSON: the export fails as it lists the protocols.
  const siteDir = join(scratch, 'site-failed-step');
  mkdirSync(join(siteDir, 'protocols/broken'), { recursive: true });
  writeFileSync(join(siteDir, 'protocols/broken/index.html'), '<!doctype html><script type="application/json" id="pdf-meta">{not json</script>');
  const center = loadSiteConfig(contentDir);
  const context = { siteDir, contentDir, root: process.cwd(), center, say: translator(center.ui), buildDate: '2000-01-01', log() {}, warn() {} };
  const printer = startPrinter(findHeadlessBrowser()!, { warmUp: true });
  await expect(pdfStep(context, { printer, when: 'while Astro rendered' })).rejects.toThrow(/JSON/);
  expect((await printer).browser.isConnected(), 'the browser is closed').toBe(false);
  expect(readdirSync(tmp)).toEqual([]);
}, 60_000);

it('a build stopped while its PDF step prints closes the browser that step took, and leaves nothing in the temporary folder', async () => {
  const { warmup, tmp } = warmupIn('taken');
  // The PDF step takes the browser (its warm-up print perhaps still going); then Astro is gone, and the steps' process closes
  // what it started before it exits.
  const warm = await warmup.take();
  expect(warm, 'a browser was started: the print cache is empty').toBeDefined();
  await warmup.close();
  expect((await warm!.printer).browser.isConnected(), 'the browser is closed').toBe(false);
  // Neither the browser's profile nor the warm-up's folder is left.
  expect(readdirSync(tmp)).toEqual([]);
}, 60_000);
