/**
 * The offline bundle in Firefox (Debian's Firefox ESR, driven over WebDriver
 * BiDi by puppeteer-core): opened from disk, search, highlights, the theme,
 * run mode and the IC50 calculator work, and nothing goes to the network.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { unzipSync } from 'fflate';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { doseResponse } from '../helpers/dose-response';
import { findFirefox } from '../helpers/system-browsers';

const FIREFOX = findFirefox();
const distDir = inject('distDir');
const unzipped = mkdtempSync(join(tmpdir(), 'hrs-firefox-'));
const zip = readdirSync(join(distDir, 'downloads'))[0]!;
for (const [name, data] of Object.entries(unzipSync(readFileSync(join(distDir, 'downloads', zip))))) {
  if (name.endsWith('/')) continue;
  mkdirSync(dirname(join(unzipped, name)), { recursive: true });
  writeFileSync(join(unzipped, name), data);
}
const siteDir = join(unzipped, readdirSync(unzipped)[0]!);
const at = (path: string) => pathToFileURL(join(siteDir, path)).href;

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
    expect(await page.$$eval('figure.diagram svg', (s) => s.length)).toBe(1);
    await recordLoads();
  });

  it('searches from disk and opens the result with the terms marked', async () => {
    await page.goto(at('index.html'));
    await page.focus('#search-input');
    await page.type('#search-input', 'antigen retrieval');
    await page.waitForFunction(() => document.getElementById('search-status')?.textContent?.includes('antigen retrieval'));
    const href = await page.$eval('#search-results a', (a) => (a as HTMLAnchorElement).href);
    expect(href).toBe(`${at('protocols/ihc-ffpe/index.html')}?highlight=antigen+retrieval`);
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

    await page.goto(at('protocols/ihc-ffpe/index.html'));
    await page.click('[data-run-start]');
    await page.waitForSelector('li[data-step="blocking"] .run-check');
    await page.click('li[data-step="blocking"] .run-check');
    await page.reload();
    await page.waitForSelector('li[data-step="blocking"] .run-check');
    expect(await page.$eval('li[data-step="blocking"] .run-check', (c) => (c as HTMLInputElement).checked)).toBe(true);
  });

  it('fits an IC50 from disk', async () => {
    await page.goto(at('tools/ic50/index.html'));
    await page.$eval('#line-a', (t, v) => void ((t as HTMLTextAreaElement).value = v), doseResponse(2.5));
    await page.click('#ic50-form button[type="submit"]');
    await page.waitForSelector('.ic50-results');
    expect(Number(await page.$eval('.ic50-results tbody td', (td) => td.textContent))).toBeCloseTo(2.5, 2);
    await recordLoads();
  });

  it('made no network request that Firefox reports (requests seen by the driver, and Resource Timing entries)', () => {
    // Firefox records no Resource Timing entries for file:// loads, so any entry other than the page itself would be the network.
    expect(loaded.length).toBeGreaterThan(3);
    expect([...requests, ...loaded].filter((u) => !/^(file|blob|data):/.test(u) && u !== 'document')).toEqual([]);
  });
});
