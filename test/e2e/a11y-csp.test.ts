/**
 * Every page of the fixture centers (the RT-qPCR center, and the minimal center
 * for the IC50 calculator), each served with the security headers its build
 * writes to _headers: zero axe violations in light and in dark, at desktop and
 * 360 px phone width, and not one
 * Content-Security-Policy violation, including while searching, switching the
 * theme and fitting a curve.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sirv from 'sirv';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations } from '../helpers/axe';
import { launchBrowser } from '../helpers/browser';
import { watchCsp } from '../helpers/csp';
import { listFiles, urlOf } from '../helpers/built-site';
import { doseResponse } from '../helpers/dose-response';

/** Headers of the `/*` block of a _headers file. */
function parseHeaders(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => /^\s+\S+:/.test(l))
      .map((l) => [
        l.trim().slice(0, l.trim().indexOf(':')),
        l
          .trim()
          .slice(l.trim().indexOf(':') + 1)
          .trim(),
      ]),
  );
}

/** A built center, its pages, the headers its build wrote, and (once served) its address. */
interface Center {
  name: string;
  distDir: string;
  pages: string[];
  headers: Record<string, string>;
  base: string;
  server?: Server;
}
const centers: Center[] = (
  [
    ['qpcr', inject('fixtureDistDir')],
    ['minimal', inject('minimalDistDir')],
  ] as const
).map(([name, distDir]) => ({
  name,
  distDir,
  pages: listFiles(distDir)
    .filter((f) => f.endsWith('.html'))
    .map(urlOf)
    .sort(),
  headers: parseHeaders(readFileSync(join(distDir, '_headers'), 'utf8')),
  base: '',
}));
const [qpcr, minimal] = centers as [Center, Center];
/** Every page of every center, as [center, path]. */
const pages = centers.flatMap((c) => c.pages.map((p) => [c.name, p] as const));
const centerNamed = (name: string) => centers.find((c) => c.name === name)!;

let browser: Browser;
/**
 * The pages of the policy checks open in one browser context, each page afresh: a new context costs about half a second here,
 * more than loading the page.
 */
let context: BrowserContext;
beforeAll(async () => {
  for (const center of centers) {
    const serve = sirv(center.distDir, { dev: true, setHeaders: (res) => Object.entries(center.headers).forEach(([k, v]) => res.setHeader(k, v)) });
    center.server = createServer((req, res) =>
      serve(req, res, () => {
        res.statusCode = 404;
        res.end();
      }),
    );
    await new Promise<void>((done) => center.server!.listen(0, '127.0.0.1', done));
    center.base = `http://127.0.0.1:${(center.server.address() as AddressInfo).port}`;
  }
  browser = await launchBrowser();
  context = await browser.newContext();
});
afterAll(async () => {
  await browser?.close();
  for (const center of centers) center.server?.close();
});

/** Records CSP violations of a page from its first script on. */
describe('security headers', () => {
  it.each(centers.map((c) => c.name))(
    '%s: _headers sets CSP, Referrer-Policy, X-Content-Type-Options and Permissions-Policy, with no outside origin',
    (name) => {
      const { headers } = centerNamed(name);
      expect(Object.keys(headers).sort()).toEqual(['Content-Security-Policy', 'Permissions-Policy', 'Referrer-Policy', 'X-Content-Type-Options']);
      expect(headers['Content-Security-Policy']).not.toMatch(/https?:|\*|'unsafe-eval'/);
      expect(headers['Content-Security-Policy']).toMatch(/script-src 'self' 'wasm-unsafe-eval'( 'sha256-[A-Za-z0-9+/=]+')+;/);
    },
  );

  it('covers the pages of both centers, the calculator among them', () => {
    expect(qpcr.pages.length).toBeGreaterThan(10);
    expect(minimal.pages).toContain('/tools/ic50/');
  });

  // Each of these cases opens a page of its own and mostly waits (for the network to be idle): they run side by side.
  it.concurrent.each(pages)('%s %s loads with the policy enforced and no violation', async (name, path) => {
    const { base, headers } = centerNamed(name);
    const page = await context.newPage();
    const violations = await watchCsp(page);
    const response = await page.goto(base + path);
    expect(response?.headers()['content-security-policy']).toBe(headers['Content-Security-Policy']);
    await page.waitForLoadState('networkidle');
    expect(await violations()).toEqual([]);
    await page.close();
  });

  it.concurrent.each(qpcr.pages)(
    '%s, from a host that sends no headers, still runs under its own policy (a meta element): no violation, and a slipped-in script is blocked',
    async (path) => {
      // The global setup's server sends no headers at all, as GitHub Pages or a plain file server would.
      const page = await context.newPage();
      const violations = await watchCsp(page);
      const response = await page.goto(inject('fixtureBaseUrl') + path);
      expect(response?.headers()['content-security-policy']).toBeUndefined();
      await page.waitForLoadState('networkidle');
      expect(await violations()).toEqual([]);
      const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
      expect(policy).toMatch(/script-src 'self' 'wasm-unsafe-eval'/);
      await page.addScriptTag({ content: 'window.slippedIn = true;' }).catch(() => undefined);
      expect(await page.evaluate(() => (window as { slippedIn?: boolean }).slippedIn)).toBeUndefined();
      await page.close();
    },
  );

  it('searching, opening a result and switching the theme raise no violation', async () => {
    const page = await context.newPage();
    const violations = await watchCsp(page);
    await page.goto(qpcr.base + '/');
    await page.locator('#search-input').fill('melt curve');
    await page.waitForSelector('#search-results a');
    await page.locator('#search-results a').first().click();
    await page.waitForSelector('main mark.search-hit');
    await page.locator('[data-theme-toggle]').click();
    expect(await violations()).toEqual([]);
    await page.close();
  });

  it('fitting a curve and drawing its plot raise no violation', async () => {
    const page = await context.newPage();
    const violations = await watchCsp(page);
    await page.goto(minimal.base + '/tools/ic50/');
    await page.locator('#line-a').fill(doseResponse(2.5));
    await page.getByRole('button', { name: 'Fit' }).click();
    await page.waitForSelector('.ic50-plot svg');
    expect(await violations()).toEqual([]);
    await page.close();
  });
});

describe('accessibility', () => {
  const cases = pages.flatMap(([name, path]) => (['light', 'dark'] as const).map((scheme) => [name, path, scheme] as const));
  /**
   * One page for each colour scheme and width, which goes from case to case: a new browser context and page cost more here than
   * the check itself. Each case loads its page at that width and in that scheme, as a reader's browser would.
   */
  const shared = new Map<string, Promise<Page>>();
  function pageFor(scheme: 'light' | 'dark', viewport?: { width: number; height: number }): Promise<Page> {
    const key = `${scheme} ${viewport ? `${viewport.width}x${viewport.height}` : 'desktop'}`;
    if (!shared.has(key))
      shared.set(
        key,
        // axe is injected as an inline script, which the site's own policy rightly blocks.
        browser.newContext({ colorScheme: scheme, bypassCSP: true, ...(viewport ? { viewport } : {}) }).then((c) => c.newPage()),
      );
    return shared.get(key)!;
  }
  async function expectNoViolations(name: string, path: string, scheme: 'light' | 'dark', viewport?: { width: number; height: number }) {
    const page = await pageFor(scheme, viewport);
    await page.goto(centerNamed(name).base + path);
    expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(scheme === 'dark');
    expect(await axeViolations(page)).toEqual([]);
  }

  it.each(cases)('%s %s has no axe violations (%s)', (name, path, scheme) => expectNoViolations(name, path, scheme));

  // A phone gets a layout of its own (the header shows the short name and hides the full one), which needs its own check:
  // the brand link once had no accessible name at this width only, and then a name that left out the short name it shows.
  it.each(cases)('%s %s has no axe violations on a 360 px phone (%s)', (name, path, scheme) =>
    expectNoViolations(name, path, scheme, { width: 360, height: 780 }),
  );
});
