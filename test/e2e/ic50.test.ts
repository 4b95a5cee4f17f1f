/**
 * The IC50 calculator in Chromium: paste data for two lines, read the IC50s
 * and the resistance index, export CSV, SVG and PNG; bad data gets a clear
 * message and no fit; the code loads only on use; no axe violations.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations } from '../helpers/axe';
import { launchBrowser } from '../helpers/browser';
import { doseResponse } from '../helpers/dose-response';

const baseUrl = inject('baseUrl');

let browser: Browser;
let page: Page;
beforeAll(async () => {
  browser = await launchBrowser();
  page = await (await browser.newContext({ acceptDownloads: true })).newPage();
});
afterAll(async () => {
  await browser?.close();
});

async function fit(parental: string, resistant = ''): Promise<void> {
  await page.goto(`${baseUrl}/tools/ic50/`);
  await page.getByLabel('Concentration, then replicate viabilities, one row per concentration').first().fill(parental);
  await page.getByLabel('Concentration, then replicate viabilities, one row per concentration').nth(1).fill(resistant);
  await page.getByRole('button', { name: 'Fit' }).click();
  await page.waitForFunction(() => document.getElementById('ic50-output')!.childElementCount > 0);
}

describe('IC50 calculator', () => {
  it('loads its code only when the reader starts to use it', async () => {
    const fresh = await browser.newPage();
    const requested: string[] = [];
    fresh.on('request', (r) => requested.push(new URL(r.url()).pathname));
    await fresh.goto(`${baseUrl}/tools/ic50/`);
    await fresh.waitForLoadState('networkidle');
    expect(requested).not.toContain('/tools/ic50.js');
    await fresh.locator('#line-a').focus();
    await fresh.waitForFunction(() => document.getElementById('ic50-form')!.dataset.ready === 'yes');
    expect(requested).toContain('/tools/ic50.js');
    await fresh.close();
  });

  it('fits a parental and a resistant line and gives the resistance index', async () => {
    await fit(doseResponse(2.5), doseResponse(25));
    const rows = await page.$$eval('.ic50-results tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    expect(rows.map((r) => r[0])).toEqual(['Parental', 'Resistant']);
    expect(Number(rows[0]![1])).toBeCloseTo(2.5, 2);
    expect(Number(rows[1]![1])).toBeCloseTo(25, 1);
    expect(Number(rows[0]![3])).toBeCloseTo(1.2, 2);
    expect(rows[0]![6]).toBe('1.0000');
    expect(await page.locator('.ic50-index').textContent()).toBe('Resistance index (IC₅₀ Resistant / IC₅₀ Parental): 10');
    expect(await page.locator('.ic50-plot svg circle').count()).toBe(20);
  });

  it('exports the parameters as CSV and the plot as SVG and PNG', async () => {
    await fit(doseResponse(2.5), doseResponse(25));
    const save = async (name: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
      return { file: download.suggestedFilename(), data: readFileSync((await download.path())!) };
    };
    const csv = await save('Download parameters (CSV)');
    expect(csv.file).toBe('ic50-fit.csv');
    const lines = csv.data.toString('utf8').trim().split('\r\n');
    expect(lines[0]).toBe('line,ic50,unit,ci95_low,ci95_high,hill_slope,top,bottom,r_squared,points');
    expect(Number(lines[1]!.split(',')[1])).toBeCloseTo(2.5, 3);
    expect(lines[1]!.split(',')[2]).toBe('µg/mL');
    expect(lines[3]).toMatch(/^Resistance index,(9\.99|10)/);
    const svg = await save('Download plot (SVG)');
    expect(svg.data.toString('utf8')).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    const png = await save('Download plot (PNG)');
    expect(png.data.subarray(1, 4).toString()).toBe('PNG');
  });

  it.each([
    ['a cell that is not a number', '0.1\t98\n1\tabc\n10\t12\n100\t5', /Parental: Row 2, column 2: "abc" is not a number\./],
    ['fewer points than parameters', '0.1\t98\n1\t50\n10\t5', /Parental: 3 data points: the four-parameter model needs at least 4/],
    ['a zero concentration', '0\t100\n0.1\t98\n1\t50\n10\t5', /Parental: Row 1: a concentration of 0 cannot go on a log axis/],
    ['no inhibition', '0.1\t99\n1\t98\n10\t99\n100\t97\n300\t98', /Parental: No inhibition/],
    [
      'an IC50 beyond the tested range',
      doseResponse(30).split('\n').slice(0, 7).join('\n'),
      /Parental: The fitted IC50 lies above the highest concentration tested \(10\); it is not reported/,
    ],
  ])('bad input, %s, gets a clear message and no fit', async (_name, data, message) => {
    await fit(data);
    expect(await page.getByRole('alert').textContent()).toMatch(message);
    expect(await page.locator('.ic50-results').count()).toBe(0);
  });

  it('has no axe violations with results shown', async () => {
    await fit(doseResponse(2.5), doseResponse(25));
    expect(await axeViolations(page)).toEqual([]);
  });
});
