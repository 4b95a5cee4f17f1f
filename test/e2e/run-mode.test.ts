/**
 * Protocol run mode in Chromium, on the RT-qPCR fixture center: the checklist
 * survives a reload and can be reset, timers count down to a visible alert,
 * multi-round timers go round by round, overnight waits are reminders, a new
 * protocol version starts a clean run, and the code loads only on use.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations } from '../helpers/axe';
import { launchBrowser } from '../helpers/browser';
import { qrCodesPerPage, readPdf } from '../helpers/pdf';

const scratch = mkdtempSync(join(tmpdir(), 'run-sheet-'));

const baseUrl = inject('fixtureBaseUrl');
/** Two-step RT-qPCR: six steps, a 2-hour reverse transcription among its timers. */
const url = `${baseUrl}/protocols/two-step-rt-qpcr/`;
/** RNA isolation: an overnight stabilisation (a reminder) and a 2 × 5 minute ethanol wash. */
const rnaIsolation = `${baseUrl}/protocols/rna-isolation/`;
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await browser?.close();
});

async function fresh(): Promise<Page> {
  const context = await browser.newContext();
  return context.newPage();
}

/** A run started on a fresh page whose clock the test moves, and the reverse transcription's 2-hour timer. */
async function runWithClock(at = url) {
  const page = await fresh();
  await page.clock.install();
  await page.goto(at);
  await page.getByRole('button', { name: 'Start run' }).click();
  return { page, incubation: page.getByRole('group', { name: 'Timer: Reverse transcription at 37 °C' }) };
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
    await page.getByRole('checkbox', { name: /^Have: Total RNA/ }).check();
    await page.getByRole('checkbox', { name: 'Done: Remove genomic DNA' }).check();
    await page.reload();
    await page.waitForSelector('.run-check');
    expect(await page.getByRole('checkbox', { name: /^Have: Total RNA/ }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Done: Remove genomic DNA' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Done: Check the RNA' }).isChecked()).toBe(false);
    await page.getByRole('button', { name: 'Reset progress' }).click();
    expect(await page.getByRole('checkbox', { name: 'Done: Remove genomic DNA' }).isChecked()).toBe(false);
    await page.reload();
    await page.waitForSelector('.run-check');
    expect(await page.getByRole('checkbox', { name: 'Done: Remove genomic DNA' }).isChecked()).toBe(false);
    await page.context().close();
  });

  it('keeps the latest tick when the browser lost its localStorage write, from the tab’s own copy, and heals the browser’s', async () => {
    // Chromium loses a file:// localStorage write now and then (src/tools/run-mode.ts); here the loss is made by hand.
    const key = 'hrs-run:two-step-rt-qpcr';
    const page = await fresh();
    await page.goto(url);
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.getByRole('checkbox', { name: 'Done: Remove genomic DNA' }).check();
    const before = await page.evaluate((k) => localStorage.getItem(k)!, key);
    await page.getByRole('checkbox', { name: 'Done: Check the RNA' }).check();
    // The last write lost: the browser holds the run as it was one tick before.
    await page.evaluate(([k, v]) => localStorage.setItem(k!, v!), [key, before]);
    await page.reload();
    await page.waitForSelector('.run-check');
    expect(await page.getByRole('checkbox', { name: 'Done: Check the RNA' }).isChecked()).toBe(true);
    // Every write lost: the browser holds no run at all.
    await page.evaluate((k) => localStorage.removeItem(k), key);
    await page.reload();
    await page.waitForSelector('.run-check');
    expect(await page.getByRole('checkbox', { name: 'Done: Remove genomic DNA' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Done: Check the RNA' }).isChecked()).toBe(true);
    expect(await page.evaluate((k) => localStorage.getItem(k), key)).toContain('"steps":["dnase","rna-check"]');
    await page.context().close();
  });

  it('keeps an ended run’s record that the browser lost, from the tab’s own copy', async () => {
    const page = await fresh();
    await page.goto(url);
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.getByRole('checkbox', { name: 'Done: Remove genomic DNA' }).check();
    await page.getByRole('button', { name: 'End run' }).click();
    await expect.poll(() => page.locator('[data-run-records] li').count()).toBe(1);
    // The write of the kept records lost, as Chromium loses file:// writes now and then.
    await page.evaluate(() => localStorage.removeItem('hrs-records:two-step-rt-qpcr'));
    await page.reload();
    await expect.poll(() => page.locator('[data-run-records] li').count()).toBe(1);
    expect(await page.locator('[data-run-records] li').first().textContent()).toContain('1 of 6 steps done');
    await page.context().close();
  });

  it('does not bring back, from a tab’s own copy, a run ended in another tab', async () => {
    const context = await browser.newContext();
    const first = await context.newPage();
    await first.goto(url);
    await first.getByRole('button', { name: 'Start run' }).click();
    await first.getByRole('checkbox', { name: 'Done: Remove genomic DNA' }).check();
    const second = await context.newPage();
    await second.goto(url);
    await second.waitForSelector('.run-check');
    await second.getByRole('button', { name: 'End run' }).click();
    await first.reload();
    await first.waitForLoadState('networkidle');
    expect(await first.locator('.run-check').count()).toBe(0);
    expect(await first.getByRole('button', { name: 'Start run' }).isVisible()).toBe(true);
    await context.close();
  });

  it('times a step of hours to a visible alert', async () => {
    const { page, incubation } = await runWithClock();
    expect(await incubation.locator('.run-timer-clock').textContent()).toBe('2:00:00');
    await incubation.getByRole('button', { name: 'Start' }).click();
    await page.clock.runFor(90 * 60_000);
    expect(await incubation.locator('.run-timer-clock').textContent()).toBe('30:00');
    await page.clock.runFor(30 * 60_000 + 1000);
    expect(await page.getByRole('alert').textContent()).toBe('Time is up: Reverse transcription at 37 °C.');
    await page.context().close();
  });

  it('repeats a 2 × 5 minute wash round by round', async () => {
    const { page } = await runWithClock(rnaIsolation);
    const wash = page.getByRole('group', { name: 'Timer: Ethanol wash spin' });
    expect(await wash.locator('.run-timer-clock').textContent()).toBe('05:00');
    await wash.getByRole('button', { name: 'Start' }).click();
    await page.clock.runFor(5 * 60_000 + 1000);
    expect(await page.getByRole('alert').textContent()).toBe('Time is up: Ethanol wash spin, round 1 of 2. Start round 2 when ready.');
    // The timer itself shows that the next round waits for the reader, not only the alert.
    expect(await wash.locator('.run-timer-round').textContent()).toBe('round 2 of 2: ready to start');
    expect(await wash.evaluate((el) => el.classList.contains('next-round'))).toBe(true);
    expect(await wash.locator('.run-timer-clock').textContent()).toBe('05:00');
    await page.context().close();
  });

  it('asks before ending a run while a timer runs, and a timer stopped that way never rings', async () => {
    const { page, incubation } = await runWithClock();
    await incubation.getByRole('button', { name: 'Start' }).click();
    const questions: string[] = [];
    page.once('dialog', (d) => (questions.push(d.message()), void d.dismiss()));
    await page.getByRole('button', { name: 'End run' }).click();
    expect(questions).toEqual(['A timer is still running. End the run and stop it?']);
    expect(await page.locator('.run-check').count()).toBeGreaterThan(0);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'End run' }).click();
    expect(await page.locator('.run-check').count()).toBe(0);
    await page.clock.runFor(121 * 60_000);
    expect(await page.locator('[data-run-alert]').isHidden()).toBe(true);
    await page.context().close();
  });

  it('shows an overnight incubation as a reminder, not a countdown', async () => {
    const page = await fresh();
    await page.goto(rnaIsolation);
    await page.getByRole('button', { name: 'Start run' }).click();
    const step = page.locator('li[data-step="stabilise"]');
    expect(await step.locator('.run-reminder').textContent()).toBe('Reminder: Overnight at 4 °C in stabilisation solution: come back the next day.');
    expect(await step.locator('.run-timer').count()).toBe(0);
    await page.context().close();
  });

  it('starts a clean run, and says why, when the protocol version changed', async () => {
    const page = await fresh();
    await page.goto(url);
    await page.evaluate(() =>
      localStorage.setItem('hrs-run:two-step-rt-qpcr', JSON.stringify({ version: '0.9', materials: [0], steps: ['dnase'], started: '2026-01-01' })),
    );
    await page.reload();
    await page.waitForSelector('.run-check');
    expect(await page.getByRole('status').filter({ hasText: 'changed' }).textContent()).toBe(
      'This protocol changed from version 0.9 to 1.0 since your last run, so that run was cleared and a new one starts clean.',
    );
    expect(await page.getByRole('checkbox', { name: 'Done: Remove genomic DNA' }).isChecked()).toBe(false);
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
    expect(await sheet.locator('table').nth(2).locator('tbody tr').count()).toBe(6);
    expect(await sheet.locator('table').nth(2).locator('tbody tr').nth(3).textContent()).toContain('4. Set up the plate');
    expect(await sheet.locator('h3').textContent()).toBe('Notes');
    // Conditions as the page shows them, without the full stops kept for screen readers; a step without any says so.
    const conditions = await sheet.locator('table').nth(2).locator('tbody tr td:nth-child(2)').allTextContents();
    expect(conditions[1]).toBe('Time: 15 minutes; Inactivation: EDTA, then 10 minutes at 65 °C');
    expect(conditions[3]).toBe('—');
    expect(conditions.join(' ')).not.toMatch(/\.;|\.$/);
    await page.emulateMedia({ media: 'print' });
    expect(await sheet.isVisible()).toBe(true);
    expect(await page.locator('main').isVisible()).toBe(false);
    // Printed, every page names the protocol, its version and fingerprint, says which page it is, and carries the QR code.
    const fingerprint = await page.locator('[data-run]').getAttribute('data-fingerprint');
    expect(fingerprint).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const file = join(scratch, 'run-sheet.pdf');
    writeFileSync(file, await page.pdf({ format: 'A4' }));
    const pdf = await readPdf(file);
    expect(pdf.pages.length).toBeGreaterThan(1);
    pdf.pages.forEach((page, i) => {
      const text = page.replace(/\s+/g, ' ');
      expect(text).toContain(`Page ${i + 1} of ${pdf.pages.length}`);
      // What it is on one line, its version and fingerprint on the next.
      expect(text).toMatch(new RegExp(`Run sheet: Protocol 1: Two-step RT-qPCR with an intercalating dye(?: ·)? Version 1\\.0 · fingerprint ${fingerprint}`));
    });
    expect(await qrCodesPerPage(file)).toEqual(pdf.pages.map(() => `https://qpcr.example-lab.org/check/?f=${fingerprint}`));
    await page.context().close();
  });

  it.each([url, rnaIsolation])('has no axe violations while a run is on (%s)', async (at) => {
    const page = await fresh();
    await page.goto(at);
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForSelector('.run-timer');
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });
});
