/**
 * `npm run dev`: the time from saving an edit to a protocol to the browser showing it. Starts the dev server on a center, opens the
 * protocol's page in Chromium, appends a sentence to the protocol's file and waits until the open page shows it (the dev server
 * reloads the page itself); the time of each edit after the first page load, in seconds.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findBrowser } from '../../src/lib/find-browser.ts';
import { freePort } from '../lib/free-port.ts';

export async function devReloadSeconds(root: string, contentDir: string, protocol: string, edits = 3): Promise<number[]> {
  const executablePath = findBrowser();
  if (!executablePath) throw new Error('no Chromium for the dev-server measurement');
  const port = await freePort();
  const server = spawn(process.execPath, ['scripts/astro.ts', 'dev', '--port', String(port), '--host', '127.0.0.1'], {
    cwd: root,
    env: { ...process.env, SITE_CONTENT_DIR: contentDir, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the dev server did not start:\n${output}`)), 120_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    };
    server.stdout!.on('data', read);
    server.stderr!.on('data', read);
    server.on('exit', () => reject(new Error(`the dev server stopped:\n${output}`)));
  });
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.goto(`${url}/protocols/${protocol}/`, { waitUntil: 'load', timeout: 120_000 });
    const times: number[] = [];
    for (let i = 1; i <= edits; i++) {
      const marker = `Edited for the dev-server measurement, round ${i}.`;
      const started = performance.now();
      const logged = output.length;
      appendFileSync(join(contentDir, 'protocols', `${protocol}.mdx`), `\n${marker}\n`);
      try {
        await page.waitForFunction((text) => document.body?.innerText.includes(text), marker, { timeout: 120_000, polling: 50 });
      } catch (error) {
        // What is needed to tell where the edit was lost: did the server take it (a request of its own), and what did it log.
        const served = await fetch(`${url}/protocols/${protocol}/`)
          .then(async (r) => ((await r.text()).includes(marker) ? 'a new request gets the edit' : 'a new request still gets the old page'))
          .catch((e: Error) => `a new request failed (${e.message})`);
        // Astro's dev server keeps its content store in the project's .astro folder: whether the edit reached it.
        let stored: string;
        try {
          stored = readFileSync(join(root, '.astro', 'data-store.json'), 'utf8').includes(marker) ? 'its content store holds the edit' : 'its content store does not hold the edit';
        } catch (e) {
          stored = `its content store could not be read (${(e as Error).message})`;
        }
        const log = output.slice(logged).trim().split('\n').slice(-12).join(' | ') || 'nothing';
        throw new Error(`edit ${i} did not reach the open page within 120 s; ${served}; ${stored}; the server logged after the edit: ${log}`, { cause: error });
      }
      times.push((performance.now() - started) / 1000);
    }
    return times;
  } finally {
    await browser.close();
    try {
      process.kill(-server.pid!, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
}
