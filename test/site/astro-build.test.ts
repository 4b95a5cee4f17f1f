/**
 * `astro build` alone — what a static host runs — writes the complete site: pages, client scripts, the search index, the PDFs,
 * the offline bundle and the security headers, through the project's integrations; no post-build script is needed.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { readPdf } from '../helpers/pdf';

const dir = mkdtempSync(join(tmpdir(), 'astro-build-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('writes pages, scripts, search, PDFs, the offline zip and _headers, and fails when a step fails', async () => {
  const content = join(dir, 'center');
  cpSync('test/fixtures/centers/qpcr', content, { recursive: true });
  const out = join(dir, 'dist');
  const result = spawnSync(process.execPath, ['scripts/astro.ts', 'build'], {
    env: { ...process.env, SITE_CONTENT_DIR: content, SITE_OUT_DIR: out, SITE_CACHE_DIR: join(dir, 'cache') },
    encoding: 'utf8',
  });
  expect(result.status, result.stderr + result.stdout).toBe(0);
  for (const file of ['index.html', 'search/search.js', 'search/vocabulary.js', 'pagefind/pagefind.js', 'tools/run-mode.js', '_headers', 'pdf/protocols.pdf'])
    expect(existsSync(join(out, file)), file).toBe(true);
  expect(readdirSync(join(out, 'downloads')).filter((f) => f.endsWith('.zip'))).toHaveLength(1);
  expect((await readPdf(join(out, 'pdf/two-step-rt-qpcr.pdf'))).pages.join(' ')).toContain('Remove genomic DNA');
  // The PDF link carries its size, and the home page's download link its size and date: the steps ran on the pages.
  expect(readFileSync(join(out, 'protocols/two-step-rt-qpcr/index.html'), 'utf8')).toMatch(/<span data-pdf-size> \(PDF, \d+ KB\)<\/span>/);
  expect(readFileSync(join(out, 'index.html'), 'utf8')).toMatch(/<span data-bundle-size> \(zip, \d+ KB, built \d{4}-\d{2}-\d{2}\)<\/span>/);
  expect(readFileSync(join(out, '_headers'), 'utf8')).toContain('Content-Security-Policy');

  // A broken internal link in the content fails Astro's own build, through the link check.
  const faq = join(content, 'faq/melt-curve.mdx');
  writeFileSync(faq, `${readFileSync(faq, 'utf8')}\nSee [the missing page](/faq/no-such-page/).\n`);
  const broken = spawnSync(process.execPath, ['scripts/astro.ts', 'build'], {
    env: { ...process.env, SITE_CONTENT_DIR: content, SITE_OUT_DIR: join(dir, 'dist-broken'), SITE_CACHE_DIR: join(dir, 'cache-broken'), SITE_PDF: 'skip' },
    encoding: 'utf8',
  });
  expect(broken.status).not.toBe(0);
  expect(broken.stdout + broken.stderr).toMatch(/broken link[\s\S]*\/faq\/no-such-page\//);
}, 180_000);

it('fails, naming both files, when two content files give one address: one page would otherwise be missing with only a warning', () => {
  // `astro build` alone runs no content checks; Astro's own duplicate-id rule must stop the build.
  const content = join(dir, 'center-duplicate');
  cpSync('test/fixtures/centers/qpcr', content, { recursive: true });
  const faq = join(content, 'faq/melt-curve.mdx');
  writeFileSync(join(content, 'faq/melt curve.mdx'), `${readFileSync(faq, 'utf8')}\nA second text under the same address.\n`);
  const result = spawnSync(process.execPath, ['scripts/astro.ts', 'build'], {
    env: { ...process.env, SITE_CONTENT_DIR: content, SITE_OUT_DIR: join(dir, 'dist-duplicate'), SITE_CACHE_DIR: join(dir, 'cache-duplicate'), SITE_PDF: 'skip' },
    encoding: 'utf8',
  });
  const output = result.stdout + result.stderr;
  expect(result.status, output).not.toBe(0);
  expect(output).toMatch(/same slug: `melt-curve`/);
  expect(output).toContain('faq/melt curve.mdx');
  expect(output).toContain('faq/melt-curve.mdx');
  expect(existsSync(join(dir, 'dist-duplicate', 'index.html'))).toBe(false);
}, 120_000);
