/**
 * Every page, served with the security headers the build writes to _headers:
 * zero axe violations in light and in dark, and not one Content-Security-Policy
 * violation, including while searching and switching the theme.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sirv from 'sirv';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations } from '../helpers/axe';
import { launchBrowser } from '../helpers/browser';
import { listFiles, urlOf } from '../helpers/built-site';

const distDir = inject('distDir');
const pages = listFiles(distDir)
  .filter((f) => f.endsWith('.html'))
  .map(urlOf)
  .sort();

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
const headers = parseHeaders(readFileSync(join(distDir, '_headers'), 'utf8'));

let server: Server;
let base: string;
let browser: Browser;
beforeAll(async () => {
  const serve = sirv(distDir, { dev: true, setHeaders: (res) => Object.entries(headers).forEach(([k, v]) => res.setHeader(k, v)) });
  server = createServer((req, res) =>
    serve(req, res, () => {
      res.statusCode = 404;
      res.end();
    }),
  );
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  server?.close();
});

/** Records CSP violations of a page from its first script on. */
async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  const console: string[] = [];
  page.on('console', (m) => m.text().includes('Content Security Policy') && console.push(m.text()));
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective}: ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`));
  });
  return async () => [...console, ...(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations))];
}

describe('security headers', () => {
  it('_headers sets CSP, Referrer-Policy, X-Content-Type-Options and Permissions-Policy, with no outside origin', () => {
    expect(Object.keys(headers).sort()).toEqual(['Content-Security-Policy', 'Permissions-Policy', 'Referrer-Policy', 'X-Content-Type-Options']);
    expect(headers['Content-Security-Policy']).not.toMatch(/https?:|\*|'unsafe-eval'/);
    expect(headers['Content-Security-Policy']).toMatch(/script-src 'self' 'wasm-unsafe-eval'( 'sha256-[A-Za-z0-9+/=]+')+;/);
  });

  it.each(pages)('%s loads with the policy enforced and no violation', async (path) => {
    const page = await browser.newPage();
    const violations = await watchCsp(page);
    const response = await page.goto(base + path);
    expect(response?.headers()['content-security-policy']).toBe(headers['Content-Security-Policy']);
    await page.waitForLoadState('networkidle');
    expect(await violations()).toEqual([]);
    await page.close();
  });

  it('searching, opening a result and switching the theme raise no violation', async () => {
    const page = await browser.newPage();
    const violations = await watchCsp(page);
    await page.goto(base + '/');
    await page.locator('#search-input').fill('antigen retrieval');
    await page.waitForSelector('#search-results a');
    await page.locator('#search-results a').first().click();
    await page.waitForSelector('main mark.search-hit');
    await page.getByRole('button', { name: 'Dark theme' }).click();
    expect(await violations()).toEqual([]);
    await page.close();
  });
});

describe('accessibility', () => {
  it.each(pages.flatMap((p) => [[p, 'light'] as const, [p, 'dark'] as const]))('%s has no axe violations (%s)', async (path, scheme) => {
    // axe is injected as an inline script, which the site's own policy rightly blocks.
    const context = await browser.newContext({ colorScheme: scheme, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(base + path);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});
