/**
 * The offline bundle as a lab PC gets it: the one zip under downloads/,
 * unzipped into a temporary folder and opened from disk in Chromium. The
 * RT-qPCR fixture center's bundle, and the minimal center's for what only it
 * has (the IC50 calculator, and no public address).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { crc32 } from 'node:zlib';
import { unzipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BUNDLE_BUDGET_BYTES } from '../../src/build/offline-bundle';
import { listFiles, loadPage } from '../helpers/built-site';
import { launchBrowser } from '../helpers/browser';
import { watchCsp } from '../helpers/csp';
import { doseResponse } from '../helpers/dose-response';

const distDir = inject('fixtureDistDir');
const unzipped = mkdtempSync(join(tmpdir(), 'hrs-offline-'));
/** Writes every file of a zip under `dir`. */
function unzipInto(entries: Record<string, Uint8Array>, dir: string): void {
  for (const [name, data] of Object.entries(entries)) {
    if (name.endsWith('/')) continue;
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), data);
  }
}
const zips = readdirSync(join(distDir, 'downloads'));
const zipBytes = readFileSync(join(distDir, 'downloads', zips[0]!));
const entries = unzipSync(zipBytes);
unzipInto(entries, join(unzipped, 'qpcr'));
const folders = readdirSync(join(unzipped, 'qpcr'));
const siteDir = join(unzipped, 'qpcr', folders[0]!);
const home = pathToFileURL(join(siteDir, 'index.html')).href;

/** The minimal center's bundle: the calculator, and a center with no public address. */
const minimalDist = inject('minimalDistDir');
const minimalZips = readdirSync(join(minimalDist, 'downloads'));
unzipInto(unzipSync(readFileSync(join(minimalDist, 'downloads', minimalZips[0]!))), join(unzipped, 'minimal'));
const minimalSiteDir = join(unzipped, 'minimal', readdirSync(join(unzipped, 'minimal'))[0]!);
const minimalHome = pathToFileURL(join(minimalSiteDir, 'index.html')).href;

let browser: Browser;
let page: Page;
const requests: string[] = [];
/** What the pages said went wrong (script errors, console errors), for the message of a failed assertion. */
const problems: string[] = [];
/** A page whose requests and errors are noted in `requests` and `problems`. */
function watched(tab: Page): Page {
  tab.on('request', (r) => requests.push(r.url()));
  tab.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  tab.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  return tab;
}
/**
 * Chromium (156) opened from file:// now and then loses a page's localStorage write: the page reads its value, but a reload of
 * it, or another tab, reads what was there before. A plain page that writes one item on a click and is reloaded 300 ms later
 * lost it in 2–6 % of 200 tries (Chromium and its headless shell alike), in about 0.6 % when reloaded 2 s later; never over
 * http, and never its sessionStorage twin. Run mode and the theme keep a copy in the tab's sessionStorage and must survive such
 * a loss, so their reload tests run once, in a browser of their own, with no redo: a loss the site does not survive fails them.
 */
async function inFreshBrowser(scenario: (tab: Page) => Promise<void>): Promise<void> {
  const own = await launchBrowser();
  try {
    await scenario(watched(await (await own.newContext()).newPage()));
  } finally {
    await own.close();
  }
}
beforeAll(async () => {
  browser = await launchBrowser();
  page = watched(await (await browser.newContext()).newPage());
});
afterAll(async () => {
  await browser?.close();
  rmSync(unzipped, { recursive: true, force: true });
});

/** Reloads `tab` once its page has stored `key` as `landed` wants it (the page's own read); what the reload keeps is the test's. */
async function reloadAfterWrite(tab: Page, key: string, landed: (value: string | null) => boolean): Promise<void> {
  const written = await tab.evaluate((k) => localStorage.getItem(k), key);
  if (!landed(written)) throw new Error(`the page did not store ${key} as expected: it reads ${JSON.stringify(written)}`);
  await tab.reload({ waitUntil: 'load' });
}

/** The file a link of the current page points at, on disk. */
async function linkTarget(selector: string): Promise<string> {
  const href = await page
    .locator(selector)
    .first()
    .evaluate((a) => (a as HTMLAnchorElement).href);
  return fileURLToPath(href.split(/[?#]/)[0]!);
}

describe('the zip', () => {
  it('is exactly one file under downloads/, within its size budget, unzipping into one folder with index.html', () => {
    expect(zips).toHaveLength(1);
    expect(minimalZips).toHaveLength(1);
    expect(zips[0]).toMatch(/\.zip$/);
    expect(zipBytes.length).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES);
    expect(folders).toHaveLength(1);
    expect(existsSync(join(siteDir, 'index.html'))).toBe(true);
  });

  it('holds every file with the checksum and size its central directory records (what unzip tools verify)', () => {
    // The end record (signature 0x06054b50, the last 22 bytes when there is no comment) gives the entry count and where the central
    // directory starts; each of its entries (0x02014b50) records the CRC-32 at +16 and the full size at +24, the name at +46.
    const view = new DataView(zipBytes.buffer, zipBytes.byteOffset, zipBytes.byteLength);
    const end = zipBytes.length - 22;
    expect(view.getUint32(end, true)).toBe(0x06054b50);
    const recorded = new Map<string, { crc: number; size: number }>();
    for (let k = 0, at = view.getUint32(end + 16, true); k < view.getUint16(end + 10, true); k++) {
      expect(view.getUint32(at, true)).toBe(0x02014b50);
      const [nameLength, extraLength, commentLength] = [28, 30, 32].map((offset) => view.getUint16(at + offset, true)) as [number, number, number];
      const name = zipBytes.subarray(at + 46, at + 46 + nameLength).toString('utf8');
      recorded.set(name, { crc: view.getUint32(at + 16, true), size: view.getUint32(at + 24, true) });
      at += 46 + nameLength + extraLength + commentLength;
    }
    const files = Object.entries(entries).filter(([name]) => !name.endsWith('/'));
    expect(recorded.size).toBe(files.length);
    const wrong = files.filter(([name, data]) => recorded.get(name)?.crc !== crc32(data) || recorded.get(name)?.size !== data.length).map(([name]) => name);
    expect(wrong).toEqual([]);
  });

  it('is linked from the public home page with its size and build date', () => {
    const link = loadPage(distDir, '/')('[data-bundle-download] a');
    expect(link.attr('href')).toBe(`/downloads/${zips[0]}`);
    expect(link.text()).toMatch(/\(zip, \d+ KB, built \d{4}-\d{2}-\d{2}\)/);
  });

  it.each([
    ['qpcr', siteDir],
    ['minimal', minimalSiteDir],
  ])('%s: has only relative links that point at files that exist, and no module scripts', (_name, dir) => {
    const broken: string[] = [];
    const pages = listFiles(dir).filter((f) => f.endsWith('.html'));
    expect(pages.length).toBeGreaterThan(2);
    for (const file of pages) {
      const $ = loadPage(dir, file);
      expect($('script[type="module"]').length, file).toBe(0);
      $('a[href], link[href], script[src], img[src], [data-lazy-script], a[xlink\\:href]').each((_, el) => {
        const url = $(el).attr('href') ?? $(el).attr('src') ?? $(el).attr('data-lazy-script') ?? $(el).attr('xlink:href')!;
        if (/^(https?:|mailto:|#)/.test(url)) return;
        if (url.startsWith('/')) return void broken.push(`${file}: absolute ${url}`);
        const target = join(dirname(join(dir, file)), url.split(/[?#]/)[0]!);
        if (!existsSync(target) || target.endsWith('/')) broken.push(`${file}: ${url}`);
      });
    }
    expect(broken).toEqual([]);
  });
});

describe('its security policy', () => {
  it.each([
    ['qpcr', siteDir],
    ['minimal', minimalSiteDir],
  ])('%s: every page carries a Content-Security-Policy meta that trusts its own inline scripts by hash and no network', (_name, dir) => {
    const pages = listFiles(dir).filter((f) => f.endsWith('.html'));
    const wrong: string[] = [];
    for (const file of pages) {
      const $ = loadPage(dir, file);
      const policy = $('meta[http-equiv="Content-Security-Policy"]').attr('content') ?? '';
      const scriptSrc = /script-src ([^;]*)/.exec(policy)?.[1]?.split(' ') ?? [];
      const inline = $('script:not([src])').filter((_, el) => !/json/.test($(el).attr('type') ?? '')).length;
      if (!policy) wrong.push(`${file}: no policy`);
      else if (/https?:|\*|'unsafe-inline'|'unsafe-eval'/.test(scriptSrc.join(' '))) wrong.push(`${file}: ${scriptSrc.join(' ')}`);
      else if (inline > 0 && !scriptSrc.some((s) => s.startsWith("'sha256-"))) wrong.push(`${file}: inline scripts without hashes`);
      else if ($('meta').index($('meta[http-equiv="Content-Security-Policy"]')) !== $('meta').index($('meta[charset]')) + 1)
        wrong.push(`${file}: the policy is not right after the charset`);
    }
    expect(pages.length).toBeGreaterThan(2);
    expect(wrong).toEqual([]);
  });

  it('opening pages, searching, running a protocol and fitting a curve from disk raise no violation', async () => {
    const fresh = await browser.newPage();
    const violations = await watchCsp(fresh);
    for (const file of ['index.html', 'faq/index.html', 'protocols/two-step-rt-qpcr/index.html', 'references/index.html']) {
      await fresh.goto(pathToFileURL(join(siteDir, file)).href);
    }
    await fresh.goto(home);
    await fresh.locator('#search-input').fill('melt curve');
    await fresh.waitForSelector('#search-results a');
    await fresh.goto(pathToFileURL(join(siteDir, 'protocols/two-step-rt-qpcr/index.html')).href);
    await fresh.locator('[data-run-start]').click();
    await fresh.waitForSelector('.run-check');
    await fresh.goto(pathToFileURL(join(minimalSiteDir, 'tools/ic50/index.html')).href);
    await fresh.locator('#line-a').fill(doseResponse(2.5));
    await fresh.getByRole('button', { name: 'Fit' }).click();
    await fresh.waitForSelector('.ic50-plot svg');
    expect(await violations()).toEqual([]);
    await fresh.close();
  });

  it('blocks a script that was slipped into a page of the copy afterwards', async () => {
    const tampered = join(siteDir, 'tampered.html');
    writeFileSync(
      tampered,
      readFileSync(join(siteDir, 'index.html'), 'utf8').replace(
        '</main>',
        '<script>window.slipped = 1</script><img src="x" onerror="window.slipped = 2"></main>',
      ),
    );
    const fresh = await browser.newPage();
    const violations = await watchCsp(fresh);
    await fresh.goto(pathToFileURL(tampered).href);
    expect(await fresh.evaluate(() => (window as unknown as { slipped?: number }).slipped)).toBeUndefined();
    expect((await violations()).length).toBeGreaterThan(0);
    await fresh.close();
    rmSync(tampered);
  });
});

describe('opened from disk in Chromium', () => {
  it('every page says it is an offline copy, with build date, content version and the public site', async () => {
    await page.goto(home);
    const banner = page.locator('.offline-banner');
    expect(await banner.textContent()).toMatch(
      /^Offline copy, built \d{4}-\d{2}-\d{2}, content version [0-9a-f]{8}\. For updates, see the public site: https:\/\/qpcr\.example-lab\.org$/,
    );
    expect(await banner.locator('a').getAttribute('href')).toBe('https://qpcr.example-lab.org');
  });

  it('a center with no public address: the banner names none, and never a placeholder', async () => {
    await page.goto(minimalHome);
    const banner = page.locator('.offline-banner');
    expect(await banner.textContent()).toMatch(/^Offline copy, built \d{4}-\d{2}-\d{2}, content version [0-9a-f]{8}\.$/);
    expect(await banner.locator('a').count()).toBe(0);
  });

  it('navigation reaches every kind of page', async () => {
    await page.goto(home);
    const visited: string[] = [];
    const diagrams: number[] = [];
    // A click starts the navigation; reading the page before it has loaded read half a document under CI load (the heading was
    // there, the diagram further down not yet).
    const follow = (link: ReturnType<typeof page.locator>) => Promise.all([page.waitForEvent('load'), link.click()]);
    for (const [nav, then] of [
      ['FAQ', 'main .card-list a'],
      ['Troubleshooting', 'main .card h2 a'],
      ['Protocols', 'main .card-list h2 a'],
      ['References', undefined],
    ] as const) {
      await follow(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: nav, exact: true }));
      expect(page.url()).toMatch(/\/index\.html$/);
      visited.push((await page.locator('h1').textContent()) ?? '');
      if (then) {
        await follow(page.locator(then).first());
        expect(page.url()).toMatch(/\/index\.html$/);
        expect(await page.locator('main h1').count()).toBe(1);
        visited.push((await page.locator('h1').textContent()) ?? '');
        diagrams.push(await page.locator('figure.diagram svg').count());
      }
    }
    await follow(page.locator('.brand'));
    expect(page.url()).toBe(home);
    expect(visited).toHaveLength(7);
    expect(visited).toContain('Protocol 1: Two-step RT-qPCR with an intercalating dye');
    // The first protocol draws its workflow from disk; the FAQ entry and the guide have no diagram.
    expect(diagrams).toEqual([0, 0, 1]);
  });

  it.each([
    ['inhibitors', '/troubleshooting/sybr-green-qpcr/index.html', 'efficiency-out-of-range'],
    ['straight line', '/protocols/primer-efficiency/index.html', 'slope'],
    ['air-dry', '/protocols/rna-isolation/index.html', 'dissolve'],
  ])('search for %s finds its section and opens it', async (query, file, section) => {
    await page.goto(home);
    await page.locator('#search-input').fill(query);
    await page.waitForFunction((q) => document.getElementById('search-status')?.textContent?.includes(`“${q}”`), query);
    const sub = page.locator(`#search-results .search-subresults a[href*="${file}"][href$="#${section}"]`);
    expect(await sub.count()).toBeGreaterThan(0);
    // The URL changes as the navigation commits, before the new page's document is there.
    await Promise.all([page.waitForEvent('load'), sub.first().click()]);
    const url = new URL(page.url());
    expect(url.protocol).toBe('file:');
    expect(url.pathname.endsWith(file)).toBe(true);
    expect(url.hash).toBe(`#${section}`);
    expect(await page.locator(`[id="${section}"]`).count()).toBe(1);
    await page.waitForSelector('main mark.search-hit');
  });

  it('the PDF link opens a file that is in the copy', async () => {
    await page.goto(home.replace(/index\.html$/, 'protocols/primer-efficiency/index.html'));
    const pdf = await linkTarget('a[data-pdf-link]');
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    // Chromium either shows the PDF in its viewer or downloads it; both open the file from disk.
    const opened = await Promise.race([
      page.waitForEvent('download').then((d) => d.url()),
      page.waitForURL(/\.pdf$/).then(() => page.url()),
      page
        .locator('a[data-pdf-link]')
        .click()
        .then(() => new Promise<never>(() => undefined)),
    ]);
    expect(fileURLToPath(opened)).toBe(pdf);
  });

  it('citations download from disk, and the copy button copies or, where the clipboard is refused, selects the citation', async () => {
    await page.goto(home);
    const bib = await linkTarget('a[href$="cite/document.bib"]');
    expect(readFileSync(bib, 'utf8')).toMatch(/^@misc\{examplelab2026qpcr,/);
    await page.getByRole('button', { name: 'Copy citation' }).click();
    await page.waitForFunction(() => document.querySelector('.copy-status')?.textContent);
    const status = await page.locator('.copy-status').textContent();
    if (status === 'Copied to the clipboard.') return;
    expect(status).toBe('Selected: press Ctrl+C (or Cmd+C) to copy.');
    expect(await page.evaluate(() => window.getSelection()?.toString())).toContain('RT-qPCR Gene Expression Support Center. Example Lab, 2026.');
  });

  it('run mode works from disk: a checked step survives a reload, and reset clears it', () =>
    inFreshBrowser(async (tab) => {
      await tab.goto(home.replace(/index\.html$/, 'protocols/two-step-rt-qpcr/index.html'));
      await tab.getByRole('button', { name: 'Start run' }).click();
      await tab.getByRole('checkbox', { name: 'Done: Remove genomic DNA' }).check();
      // Run mode keeps a copy of the run in the tab (src/tools/run-mode.ts), so a write Chromium loses does not lose the run.
      await reloadAfterWrite(tab, 'hrs-run:two-step-rt-qpcr', (value) => value !== null && value.includes('"steps":["dnase"]'));
      // Run mode comes back on its own: its code loads for the stored run. If it does not, say what the page saw.
      // Run mode comes back on its own, its code loaded for the stored run.
      const runBack = () =>
        tab.waitForSelector('.run-check', { timeout: 15_000 }).catch(async () => {
          const ready = await tab.evaluate(() => document.querySelector<HTMLElement>('[data-run]')?.dataset.runReady ?? 'not set');
          throw new Error(`run mode did not come back after the reload (its code loaded: ${ready}); ${problems.join('; ') || 'no page error'}`);
        });
      await runBack();
      expect(await tab.getByRole('checkbox', { name: 'Done: Remove genomic DNA' }).isChecked()).toBe(true);
      expect(await tab.getByRole('group', { name: 'Timer: DNase treatment' }).locator('.run-timer-clock').textContent()).toBe('15:00');
      await tab.getByRole('button', { name: 'Reset progress' }).click();
      expect(await tab.getByRole('checkbox', { name: 'Done: Remove genomic DNA' }).isChecked()).toBe(false);
      await reloadAfterWrite(tab, 'hrs-run:two-step-rt-qpcr', (value) => value !== null && !value.includes('"steps":["dnase"]'));
      await runBack();
      expect(await tab.getByRole('checkbox', { name: 'Done: Remove genomic DNA' }).isChecked()).toBe(false);
      await tab.getByRole('button', { name: 'End run' }).click();
    }));

  it('the IC50 calculator fits and exports from disk (the minimal center’s copy)', async () => {
    await page.goto(minimalHome.replace(/index\.html$/, 'tools/ic50/index.html'));
    await page.locator('#line-a').fill(doseResponse(2.5));
    await page.getByRole('button', { name: 'Fit' }).click();
    await page.waitForSelector('.ic50-results');
    // The absolute IC50 (where the curve crosses 50 %): the midpoint 2.5 times (50 / 45)^(1 / 1.2), for bottom 5 and Hill 1.2.
    expect(Number(await page.locator('.ic50-results tbody tr td').first().textContent())).toBeCloseTo(2.5 * (50 / 45) ** (1 / 1.2), 2);
    for (const name of ['Download parameters (CSV)', 'Download plot (SVG)', 'Download plot (PNG)']) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
      expect(readFileSync((await download.path())!).length, name).toBeGreaterThan(100);
    }
  });

  it('a link with a 20,000-word ?highlight= marks only its first words, and search still works on that page', async () => {
    const words = Array.from({ length: 20_000 }, (_, i) => ['melt', 'curve', 'primer', 'dimer', 'control', 'template'][i % 6]! + (i % 97)).join('+');
    await page.goto(`${pathToFileURL(join(siteDir, 'faq/melt-curve/index.html')).href}?highlight=melt+curve+${words}`);
    type Search = { hrsSearch?: { ready: Promise<void> } };
    await page.waitForFunction(() => (window as unknown as Search).hrsSearch !== undefined, undefined, { timeout: 10_000 });
    await page.evaluate(() => (window as unknown as Search).hrsSearch!.ready);
    const marked = new Set(await page.locator('main mark.search-hit').allTextContents());
    expect(marked.size).toBeGreaterThan(0);
    expect(
      [...marked].every((text) => /melt|curve/i.test(text)),
      [...marked].join(', '),
    ).toBe(true);
    await page.locator('#search-input').fill('reference genes');
    await page.waitForSelector('#search-results a');
    expect(await page.locator('#search-results a').count()).toBeGreaterThan(0);
  });

  it('the theme toggle persists across a reload', () =>
    inFreshBrowser(async (tab) => {
      await tab.goto(home);
      const before = await tab.evaluate(
        () => document.documentElement.dataset.theme ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'),
      );
      const expected = before === 'dark' ? 'light' : 'dark';
      await tab.locator('[data-theme-toggle]').click();
      await tab.waitForFunction((t) => document.documentElement.dataset.theme === t, expected);
      // The theme is kept in the tab too, so a write Chromium lost does not show: no redo for it.
      await reloadAfterWrite(tab, 'theme', (value) => value === expected);
      expect(await tab.evaluate(() => document.documentElement.dataset.theme)).toBe(expected);
    }));

  it('made no network request: only files on disk, blob: for the packed search, and the browser’s own PDF viewer', () => {
    expect(requests.length).toBeGreaterThan(20);
    // chrome:// and chrome-extension:// are the browser's own PDF viewer, not the network.
    expect(requests.filter((u) => !/^(file|blob|data|chrome|chrome-extension):/.test(u))).toEqual([]);
    expect(requests.some((u) => u.startsWith('blob:'))).toBe(true);
  });
});
