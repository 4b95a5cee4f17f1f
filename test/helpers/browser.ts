/** Launches the system Chromium through playwright-core, with the project's flags. */
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, findBrowser, NO_BROWSER_HINT } from '../../src/lib/find-browser.ts';

export async function launchBrowser(): Promise<Browser> {
  const executablePath = findBrowser();
  if (!executablePath) throw new Error(NO_BROWSER_HINT);
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}
