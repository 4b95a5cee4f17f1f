/** The build steps find the pages' markers through src/contract.ts, and a marker they expect and do not find fails the build. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MARKERS } from '../../../src/contract';
import { annotatePdfLinks } from '../../../src/build/pdf-links';
import { annotateBundleLink } from '../../../src/build/offline-bundle';

const dir = mkdtempSync(join(tmpdir(), 'contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function site(name: string, files: Record<string, string>): string {
  const root = join(dir, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('the PDF-link step', () => {
  const link = (attributes: string) =>
    `<p class="pdf-download" data-pagefind-ignore><a ${attributes}>Download as PDF<span ${MARKERS.pdfSize}></span></a> · for the bench</p>`;

  it('fills in the size after a link in the layout’s markup', async () => {
    const root = site('ok', { 'p/index.html': link(`href="/pdf/p.pdf" ${MARKERS.pdfLink}`), 'pdf/p.pdf': 'x'.repeat(2048) });
    expect(await annotatePdfLinks(root)).toEqual({ pages: 1 });
    expect(readFileSync(join(root, 'p/index.html'), 'utf8')).toContain(`<span ${MARKERS.pdfSize}> (PDF, 2 KB)</span>`);
  });

  it('fails on a PDF link whose markup it does not recognise, instead of leaving it without its size', async () => {
    const root = site('changed', { 'p/index.html': link(`${MARKERS.pdfLink} href="/pdf/p.pdf"`), 'pdf/p.pdf': 'x' });
    await expect(annotatePdfLinks(root)).rejects.toThrow(/p[/\\]index\.html: a "Download as PDF" link whose markup the PDF-link step does not recognise/);
  });
});

describe('the offline bundle’s download note', () => {
  const report = { zipPath: '', zipBytes: 4096, files: 1, unzippedBytes: 1, contentVersion: 'abcd1234' };

  it('fills in the size and date after the home page’s download link', async () => {
    const root = site('home', { 'index.html': `<p ${MARKERS.bundleDownload}><a href="/downloads/x.zip">Download<span ${MARKERS.bundleSize}></span></a></p>` });
    await annotateBundleLink(root, report, '2026-11-29');
    expect(readFileSync(join(root, 'index.html'), 'utf8')).toContain(`<span ${MARKERS.bundleSize}> (zip, 4 KB, built 2026-11-29)</span>`);
  });

  it('fails when the home page has no place for it', async () => {
    const root = site('no-home-marker', { 'index.html': '<p><a href="/downloads/x.zip">Download</a></p>' });
    await expect(annotateBundleLink(root, report, '2026-11-29')).rejects.toThrow(/no <span data-bundle-size><\/span> after the offline download link/);
  });
});
