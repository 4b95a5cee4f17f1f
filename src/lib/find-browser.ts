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

/**
 * Chromium's headless shell: the same Blink without the browser around it. It renders the diagrams and prints the PDFs byte for
 * byte as Chromium does, starts in about a third of the time and prints a page in about half, so the build prefers it.
 */
const HEADLESS_SHELL_CANDIDATES = ['/usr/bin/chromium-headless-shell', '/usr/bin/chrome-headless-shell'];

/** The one line shown when no browser is found. */
export const NO_BROWSER_HINT =
  'No Chromium or Chrome found: set CHROME_PATH to its executable, or install one (Debian: apt-get install -y chromium-headless-shell, the fastest for diagrams and PDFs, or chromium).';

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
export function findBrowser(env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): string | undefined {
  if (env.CHROME_PATH) {
    if (!exists(env.CHROME_PATH)) return undefined;
    return env.CHROME_PATH;
  }
  return CANDIDATES.find((path) => exists(path));
}

/**
 * The browser the build renders diagrams and prints PDFs with, where nobody looks at a window: `CHROME_PATH` if set, else
 * Chromium's headless shell when it is installed, else the browser {@link findBrowser} finds.
 */
export function findHeadlessBrowser(env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): string | undefined {
  if (env.CHROME_PATH) return findBrowser(env, exists);
  return HEADLESS_SHELL_CANDIDATES.find((path) => exists(path)) ?? findBrowser(env, exists);
}
