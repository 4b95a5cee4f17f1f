/**
 * A full run record in Chromium, on the RT-qPCR fixture's two-step protocol: start a run, name the operator, tick a material
 * and a step, run a timer, type a lot number and a deviation, reload (all of it is still there), export the record as JSON
 * (it parses against its schema), end the run (it is kept and listed), and print the record (its PDF holds the version and
 * the fingerprint); a running timer reset is recorded as a reset.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RunRecordSchema } from '../../src/schemas/run-record';
import { launchBrowser } from '../helpers/browser';
import { loadPage, unpackOfflineCopy } from '../helpers/built-site';
import { qrCodesPerPage, readPdf } from '../helpers/pdf';

const baseUrl = inject('fixtureBaseUrl');
const distDir = inject('fixtureDistDir');
const url = `${baseUrl}/protocols/two-step-rt-qpcr/`;
const fingerprint = loadPage(distDir, '/protocols/two-step-rt-qpcr/')('.versions .fingerprint').text();
const scratch = mkdtempSync(join(tmpdir(), 'run-record-'));
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  page = await (await browser.newContext({ acceptDownloads: true })).newPage();
});
afterAll(async () => {
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function exported(): Promise<unknown> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export record (JSON)' }).first().click()]);
  const file = join(scratch, download.suggestedFilename());
  await download.saveAs(file);
  return JSON.parse(readFileSync(file, 'utf8'));
}

describe('a run record', () => {
  it('records who, when, which lots and what deviated, through a reload, and exports it as JSON of its schema', async () => {
    await page.goto(url);
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.getByLabel('Operator').fill('A. Researcher');
    const material = page.locator('.materials > li').first();
    const materialName = (await material.locator('strong').textContent())!.trim();
    await material.locator('.run-check').check();
    await page.getByLabel(`Lot number of ${materialName}`).fill('LOT-4711');
    await page.getByRole('checkbox', { name: 'Done: Check the RNA' }).check();
    const timer = page.getByRole('group', { name: 'Timer: DNase treatment' });
    await timer.getByRole('button', { name: 'Start' }).click();
    await timer.getByRole('button', { name: 'Pause' }).click();
    await page.getByLabel('Deviation in step Remove genomic DNA').fill('50 µL instead of 100 µL');
    // Typing is saved as it happens: a reload keeps it all.
    await page.reload();
    await expect.poll(() => page.getByRole('checkbox', { name: 'Done: Check the RNA' }).isChecked()).toBe(true);
    expect(await page.getByLabel('Operator').inputValue()).toBe('A. Researcher');
    expect(await page.getByLabel(`Lot number of ${materialName}`).inputValue()).toBe('LOT-4711');
    expect(await page.getByLabel('Deviation in step Remove genomic DNA').inputValue()).toBe('50 µL instead of 100 µL');

    const record = RunRecordSchema.parse(await exported());
    expect(record.protocol).toMatchObject({ slug: 'two-step-rt-qpcr', version: '1.0', fingerprint });
    expect(record.operator).toBe('A. Researcher');
    expect(record.lots).toEqual({ [materialName]: 'LOT-4711' });
    expect(record.deviations).toEqual({ dnase: '50 µL instead of 100 µL' });
    expect(record.done).toEqual(['rna-check']);
    expect(record.ended).toBeUndefined();
    expect(record.events.map((e) => e.kind)).toEqual(['started', 'material-ready', 'step-done', 'timer-started', 'timer-paused']);
    expect(record.events.find((e) => e.kind === 'timer-started')).toMatchObject({ step: 'dnase', timer: 'DNase treatment', round: 1 });
    for (const e of record.events) expect(Date.parse(e.at)).toBeGreaterThanOrEqual(Date.parse(record.started));
  });

  it('is kept and listed when the run ends, and several runs can be kept', async () => {
    await page.getByRole('button', { name: 'End run' }).click();
    await expect.poll(() => page.locator('[data-run-records] li').count()).toBe(1);
    expect(await page.locator('[data-run-records] li').first().textContent()).toContain('A. Researcher · 1 of 6 steps done');
    // A second run, ended at once.
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.getByLabel('Operator').fill('B. Researcher');
    await page.getByRole('button', { name: 'End run' }).click();
    await expect.poll(() => page.locator('[data-run-records] li').count()).toBe(2);
    // Newest first; the kept list survives a reload (the run-mode code loads for it).
    await page.reload();
    await expect.poll(() => page.locator('[data-run-records] li').count()).toBe(2);
    expect(await page.locator('[data-run-records] li').first().textContent()).toContain('B. Researcher');
    const record = RunRecordSchema.parse(await exported());
    expect(record.operator).toBe('B. Researcher');
    expect(record.ended).toBeDefined();
    expect(record.events.at(-1)!.kind).toBe('ended');
  });

  it('prints with the protocol, its version and fingerprint, the lots and the deviations', async () => {
    await page.evaluate(() => (window.print = () => undefined));
    await page.locator('[data-run-records] li').nth(1).getByRole('button', { name: 'Print record' }).click();
    await page.emulateMedia({ media: 'print' });
    const file = join(scratch, 'record.pdf');
    writeFileSync(file, await page.pdf({ format: 'A4' }));
    await page.emulateMedia({ media: 'screen' });
    const text = (await readPdf(file)).pages.join('\n').replace(/\s+/g, ' ');
    expect(text).toContain('Run record: Protocol 1: Two-step RT-qPCR with an intercalating dye');
    expect(text).toContain(`Version 1.0 · fingerprint ${fingerprint} · operator A. Researcher`);
    expect(text).toContain('LOT-4711');
    expect(text).toContain('50 µL instead of 100 µL');
    expect(text).toContain('Timer started: DNase treatment, round 1');
    // Every printed page says what it is, with the version and fingerprint, and carries the QR code of the same in its foot.
    const { pages } = await readPdf(file);
    pages.forEach((p, i) => expect(p.replace(/\s+/g, ' '), `page ${i + 1}`).toContain(`Version 1.0 · fingerprint ${fingerprint}`));
    for (const [i, qr] of (await qrCodesPerPage(file)).entries()) expect(qr, `page ${i + 1}`).toContain(fingerprint);
  });
});

describe('a timer reset while it runs', () => {
  it('is recorded as a reset, not as a pause', async () => {
    const fresh = await (await browser.newContext({ acceptDownloads: true })).newPage();
    await fresh.goto(url);
    await fresh.getByRole('button', { name: 'Start run' }).click();
    const timer = fresh.getByRole('group', { name: 'Timer: DNase treatment' });
    await timer.getByRole('button', { name: 'Start' }).click();
    await timer.getByRole('button', { name: 'Reset' }).click();
    await expect.poll(() => timer.getByRole('button', { name: 'Start' }).count()).toBe(1);
    const [download] = await Promise.all([fresh.waitForEvent('download'), fresh.getByRole('button', { name: 'Export record (JSON)' }).first().click()]);
    const file = join(scratch, 'reset.json');
    await download.saveAs(file);
    const record = RunRecordSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    expect(record.events.map((e) => e.kind)).toEqual(['started', 'timer-started', 'timer-reset']);
    expect(record.events.at(-1)).toMatchObject({ step: 'dnase', timer: 'DNase treatment', round: 1 });
    await fresh.context().close();
  });
});

describe('a run record from the offline copy, over file://', () => {
  it('is kept and exported as JSON of its schema, with no network', async () => {
    const site = unpackOfflineCopy(distDir, join(scratch, 'offline'));
    const offline = await (await browser.newContext({ acceptDownloads: true })).newPage();
    const outside: string[] = [];
    offline.on('request', (r) => !r.url().startsWith('file:') && !r.url().startsWith('blob:') && !r.url().startsWith('data:') && outside.push(r.url()));
    await offline.goto(pathToFileURL(join(site, 'protocols/two-step-rt-qpcr/index.html')).href);
    await offline.getByRole('button', { name: 'Start run' }).click();
    await offline.getByLabel('Operator').fill('C. Researcher');
    await offline.getByRole('checkbox', { name: 'Done: Check the RNA' }).check();
    await offline.getByRole('button', { name: 'End run' }).click();
    await expect.poll(() => offline.locator('[data-run-records] li').count()).toBe(1);
    const [download] = await Promise.all([
      offline.waitForEvent('download'),
      offline.locator('[data-run-records] li').first().getByRole('button', { name: 'Export record (JSON)' }).click(),
    ]);
    const file = join(scratch, 'offline.json');
    await download.saveAs(file);
    const record = RunRecordSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    expect(record).toMatchObject({ operator: 'C. Researcher', done: ['rna-check'], protocol: { fingerprint } });
    expect(outside).toEqual([]);
    await offline.context().close();
  });
});
