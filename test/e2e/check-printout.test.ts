/**
 * "Check a printout" in Chromium, on the RT-qPCR fixture center (two versions of its primer-efficiency protocol): online and from
 * the unzipped offline copy over file://, a current, a superseded and an unknown fingerprint each get their answer; the QR code
 * printed with a protocol reads back as the check page's address with the fingerprint filled in.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import jsQR from 'jsqr';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadPage, unpackOfflineCopy } from '../helpers/built-site';
import { launchBrowser } from '../helpers/browser';
import { watchCsp } from '../helpers/csp';
import { qrCodesPerPage, readPdf } from '../helpers/pdf';

const distDir = inject('fixtureDistDir');
const baseUrl = inject('fixtureBaseUrl');
const unzipped = mkdtempSync(join(tmpdir(), 'check-offline-'));
const offlineRoot = unpackOfflineCopy(distDir, unzipped);

const protocol = loadPage(distDir, '/protocols/primer-efficiency/');
const [current, older] = protocol('.versions .fingerprint')
  .map((_, c) => protocol(c).text())
  .get() as [string, string];

let browser: Browser;
let page: Page;
beforeAll(async () => {
  browser = await launchBrowser();
  page = await browser.newPage();
});
afterAll(async () => {
  await browser?.close();
  rmSync(unzipped, { recursive: true, force: true });
});

/** The answer the page shows (the one visible answer's text). */
const answer = (on: Page = page) =>
  on.$$eval('.check-answer', (els) => els.filter((e) => !(e as HTMLElement).hidden).map((e) => e.textContent!.replace(/\s+/g, ' ').trim()));

describe.each([
  ['online', () => `${baseUrl}/check/`],
  ['offline, over file://', () => pathToFileURL(join(offlineRoot, 'check/index.html')).href],
])('Check a printout (%s)', (_where, url) => {
  it('answers "current" for the current version, from the address a QR code opens', async () => {
    const fresh = await browser.newPage();
    const csp = await watchCsp(fresh);
    await fresh.goto(`${url()}?f=${current}`);
    const shown = await answer(fresh);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatch(/^Current: this is Protocol 2: Primer efficiency from a standard curve, version 1\.1 of 1 November 2026/);
    expect(await fresh.locator('#fingerprint').inputValue()).toBe(current);
    // The page's own script runs under the offline copy's Content-Security-Policy.
    expect(await csp()).toEqual([]);
    await fresh.close();
  });

  it('answers "superseded by 1.1" with the changes since, for a fingerprint typed the way a person types it', async () => {
    await page.goto(url());
    expect((await answer())[0]).toMatch(/^Type the eight characters of the fingerprint/);
    await page.locator('#fingerprint').fill(` ${older.toLowerCase().replace('-', ' ')} `);
    await page.getByRole('button', { name: 'Check' }).click();
    const shown = await answer();
    expect(shown).toHaveLength(1);
    expect(shown[0]).toContain(
      'Superseded: this printout is Protocol 2: Primer efficiency from a standard curve, version 1.0 of 1 October 2026. Version 1.1 of 1 November 2026 replaced it.',
    );
    expect(shown[0]).toContain('Replicates: Duplicate → Triplicate');
  });

  it('answers an unknown fingerprint in words, naming what was typed', async () => {
    await page.goto(`${url()}?f=ZZZZ-9999`);
    const shown = await answer();
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatch(/^No protocol of this center has the fingerprint ZZZZ-9999\./);
  });
});

describe('the QR code printed with a protocol', () => {
  it('reads back as the check page with the fingerprint filled in', async () => {
    const svg = protocol('.printout-check svg').toString();
    const fresh = await browser.newPage();
    await fresh.setContent(`<body style="margin:0;background:#fff">${svg.replace(/width="[^"]+" height="[^"]+"/, 'width="330" height="330"')}</body>`);
    const pixels = await fresh.evaluate(async () => {
      const svgEl = document.querySelector('svg')!;
      const image = new Image();
      image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(svgEl))}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = 330;
      canvas.height = 330;
      const context = canvas.getContext('2d')!;
      context.drawImage(image, 0, 0, 330, 330);
      return Array.from(context.getImageData(0, 0, 330, 330).data);
    });
    await fresh.close();
    const decoded = jsQR(Uint8ClampedArray.from(pixels), 330, 330);
    expect(decoded?.data).toBe(`https://qpcr.example-lab.org/check/?f=${current}`);
  });
});

describe.each([
  ['online', () => `${baseUrl}/protocols/primer-efficiency/`],
  ['from the offline copy, over file://', () => pathToFileURL(join(offlineRoot, 'protocols/primer-efficiency/index.html')).href],
])('a protocol printed from the browser (%s)', (where, url) => {
  it('carries its version, date and fingerprint on every page, and the QR code of the same', async () => {
    const fresh = await browser.newPage();
    const csp = await watchCsp(fresh);
    await fresh.goto(url());
    await fresh.emulateMedia({ media: 'print' });
    // As the browser prints it: the page's own @page margins and margin boxes, no header or footer of the PDF export's.
    const file = join(unzipped, `browser-print-${where.length}.pdf`);
    writeFileSync(file, await fresh.pdf({ preferCSSPageSize: true }));
    // The QR code is a data: image in a margin box, which the policy (online, and the offline copy's own) allows.
    expect(await csp()).toEqual([]);
    await fresh.close();
    const { pages } = await readPdf(file);
    expect(pages.length).toBeGreaterThan(1);
    for (const text of pages) expect(text.replace(/\s+/g, ' ')).toContain(`Version 1.1 · 2026-11-01 · fingerprint ${current}`);
    // Every page's foot, the first page's too (the offline copy's banner prints on it, not on a page of its own).
    expect(await qrCodesPerPage(file)).toEqual(pages.map(() => `https://qpcr.example-lab.org/check/?f=${current}`));
  });
});
