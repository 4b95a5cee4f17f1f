/**
 * The offline bundle in Firefox (Debian's Firefox ESR, driven over WebDriver
 * BiDi by puppeteer-core): opened from disk, search, highlights, the theme,
 * run mode (the RT-qPCR fixture center's bundle) and the IC50 calculator (the
 * minimal center's) work, and nothing goes to the network.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { unpackOfflineCopy } from '../helpers/built-site';
import { doseResponse } from '../helpers/dose-response';
import { findFirefox } from '../helpers/system-browsers';

const FIREFOX = findFirefox();
const unzipped = mkdtempSync(join(tmpdir(), 'hrs-firefox-'));
/** Unzips a center's offline bundle into its own folder; returns the file: URL of a path in the copy. */
function unzipBundle(distDir: string, into: string): (path: string) => string {
  const siteDir = unpackOfflineCopy(distDir, join(unzipped, into));
  return (path: string) => pathToFileURL(join(siteDir, path)).href;
}
const at = unzipBundle(inject('fixtureDistDir'), 'qpcr');
const atMinimal = unzipBundle(inject('minimalDistDir'), 'minimal');

let browser: Browser;
let page: Page;
const requests: string[] = [];
const loaded: string[] = [];

/** Everything the current page loaded, as its Resource Timing entries record it. */
async function recordLoads(): Promise<void> {
  loaded.push(
    ...(await page.evaluate(() =>
      performance
        .getEntries()
        .filter((e) => e.entryType === 'resource' || e.entryType === 'navigation')
        .map((e) => e.name),
    )),
  );
}
beforeAll(async () => {
  if (!FIREFOX) throw new Error('No Firefox found: set FIREFOX_PATH, or install it (Debian: apt-get install -y firefox-esr).');
  browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true });
  page = await browser.newPage();
  page.on('request', (r) => void requests.push(r.url()));
});
afterAll(async () => {
  await browser?.close();
  rmSync(unzipped, { recursive: true, force: true });
});

describe('the offline bundle in Firefox', () => {
  it('opens from disk with its diagrams and the offline banner', async () => {
    await page.goto(at('index.html'));
    expect(await page.$eval('.offline-banner', (e) => e.textContent)).toMatch(/^Offline copy, built \d{4}-\d{2}-\d{2}/);
    await recordLoads();
    await page.goto(at('protocols/two-step-rt-qpcr/index.html'));
    expect(await page.$eval('.offline-banner', (e) => e.textContent)).toMatch(/^Offline copy, built \d{4}-\d{2}-\d{2}/);
    expect(await page.$$eval('figure.diagram svg', (s) => s.length)).toBe(1);
    await recordLoads();
  });

  it('searches from disk and opens the result with the terms marked', async () => {
    await page.goto(at('index.html'));
    await page.focus('#search-input');
    await page.type('#search-input', 'phase separation');
    // Not waitForFunction: Puppeteer makes its predicate with Function() in the page, which Firefox ESR 140.12 and later block
    // under the page's Content-Security-Policy. A selector is matched in Puppeteer's own isolated world.
    await page.waitForSelector('#search-status ::-p-text(phase separation)');
    const href = await page.$eval('#search-results a', (a) => (a as HTMLAnchorElement).href);
    expect(href).toBe(`${at('protocols/rna-isolation/index.html')}?highlight=phase+separation`);
    await recordLoads();
    await page.goto(href);
    await page.waitForSelector('main mark.search-hit');
    await recordLoads();
  });

  it('keeps the theme and a run in progress across reloads', async () => {
    await page.goto(at('index.html'));
    await page.click('[data-theme-toggle]');
    const chosen = await page.evaluate(() => document.documentElement.dataset.theme);
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(chosen);

    await page.goto(at('protocols/two-step-rt-qpcr/index.html'));
    await page.click('[data-run-start]');
    await page.waitForSelector('li[data-step="dnase"] .run-check');
    await page.click('li[data-step="dnase"] .run-check');
    await page.reload();
    await page.waitForSelector('li[data-step="dnase"] .run-check');
    expect(await page.$eval('li[data-step="dnase"] .run-check', (c) => (c as HTMLInputElement).checked)).toBe(true);
  });

  it('fits an IC50 from disk (the minimal center’s copy)', async () => {
    await page.goto(atMinimal('tools/ic50/index.html'));
    await page.$eval('#line-a', (t, v) => void ((t as HTMLTextAreaElement).value = v), doseResponse(2.5));
    await page.click('#ic50-form button[type="submit"]');
    await page.waitForSelector('.ic50-results');
    // The absolute IC50: the midpoint 2.5 times (50 / 45)^(1 / 1.2), for bottom 5 and Hill 1.2.
    expect(Number(await page.$eval('.ic50-results tbody td', (td) => td.textContent))).toBeCloseTo(2.5 * (50 / 45) ** (1 / 1.2), 2);
    await recordLoads();
  });

  it('made no network request that Firefox reports (requests seen by the driver, and Resource Timing entries)', () => {
    // Firefox records no Resource Timing entries for file:// loads, so any entry other than the page itself would be the network.
    expect(loaded.length).toBeGreaterThan(3);
    expect([...requests, ...loaded].filter((u) => !/^(file|blob|data):/.test(u) && u !== 'document')).toEqual([]);
  });
});
