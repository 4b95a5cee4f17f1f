/**
 * `astro dev` serves what the built site serves: search over the current content, run mode and the calculator. Each center
 * is served from a copy, with its own Astro cache, on a port the system gives (a random low port can be one `fetch` refuses).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { doseResponse } from '../helpers/dose-response';
import { launchBrowser } from '../helpers/browser';
import { freePort } from '../../scripts/lib/free-port';

const dir = mkdtempSync(join(tmpdir(), 'dev-server-'));
const servers: ChildProcess[] = [];
let browser: Browser;

/** Stops the dev servers started so far (Astro allows one per project at a time). */
async function stopAll(): Promise<void> {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((done) => {
          if (s.exitCode !== null) return done();
          s.once('exit', () => done());
          s.kill();
        }),
    ),
  );
}

/** Starts `npm run dev` for a center and resolves with its address once the search index of its content is ready. */
function dev(content: string, port: number): Promise<string> {
  const child = spawn(process.execPath, ['scripts/astro.ts', 'dev', '--host', '127.0.0.1', '--port', String(port), '--content', content], {
    // The test runner's own variables (NODE_ENV=test, VITEST…) would make Astro's Vite serve as in a test run, not as for an author.
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_ENV' && !k.startsWith('VITEST'))),
      SITE_CACHE_DIR: join(dir, `cache-${port}`),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  servers.push(child);
  let output = '';
  return new Promise((done, fail) => {
    const timeout = setTimeout(() => fail(new Error(`the dev server did not get ready:\n${output}`)), 90_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk;
      if (/search index of the current content ready/.test(output)) {
        clearTimeout(timeout);
        done(`http://127.0.0.1:${port}`);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
    child.on('exit', (code) => fail(new Error(`the dev server stopped (${code}):\n${output}`)));
  });
}

beforeAll(async () => {
  browser = await launchBrowser();
});
afterEach(stopAll);

/** Opens a page of the dev server; the first visit may reload once while Vite prepares the client's dependencies. */
async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForLoadState('networkidle');
  await page.goto(url, { waitUntil: 'networkidle' });
}
afterAll(async () => {
  await browser?.close();
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('astro dev', () => {
  it('searches the current content and runs a protocol', { timeout: 120_000 }, async () => {
    const content = join(dir, 'qpcr');
    cpSync(inject('fixtureContentDir'), content, { recursive: true });
    const base = await dev(content, await freePort());
    const page = await browser.newPage();
    await open(page, `${base}/faq/`);
    await page.locator('#search-input').fill('melt curve');
    await expect
      .poll(() => page.$$eval('#search-results > li > a', (as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname)), { timeout: 20_000 })
      .toContain('/faq/melt-curve/');
    await open(page, `${base}/protocols/two-step-rt-qpcr/`);
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.getByRole('checkbox', { name: 'Done: Check the RNA' }).check();
    await page.reload();
    await expect.poll(() => page.getByRole('checkbox', { name: 'Done: Check the RNA' }).isChecked(), { timeout: 10_000 }).toBe(true);
    await page.close();
  });

  it('shows an edit to a body, shows a body with an error as that error on its page, and recovers when it is fixed', { timeout: 120_000 }, async () => {
    const content = join(dir, 'edited');
    cpSync(inject('fixtureContentDir'), content, { recursive: true });
    const base = await dev(content, await freePort());
    const file = join(content, 'faq/melt-curve.mdx');
    const original = readFileSync(file, 'utf8');
    const body = async () => (await fetch(`${base}/faq/melt-curve/`)).text();
    expect(await body()).not.toContain('A sentence written while the server runs.');
    writeFileSync(file, `${original}\nA sentence written while the server runs.\n`);
    await expect.poll(body, { timeout: 20_000 }).toContain('A sentence written while the server runs.');
    // An element never closed: the page says what is wrong and where, instead of showing an empty text.
    writeFileSync(file, `${original}\nBroken <div class="x">never closed.\n`);
    await expect.poll(body, { timeout: 20_000 }).toMatch(/role="alert"[\s\S]*melt-curve\.mdx:\d+:\d+ +Expected a closing tag/);
    // Shown as a warning box whose message wraps on a phone instead of running off the screen.
    const phone = await browser.newPage({ viewport: { width: 360, height: 740 } });
    await open(phone, `${base}/faq/melt-curve/`);
    const box = await phone.locator('.content-error').evaluate((el) => {
      const style = getComputedStyle(el);
      const pre = el.querySelector('pre')!;
      return { border: style.borderTopStyle, background: style.backgroundColor, overflows: pre.scrollWidth > pre.clientWidth + 1 };
    });
    await phone.close();
    expect(box).toEqual({ border: 'solid', background: expect.not.stringMatching(/rgba\(0, 0, 0, 0\)|transparent/), overflows: false });
    writeFileSync(file, original);
    await expect.poll(body, { timeout: 20_000 }).not.toContain('role="alert"');
    expect(await body()).toContain('<div class="prose"><p>');
  });

  // The bodies' citation numbers come from references.yaml: an edit to it must reach every body, not only the reference list.
  it('renumbers the citations in the bodies when references.yaml changes', { timeout: 120_000 }, async () => {
    const content = join(dir, 'renumbered');
    cpSync(inject('fixtureContentDir'), content, { recursive: true });
    const base = await dev(content, await freePort());
    const page = async () => (await fetch(`${base}/faq/amplification-efficiency/`)).text();
    const cited = (html: string) => /id="cite-bustin-2009-miqe-1"[^>]*>(\d+)</.exec(html)?.[1];
    const listed = (html: string) => /id="ref-bustin-2009-miqe" value="(\d+)"/.exec(html)?.[1];
    const before = await page();
    expect([cited(before), listed(before)]).toEqual(['1', '1']);
    const file = join(content, 'references.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/(- id: bustin-2009-miqe\n\s+number:) 1\b/, '$1 9'));
    await expect.poll(async () => listed(await page()), { timeout: 30_000 }).toBe('9');
    await expect.poll(async () => cited(await page()), { timeout: 30_000 }).toBe('9');
  });

  it('adds a section when its first entry is written, with its page and its link', { timeout: 120_000 }, async () => {
    const content = join(dir, 'grown');
    cpSync('test/fixtures/centers/minimal', content, { recursive: true });
    const base = await dev(content, await freePort());
    const status = async (path: string) => (await fetch(`${base}${path}`)).status;
    expect(await status('/faq/')).toBe(404);
    mkdirSync(join(content, 'faq'));
    writeFileSync(
      join(content, 'faq', 'first-question.mdx'),
      `---\nquestion: Is a section added while the server runs?\nsummary: Yes, with its page and its link in the navigation.\norder: 1\ntopics:\n  - general\n---\n\nIt was written while the server ran.\n`,
    );
    await expect.poll(() => status('/faq/first-question/').catch(() => 0), { timeout: 40_000 }).toBe(200);
    expect(await (await fetch(`${base}/faq/`)).text()).toContain('Is a section added while the server runs?');
    expect(await (await fetch(`${base}/`)).text()).toContain('href="/faq/"');
  });

  it('runs the dose–response calculator', { timeout: 120_000 }, async () => {
    const content = join(dir, 'minimal');
    cpSync('test/fixtures/centers/minimal', content, { recursive: true });
    const base = await dev(content, await freePort());
    const page = await browser.newPage();
    await open(page, `${base}/tools/ic50/`);
    await page.locator('#line-a').fill(doseResponse(2.5));
    await page.getByRole('button', { name: 'Fit' }).click();
    await expect.poll(() => page.locator('.ic50-results').textContent(), { timeout: 20_000 }).toMatch(/Line A/);
    await page.close();
  });
});
