/**
 * The browsers the tests drive: the system Chromium (diagrams, PDFs, browser
 * tests) and Firefox (the offline bundle). Found through CHROME_PATH /
 * FIREFOX_PATH, then the usual places. Where one is missing and this run can
 * install it (root on Debian), it is installed once, with one line saying so;
 * elsewhere the run stops with one line on how to get it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findBrowser } from '../../src/lib/find-browser.ts';

export function findFirefox(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.FIREFOX_PATH) return existsSync(env.FIREFOX_PATH) ? env.FIREFOX_PATH : undefined;
  return ['/usr/bin/firefox-esr', '/usr/bin/firefox', '/Applications/Firefox.app/Contents/MacOS/firefox'].find((p) => existsSync(p));
}

/** Debian package → whether it is missing. */
function missing(): string[] {
  return [...(findBrowser() ? [] : ['chromium']), ...(findFirefox() ? [] : ['firefox-esr'])];
}

export function ensureBrowsers(): void {
  const needed = missing();
  if (needed.length === 0) return;
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall)
    throw new Error(
      `The tests need ${needed.join(' and ')}: install ${needed.length === 1 ? 'it' : 'them'} (Debian: apt-get install -y ${needed.join(' ')}), or set CHROME_PATH / FIREFOX_PATH.`,
    );
  console.log(`[test] installing ${needed.join(' and ')} from Debian (once; the browser tests and the PDF export need ${needed.length === 1 ? 'it' : 'them'})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args: string[]) => spawnSync('apt-get', args, { env, encoding: 'utf8' });
  const update = run(['update', '-qq']);
  const install = update.status === 0 ? run(['install', '-y', '-qq', '--no-install-recommends', ...needed]) : update;
  if (install.status !== 0 || missing().length > 0)
    throw new Error(`[test] could not install ${needed.join(' and ')} with apt-get: ${(install.stderr || install.stdout).trim().split('\n').pop()}`);
}
