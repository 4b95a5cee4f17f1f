/**
 * The browsers the tests drive: the system Chromium (browser tests; diagrams
 * and PDFs where its headless shell is not installed) and Firefox (the offline
 * bundle). Found through CHROME_PATH / FIREFOX_PATH, then the usual places.
 * Where one is missing and this run can install it (root on Debian), it is
 * installed once, with one line saying so; elsewhere the run stops with one
 * line on how to get it. Chromium's headless shell, which the build prefers
 * for diagrams and PDFs, is installed the same way where it can be, so the
 * builds tested are the fast ones; without it they print with Chromium.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findBrowser, findHeadlessBrowser } from '../../src/lib/find-browser.ts';

export function findFirefox(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.FIREFOX_PATH) return existsSync(env.FIREFOX_PATH) ? env.FIREFOX_PATH : undefined;
  return ['/usr/bin/firefox-esr', '/usr/bin/firefox', '/Applications/Firefox.app/Contents/MacOS/firefox'].find((p) => existsSync(p));
}

/** Debian package → whether it is missing. */
function missing(): string[] {
  return [...(findBrowser() ? [] : ['chromium']), ...(findFirefox() ? [] : ['firefox-esr'])];
}

const canInstall = () => process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const apt = (args: string[]) => spawnSync('apt-get', args, { env: aptEnv, encoding: 'utf8' });

export function ensureBrowsers(): void {
  ensureRequired();
  // Optional: a Debian release without the package, or no network, leaves the build printing with Chromium itself.
  if (!process.env.CHROME_PATH && findHeadlessBrowser() === findBrowser() && canInstall()) {
    console.log('[test] installing chromium-headless-shell from Debian (once; the build renders diagrams and prints PDFs with it)');
    const installShell = () => apt(['install', '-y', '-qq', '--no-install-recommends', 'chromium-headless-shell']);
    let install = installShell();
    // Package lists too old to know it, on a fresh machine: read them again, once.
    if (install.status !== 0 && apt(['update', '-qq']).status === 0) install = installShell();
    if (install.status !== 0 || findHeadlessBrowser() === findBrowser())
      console.log(
        `[test] chromium-headless-shell not installed (${(install.stderr || install.stdout).trim().split('\n').pop()}): diagrams and PDFs use Chromium`,
      );
  }
}

function ensureRequired(): void {
  const needed = missing();
  if (needed.length === 0) return;
  if (!canInstall())
    throw new Error(
      `The tests need ${needed.join(' and ')}: install ${needed.length === 1 ? 'it' : 'them'} (Debian: apt-get install -y ${needed.join(' ')}), or set CHROME_PATH / FIREFOX_PATH.`,
    );
  console.log(`[test] installing ${needed.join(' and ')} from Debian (once; the browser tests and the PDF export need ${needed.length === 1 ? 'it' : 'them'})`);
  const update = apt(['update', '-qq']);
  const install = update.status === 0 ? apt(['install', '-y', '-qq', '--no-install-recommends', ...needed]) : update;
  if (install.status !== 0 || missing().length > 0)
    throw new Error(`[test] could not install ${needed.join(' and ')} with apt-get: ${(install.stderr || install.stdout).trim().split('\n').pop()}`);
}
