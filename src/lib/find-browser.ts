import { existsSync } from 'node:fs';

/** Where a Chromium-family browser is looked for, after `CHROME_PATH`. */
const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
];

/** The one line shown when no browser is found. */
export const NO_BROWSER_HINT = 'No Chromium or Chrome found: set CHROME_PATH to its executable, or install one (Debian: apt-get install -y chromium).';

/** Flags for headless Chromium on a machine with no network and no sandbox support. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Path of the browser to drive: `CHROME_PATH` if set, else the first one installed; undefined if none. */
export function findBrowser(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CHROME_PATH) {
    if (!existsSync(env.CHROME_PATH)) return undefined;
    return env.CHROME_PATH;
  }
  return CANDIDATES.find((path) => existsSync(path));
}
