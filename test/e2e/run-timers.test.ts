/**
 * Run-mode timers keep their deadline across a reload and a visit elsewhere, and announce their end where the reader
 * is looking, under a fake clock (the second-topic fixture's 15-minute DNase timer).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser } from '../helpers/browser';

const url = `${inject('fixtureBaseUrl')}/protocols/two-step-rt-qpcr/`;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  page = await context.newPage();
  await page.clock.install({ time: new Date('2026-05-04T09:00:00Z') });
});
afterAll(async () => {
  await browser?.close();
});

const timer = () => page.getByRole('group', { name: 'Timer: DNase treatment' });
const clockText = async () => (await timer().locator('.run-timer-clock').textContent())?.trim();
/** Seconds left on the timer. The fake clock also moves with real time (a page load takes a moment), so checks allow a few seconds. */
const secondsLeft = async () => {
  const [m, s] = (await clockText())!.split(':').map(Number);
  return m! * 60 + s!;
};
const about = (seconds: number) => async () => Math.abs((await secondsLeft()) - seconds) <= 5;

describe('run-mode timers', () => {
  it('keep running across a reload and a visit to another page, from their deadline', async () => {
    await page.goto(url);
    await page.getByRole('button', { name: 'Start run' }).click();
    await timer().getByRole('button', { name: 'Start' }).click();
    await page.clock.fastForward('05:00');
    await expect.poll(about(600)).toBe(true);
    await page.reload();
    await expect.poll(about(600)).toBe(true);
    expect(await timer().getByRole('button', { name: 'Pause' }).count()).toBe(1);
    // Away for four minutes: the time passes all the same.
    await page.goto(`${inject('fixtureBaseUrl')}/faq/`);
    await page.clock.fastForward('04:00');
    await page.goto(url);
    await expect.poll(about(360)).toBe(true);
  });

  it('announce the end in an alert that is on screen on a phone', async () => {
    await page.clock.fastForward('06:10');
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.isVisible()).toBe(true);
    // Within seconds of its end the alert says so plainly; later, it also says when the timer ended.
    expect(await alert.textContent()).toMatch(/^Time is up: DNase treatment(\.| \(it ended at )/);
    const box = (await alert.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(740);
    expect(box.x + box.width).toBeLessThanOrEqual(360);
  });

  it('start clean, and say so, from a stored run they cannot use', async () => {
    await page.evaluate(() => localStorage.setItem('hrs-run:two-step-rt-qpcr', JSON.stringify({ version: '1.0' })));
    await page.reload();
    await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/could not be read .* a new run starts clean/);
    expect(await page.getByRole('checkbox', { name: 'Done: Check the RNA' }).count()).toBe(1);
  });
});
