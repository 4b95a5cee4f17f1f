/**
 * What only the default center has, in real Chromium: its data page (reached
 * from the header, its CSV on the site and in the offline copy, no axe or CSP
 * violation), its calculator's wording (Parental and Resistant, in µg/mL, the
 * resistance index), and its two diagrams' colours in both themes. The
 * generator behind each is tested on the fixture centers (test/e2e).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { unzipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import sirv from 'sirv';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations } from '../helpers/axe';
import { readPdf } from '../helpers/pdf';
import { launchBrowser } from '../helpers/browser';
import { contrastRatio } from '../helpers/contrast';
import { doseResponse } from '../helpers/dose-response';

const baseUrl = inject('baseUrl');
const distDir = inject('distDir');

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function withPage<T>(run: (page: Page) => Promise<T>, options: Parameters<Browser['newPage']>[0] = {}): Promise<T> {
  const page = await browser.newPage(options);
  try {
    return await run(page);
  } finally {
    await page.close();
  }
}

describe('the data page', () => {
  it('the header’s Data link opens it and marks it as current', async () => {
    await withPage(async (page) => {
      await page.goto(baseUrl + '/');
      const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Data', exact: true });
      const href = (await link.getAttribute('href'))!;
      expect(href).toBe('/data/');
      await Promise.all([page.waitForURL(baseUrl + href), link.click()]);
      expect(await page.locator('nav[aria-label="Main"] [aria-current="page"]').textContent()).toBe('Data');
      expect(await page.locator('h1').count()).toBe(1);
    });
  });

  describe('served with the security headers its build wrote', () => {
    const headers = Object.fromEntries(
      readFileSync(join(distDir, '_headers'), 'utf8')
        .split('\n')
        .filter((l) => /^\s+\S+:/.test(l))
        .map((l) => {
          const line = l.trim();
          return [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()];
        }),
    ) as Record<string, string>;
    let server: Server;
    let base: string;
    beforeAll(async () => {
      const serve = sirv(distDir, { dev: true, setHeaders: (res) => Object.entries(headers).forEach(([k, v]) => res.setHeader(k, v)) });
      server = createServer((req, res) =>
        serve(req, res, () => {
          res.statusCode = 404;
          res.end();
        }),
      );
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => {
      server?.close();
    });

    it.each(['/data/', '/tools/ic50/'])('%s loads with the policy enforced and no violation', async (path) => {
      await withPage(async (page) => {
        const seen: string[] = [];
        page.on('console', (m) => m.text().includes('Content Security Policy') && seen.push(m.text()));
        const response = await page.goto(base + path);
        expect(response?.headers()['content-security-policy']).toBe(headers['Content-Security-Policy']);
        await page.waitForLoadState('networkidle');
        expect(seen).toEqual([]);
      });
    });

    it.each(['light', 'dark'] as const)('/data/ has no axe violations (%s)', async (scheme) => {
      // axe is injected as an inline script, which the site's own policy rightly blocks.
      const context = await browser.newContext({ colorScheme: scheme, bypassCSP: true });
      const page = await context.newPage();
      await page.goto(base + '/data/');
      expect(await axeViolations(page)).toEqual([]);
      await context.close();
    });
  });

  it('on a 360 px phone the IC₅₀ table stays a table: every cell line’s status and IC₅₀ in view, side by side', async () => {
    await withPage(
      async (page) => {
        await page.goto(baseUrl + '/data/');
        const table = page.locator('table.data').first();
        expect(await table.evaluate((t) => getComputedStyle(t).display)).toBe('table');
        const rows = await table
          .locator('tbody tr')
          .evaluateAll((trs) =>
            trs.map((tr) => [...tr.children].slice(0, 3).map((cell) => ({ text: cell.textContent!.trim(), right: cell.getBoundingClientRect().right }))),
          );
        expect(rows.length).toBeGreaterThanOrEqual(4);
        for (const row of rows) for (const cell of row) expect(cell.right, cell.text).toBeLessThanOrEqual(360);
        // One row per line: the cells of a row share a top edge.
        expect(
          new Set(await table.locator('tbody tr:first-child > *').evaluateAll((cells) => cells.map((c) => Math.round(c.getBoundingClientRect().top)))).size,
        ).toBe(1);
      },
      { viewport: { width: 360, height: 740 } },
    );
  });

  it('in the offline copy, the CSV link opens a file that is in the copy', async () => {
    const unzipped = mkdtempSync(join(tmpdir(), 'hrs-content-offline-'));
    try {
      const zip = readdirSync(join(distDir, 'downloads'))[0]!;
      for (const [name, data] of Object.entries(unzipSync(readFileSync(join(distDir, 'downloads', zip))))) {
        if (name.endsWith('/')) continue;
        mkdirSync(dirname(join(unzipped, name)), { recursive: true });
        writeFileSync(join(unzipped, name), data);
      }
      const siteDir = join(unzipped, readdirSync(unzipped)[0]!);
      await withPage(async (page) => {
        await page.goto(pathToFileURL(join(siteDir, 'data/index.html')).href);
        const href = await page
          .locator('a[download]')
          .first()
          .evaluate((a) => (a as HTMLAnchorElement).href);
        const csv = fileURLToPath(href.split(/[?#]/)[0]!);
        expect(readFileSync(csv, 'utf8')).toMatch(/^\uFEFFcell_line,status,qualifier,value,error,unit/);
        const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a[download]').click()]);
        expect(download.suggestedFilename()).toBe('ic50-herceptin.csv');
      });
    } finally {
      rmSync(unzipped, { recursive: true, force: true });
    }
  });
});

describe('the IC50 calculator in the center’s words', () => {
  it('names the lines Parental and Resistant, gives IC50s in µg/mL and their ratio as the resistance index', async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/tools/ic50/`);
    await page.locator('#line-a').fill(doseResponse(2.5));
    await page.locator('#line-b').fill(doseResponse(25));
    await page.getByRole('button', { name: 'Fit' }).click();
    await page.waitForSelector('.ic50-results');
    expect((await page.$$eval('.ic50-results thead th', (ths) => ths.map((th) => th.textContent!)))[1]).toMatch(/^IC₅₀ \(µg\/mL\)/);
    const rows = await page.$$eval('.ic50-results tbody tr', (trs) => trs.map((tr) => tr.children[0]!.textContent));
    expect(rows).toEqual(['Parental', 'Resistant']);
    expect(await page.locator('.ic50-index').textContent()).toBe('Resistance index (IC₅₀ Resistant / IC₅₀ Parental): 10');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download parameters (CSV)' }).click()]);
    const lines = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\r\n');
    // Line, relation, absolute IC50 (the midpoint 2.5 times (50 / 45)^(1 / 1.2) for bottom 5 and Hill 1.2), unit.
    expect(lines[1]!.split(',').slice(0, 4)).toEqual(['Parental', '=', expect.stringMatching(/^2\.72|^2\.73/), 'µg/mL']);
    expect(lines[3]).toMatch(/^Resistance index,=,(9\.99|10)/);
    await context.close();
  });

  it('has no axe violations with results shown in the center’s words', async () => {
    await withPage(async (page) => {
      await page.goto(`${baseUrl}/tools/ic50/`);
      await page.locator('#line-a').fill(doseResponse(2.5));
      await page.locator('#line-b').fill(doseResponse(25));
      await page.getByRole('button', { name: 'Fit' }).click();
      await page.waitForSelector('.ic50-results');
      expect(await axeViolations(page)).toEqual([]);
    });
  });
});

describe('diagrams', () => {
  it('the long workflow shows once on screen, and prints in slices instead, each with its arrowheads', async () => {
    await withPage(async (page) => {
      await page.goto(baseUrl + '/protocols/resistant-cell-lines/');
      const shown = () =>
        page.evaluate(() => {
          const figure = document.querySelector('figure.diagram-sliced')!;
          const visible = (el: Element) => getComputedStyle(el).display !== 'none' && el.getBoundingClientRect().height > 0;
          const slices = [...figure.querySelectorAll('.diagram-print svg')];
          return {
            whole: visible(figure.querySelector('.diagram-scroll svg')!),
            slices: slices.filter(visible).length,
            arrowheads: slices.map(
              (svg) => [...svg.querySelectorAll('[marker-end]')].filter((p) => svg.querySelector(p.getAttribute('marker-end')!.slice(4, -1))).length,
            ),
          };
        });
      const screen = await shown();
      expect(screen.whole).toBe(true);
      expect(screen.slices).toBe(0);
      await page.emulateMedia({ media: 'print' });
      const paper = await shown();
      expect(paper.whole).toBe(false);
      expect(paper.slices).toBeGreaterThanOrEqual(2);
      for (const count of paper.arrowheads) expect(count).toBeGreaterThan(0);
    });
  });

  /** Computed colours of every node shape with its label, and of every edge label against the diagram background. */
  const diagramColours = (page: Page) =>
    page.evaluate(() => {
      const fill = (el: Element) => getComputedStyle(el).fill;
      const nodes = [...document.querySelectorAll('figure.diagram .node')].map((node) => {
        const shape = node.querySelector('rect, polygon, path, circle')!;
        const text = node.querySelector('text')!;
        return { label: text.textContent, background: fill(shape), text: fill(text) };
      });
      const background = getComputedStyle(document.querySelector('.diagram-scroll')!).backgroundColor;
      const edgeLabels = [...document.querySelectorAll('figure.diagram .edgeLabel text')].map((t) => ({ label: t.textContent, text: fill(t), background }));
      return [...nodes, ...edgeLabels];
    });

  it.each(['/', '/protocols/resistant-cell-lines/'])(
    '%s: colours follow the theme toggle, and text contrast is at least 4.5:1 in both themes',
    async (path) => {
      await withPage(
        async (page) => {
          await page.goto(baseUrl + path);
          const light = await diagramColours(page);
          await page.locator('[data-theme-toggle]').click();
          const dark = await diagramColours(page);
          expect(light.length).toBeGreaterThan(10);
          expect(dark.map((c) => c.background)).not.toEqual(light.map((c) => c.background));
          expect(dark.map((c) => c.text)).not.toEqual(light.map((c) => c.text));
          const weak = [...light, ...dark].filter((c) => contrastRatio(c.text, c.background) < 4.5).map((c) => `${c.label}: ${c.text} on ${c.background}`);
          expect(weak).toEqual([]);
        },
        { colorScheme: 'light' },
      );
    },
  );
});

describe('the run sheet of the default center', () => {
  it('prints the IHC protocol’s steps with no step left alone on a page (step 9 once printed alone on page 3)', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'run-sheet-'));
    try {
      await withPage(async (page) => {
        await page.addInitScript(() => (window.print = () => undefined));
        await page.goto(baseUrl + '/protocols/ihc-ffpe/');
        await page.getByRole('button', { name: 'Print run sheet' }).click();
        await page.locator('.run-sheet').waitFor({ state: 'attached' });
        const steps = (await page.locator('.run-sheet table').nth(2).locator('tbody tr > :first-child').allTextContents()).map((t) => t.trim().slice(0, 22));
        expect(steps.length).toBe(9);
        await page.emulateMedia({ media: 'print' });
        const file = join(scratch, 'ihc-run-sheet.pdf');
        writeFileSync(file, await page.pdf({ format: 'A4' }));
        const pages = (await readPdf(file)).pages.map((text) => text.replace(/\s+/g, ' '));
        const perPage = pages.map((text) => steps.filter((step) => text.includes(step)).length);
        expect(
          perPage.reduce((a, b) => a + b, 0),
          JSON.stringify(perPage),
        ).toBe(9);
        for (const count of perPage) expect(count, JSON.stringify(perPage)).not.toBe(1);
      });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
