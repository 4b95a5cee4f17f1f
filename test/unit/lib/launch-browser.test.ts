/**
 * The browser that renders diagrams and prints PDFs keeps its temporary files in a folder of its own, removed when it closes:
 * Chromium keeps its shared memory as files there, and one left by a process ended at the wrong moment (a renderer still drawing
 * when the browser closed) once stayed in the temporary folder after a watch had stopped.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { findHeadlessBrowser } from '../../../src/lib/find-browser';
import { BROWSER_TEMP_PREFIX, launchHeadless } from '../../../src/lib/launch-browser';

let temp: string;
const systemTemp = process.env.TMPDIR;
beforeEach(() => {
  temp = mkdtempSync(join(tmpdir(), 'launch-browser-'));
  process.env.TMPDIR = temp;
});
afterEach(() => {
  if (systemTemp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = systemTemp;
  rmSync(temp, { recursive: true, force: true });
});

/** The browsers' folders, and Chromium's shared-memory files, in the temporary folder. */
const ours = () => readdirSync(temp).filter((f) => f.startsWith(BROWSER_TEMP_PREFIX) || f.startsWith('.org.chromium.'));

/** The browser's processes' temporary folders, read from their environment. */
function browserTempDirs(executablePath: string): string[] {
  const pids = spawnSync('pgrep', ['-f', executablePath], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  return pids.flatMap((pid) => {
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      return env.filter((v) => v.startsWith(`TMPDIR=${temp}/`)).map((v) => v.slice('TMPDIR='.length));
    } catch {
      return [];
    }
  });
}

it('gives the browser a temporary folder of its own, and removes it with what is left in it once the browser has closed', { timeout: 60_000 }, async () => {
  const executablePath = findHeadlessBrowser();
  expect(executablePath, 'a Chromium to launch').toBeDefined();
  const browser = await launchHeadless(chromium, executablePath!);
  const page = await browser.newPage();
  await page.setContent('<p>A page drawn, so that its renderer takes shared memory.</p>');
  await page.pdf();
  // Beside Playwright's own folders (its profile, which it removes itself).
  const own = ours();
  expect(own).toHaveLength(1);
  // Chromium's processes were started with it as their temporary folder.
  expect(new Set(browserTempDirs(executablePath!))).toEqual(new Set([join(temp, own[0]!)]));
  // What a renderer ended between creating and removing its shared-memory file leaves.
  writeFileSync(join(temp, own[0]!, '.org.chromium.Chromium.left1'), '');
  await browser.close();
  expect(ours()).toEqual([]);
});

it('removes the folder when the browser cannot start', { timeout: 60_000 }, async () => {
  await expect(launchHeadless(chromium, join(temp, 'no-such-browser'))).rejects.toThrow();
  expect(ours()).toEqual([]);
});
