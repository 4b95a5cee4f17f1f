/**
 * What the PDFs link to, and what the browser that prints them may reach: its own page server and nothing else; the
 * printed links point at the public site, stay inside the document, or are plain text — never at that temporary server.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, inject, it } from 'vitest';
import { exportPdfs } from '../../src/build/pdf-export';
import { readPdf } from '../helpers/pdf';

const loopback = /127\.0\.0\.1|localhost|\[::1\]/;

const scratch = mkdtempSync(join(tmpdir(), 'pdf-network-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('blocks, and fails on, a protocol page that asks for another address', async () => {
  const site = join(scratch, 'site');
  cpSync(inject('fixtureDistDir'), site, { recursive: true });
  const page = join(site, 'protocols/primer-efficiency/index.html');
  // 192.0.2.1 is a documentation address (RFC 5737): nothing answers there, so only the block can explain the failure's wording.
  // The built page's own policy (a meta element) would stop the request first; the exporter prints pages before they get it,
  // and must block such a request itself.
  writeFileSync(
    page,
    readFileSync(page, 'utf8')
      .replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '')
      .replace('</main>', '<img src="http://192.0.2.1/tracker.png" alt=""></main>'),
  );
  // Twice, with the print cache: a page that reached outside is never kept, so the second export fails as the first did.
  const cacheDir = join(scratch, 'print-cache');
  for (let i = 0; i < 2; i++)
    await expect(exportPdfs({ siteDir: site, siteName: 'Test center', cacheDir })).rejects.toThrow(
      /asked for 1 address\(es\) outside the site, which were blocked: http:\/\/192\.0\.2\.1\/tracker\.png/,
    );
});

it('points the links of a center with a public address at that address', async () => {
  const { links } = await readPdf(join(inject('fixtureDistDir'), 'pdf/two-step-rt-qpcr.pdf'));
  const web = links.filter((l) => !l.startsWith('#'));
  expect(web.length).toBeGreaterThan(3);
  expect(web.filter((l) => loopback.test(l))).toEqual([]);
  // The guide the protocol names, and the references' DOIs, as a reader would follow them from paper.
  expect(web).toContain('https://qpcr.example-lab.org/troubleshooting/sybr-green-qpcr/');
  expect(web).toContain('https://doi.org/10.1373/clinchem.2008.112797');
});

it('without a public address, keeps in-page links in the document and makes the others plain text', async () => {
  const site = join(scratch, 'no-address');
  cpSync(inject('fixtureDistDir'), site, { recursive: true });
  await exportPdfs({ siteDir: site, siteName: 'Test center' });
  for (const file of ['two-step-rt-qpcr.pdf', 'protocols.pdf']) {
    const { links } = await readPdf(join(site, 'pdf', file));
    expect(
      links.filter((l) => loopback.test(l)),
      file,
    ).toEqual([]);
    expect(
      links.filter((l) => l.startsWith('https://qpcr.example-lab.org')),
      file,
    ).toEqual([]);
    // Citation markers jump to the reference list on the same page: those stay, as links inside the document.
    expect(
      links.some((l) => l.startsWith('#')),
      file,
    ).toBe(true);
  }
});
