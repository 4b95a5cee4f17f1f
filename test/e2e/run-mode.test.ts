/**
 * Protocol run mode in Chromium: the checklist survives a reload and can be
 * reset, timers count down to a visible alert, overnight waits are reminders,
 * a new protocol version starts a clean run, and the code loads only on use.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations } from '../helpers/axe';
import { launchBrowser } from '../helpers/browser';

const baseUrl = inject('baseUrl');
const url = `${baseUrl}/protocols/western-blot-p-akt/`;
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function fresh(): Promise<Page> {
  const context = await browser.newContext();
  return context.newPage();
}

/** A run started on a fresh page whose clock the test moves, and the blocking step's timer. */
async function runWithClock() {
  const page = await fresh();
  await page.clock.install();
  await page.goto(url);
  await page.getByRole('button', { name: 'Start run' }).click();
  return { page, blocking: page.getByRole('group', { name: 'Timer: Block in 5% BSA in TBST' }) };
}

describe('run mode', () => {
  it('loads its code only when the reader starts a run', async () => {
    const page = await fresh();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(new URL(r.url()).pathname));
    await page.goto(url);
    await page.waitForLoadState('networkidle');
    expect(requested).not.toContain('/tools/run-mode.js');
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForSelector('.run-check');
    expect(requested).toContain('/tools/run-mode.js');
    await page.context().close();
  });

  it('keeps checked materials and steps across a reload, and resets them', async () => {
    const page = await fresh();
    await page.goto(url);
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.getByRole('checkbox', { name: /^Have: Cell lysis buffer/ }).check();
    await page.getByRole('checkbox', { name: 'Done: Blocking' }).check();
    await page.reload();
    await page.waitForSelector('.run-check');
    expect(await page.getByRole('checkbox', { name: /^Have: Cell lysis buffer/ }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Done: Blocking' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Done: Cell lysis' }).isChecked()).toBe(false);
    await page.getByRole('button', { name: 'Reset progress' }).click();
    expect(await page.getByRole('checkbox', { name: 'Done: Blocking' }).isChecked()).toBe(false);
    await page.reload();
    await page.waitForSelector('.run-check');
    expect(await page.getByRole('checkbox', { name: 'Done: Blocking' }).isChecked()).toBe(false);
    await page.context().close();
  });

  it('times a step to a visible alert, and repeats a 3 × 10 minute wash round by round', async () => {
    const { page, blocking } = await runWithClock();
    expect(await blocking.locator('.run-timer-clock').textContent()).toBe('1:00:00');
    await blocking.getByRole('button', { name: 'Start' }).click();
    await page.clock.runFor(30 * 60_000);
    expect(await blocking.locator('.run-timer-clock').textContent()).toBe('30:00');
    await page.clock.runFor(30 * 60_000 + 1000);
    expect(await page.getByRole('alert').textContent()).toBe('Time is up: Block in 5% BSA in TBST.');

    const wash = page.getByRole('group', { name: 'Timer: Wash in TBST' }).first();
    await wash.getByRole('button', { name: 'Start' }).click();
    await page.clock.runFor(10 * 60_000 + 1000);
    expect(await page.getByRole('alert').textContent()).toBe('Time is up: Wash in TBST, round 1 of 3.');
    expect(await wash.locator('.run-timer-round').textContent()).toBe('round 2 of 3');
    expect(await wash.locator('.run-timer-clock').textContent()).toBe('10:00');
    await page.context().close();
  });

  it('asks before ending a run while a timer runs, and a timer stopped that way never rings', async () => {
    const { page, blocking } = await runWithClock();
    await blocking.getByRole('button', { name: 'Start' }).click();
    const questions: string[] = [];
    page.once('dialog', (d) => (questions.push(d.message()), void d.dismiss()));
    await page.getByRole('button', { name: 'End run' }).click();
    expect(questions).toEqual(['A timer is still running. End the run and stop it?']);
    expect(await page.locator('.run-check').count()).toBeGreaterThan(0);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'End run' }).click();
    expect(await page.locator('.run-check').count()).toBe(0);
    await page.clock.runFor(61 * 60_000);
    expect(await page.locator('[data-run-alert]').isHidden()).toBe(true);
    await page.context().close();
  });

  it('shows an overnight incubation as a reminder, not a countdown', async () => {
    const page = await fresh();
    await page.goto(url);
    await page.getByRole('button', { name: 'Start run' }).click();
    const step = page.locator('li[data-step="primary-antibody"]');
    expect(await step.locator('.run-reminder').textContent()).toBe('Reminder: Overnight at 4 °C with gentle agitation: come back the next day.');
    expect(await step.locator('.run-timer').count()).toBe(0);
    await page.context().close();
  });

  it('starts a clean run, and says why, when the protocol version changed', async () => {
    const page = await fresh();
    await page.goto(url);
    await page.evaluate(() =>
      localStorage.setItem('hrs-run:western-blot-p-akt', JSON.stringify({ version: '0.9', materials: [0], steps: ['blocking'], started: '2026-01-01' })),
    );
    await page.reload();
    await page.waitForSelector('.run-check');
    expect(await page.getByRole('status').filter({ hasText: 'changed' }).textContent()).toBe(
      'This protocol changed from version 0.9 to 1.0 since your last run, so that run was cleared and a new one starts clean.',
    );
    expect(await page.getByRole('checkbox', { name: 'Done: Blocking' }).isChecked()).toBe(false);
    await page.context().close();
  });

  it('prints a run sheet with blanks for date, operator, lot numbers and notes, and a line per step', async () => {
    const page = await fresh();
    await page.addInitScript(() => {
      window.print = () => {
        (window as unknown as { printed: number }).printed = ((window as unknown as { printed?: number }).printed ?? 0) + 1;
      };
    });
    await page.goto(url);
    await page.getByRole('button', { name: 'Print run sheet' }).click();
    await page.waitForFunction(() => (window as unknown as { printed?: number }).printed === 1);
    const sheet = page.locator('.run-sheet');
    expect(await sheet.locator('.sheet-fields tbody th').allTextContents()).toEqual(['Date', 'Operator', 'Cell line / samples']);
    expect(await sheet.locator('table').nth(1).locator('thead th').allTextContents()).toEqual(['Material', 'Lot number', 'Ready']);
    expect(await sheet.locator('table').nth(2).locator('tbody tr').count()).toBe(11);
    expect(await sheet.locator('table').nth(2).locator('tbody tr').nth(6).textContent()).toContain('7. Washing');
    expect(await sheet.locator('h3').textContent()).toBe('Notes');
    await page.emulateMedia({ media: 'print' });
    expect(await sheet.isVisible()).toBe(true);
    expect(await page.locator('main').isVisible()).toBe(false);
    await page.context().close();
  });

  it('has no axe violations while a run is on', async () => {
    const page = await fresh();
    await page.goto(url);
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForSelector('.run-timer');
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });
});
