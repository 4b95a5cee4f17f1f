/**
 * Run-mode timers keep their deadline across a reload and a visit elsewhere, and announce their end where the reader
 * is looking, on the page and as a system notification where the reader allowed one, under a fake clock (the second-topic
 * fixture's 15-minute DNase timer).
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
    // On the protocol's own page first: run alone, the test would otherwise write to about:blank's storage, which has none.
    await page.goto(url);
    await page.evaluate(() => localStorage.setItem('hrs-run:two-step-rt-qpcr', JSON.stringify({ version: '1.0' })));
    await page.reload();
    await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/could not be read .* a new run starts clean/);
    expect(await page.getByRole('checkbox', { name: 'Done: Check the RNA' }).count()).toBe(1);
  });
});

describe('run-mode timers and system notifications', () => {
  /** A fresh page on the protocol under a fake clock, its Notification constructor wrapped to record what it is asked to show. */
  async function openWith(allowNotifications: boolean) {
    const context = await browser.newContext();
    if (allowNotifications) await context.grantPermissions(['notifications'], { origin: new URL(url).origin });
    await context.addInitScript(() => {
      const Real = window.Notification;
      const seen = { attempted: [] as string[], shown: [] as string[] };
      (window as unknown as { notifications: typeof seen }).notifications = seen;
      window.Notification = class extends Real {
        constructor(title: string, options?: NotificationOptions) {
          seen.attempted.push(title);
          super(title, options);
          seen.shown.push(title);
        }
      };
    });
    const page = await context.newPage();
    await page.clock.install({ time: new Date('2026-05-04T09:00:00Z') });
    await page.goto(url);
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.getByRole('group', { name: 'Timer: DNase treatment' }).getByRole('button', { name: 'Start' }).click();
    await page.clock.fastForward('15:10');
    await expect.poll(() => page.getByRole('alert').isVisible()).toBe(true);
    const seen = await page.evaluate(() => (window as unknown as { notifications: { attempted: string[]; shown: string[] } }).notifications);
    const permission = await page.evaluate(() => Notification.permission);
    await context.close();
    return { seen, permission };
  }

  it('show a system notification naming the step when the timer ends, where the reader allowed notifications', async () => {
    const { seen, permission } = await openWith(true);
    expect(permission).toBe('granted');
    expect(seen.shown).toEqual([expect.stringMatching(/^Time is up: DNase treatment\b/)]);
  });

  it('do not try to show one where the reader has not allowed notifications', async () => {
    const { seen, permission } = await openWith(false);
    expect(permission).not.toBe('granted');
    expect(seen.attempted).toEqual([]);
  });
});
