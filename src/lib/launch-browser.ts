import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserType } from 'playwright-core';
import { CHROMIUM_ARGS } from './find-browser.ts';

/** The start of the name of each launched browser's temporary folder, in the system's temporary folder. */
export const BROWSER_TEMP_PREFIX = 'support-center-browser-';

/**
 * Launches the headless browser that renders diagrams or prints PDFs, with a temporary folder of its own, removed once the
 * browser has closed (or this process exits first).
 *
 * Why: Playwright starts Chromium with `--disable-dev-shm-usage`, so Chromium keeps its shared memory as files in the temporary
 * folder (`.org.chromium.Chromium.XXXXXX`), each removed right after it is opened. A process of the browser ended between the
 * two (a renderer still drawing when the browser closes) leaves its file there for good; in a folder of the browser's own it
 * goes with the folder. `chromium` is passed in: this module does not load the browser driver.
 */
export async function launchHeadless(chromium: BrowserType, executablePath: string): Promise<Browser> {
  const temp = mkdtempSync(join(tmpdir(), BROWSER_TEMP_PREFIX));
  const remove = () => {
    process.off('exit', remove);
    rmSync(temp, { recursive: true, force: true, maxRetries: 3 });
  };
  process.on('exit', remove);
  try {
    const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, env: { ...process.env, TMPDIR: temp } });
    // Emitted once the browser's process has ended, whether closed or gone.
    browser.on('disconnected', remove);
    return browser;
  } catch (error) {
    remove();
    throw error;
  }
}
