/** The browser that prints the PDFs reaches its own page server and nothing else. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, inject, it } from 'vitest';
import { exportPdfs } from '../../scripts/pdf-export';

const scratch = mkdtempSync(join(tmpdir(), 'pdf-network-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('blocks, and fails on, a protocol page that asks for another address', async () => {
  const site = join(scratch, 'site');
  cpSync(inject('fixtureDistDir'), site, { recursive: true });
  const page = join(site, 'protocols/primer-efficiency/index.html');
  // 192.0.2.1 is a documentation address (RFC 5737): nothing answers there, so only the block can explain the failure's wording.
  writeFileSync(page, readFileSync(page, 'utf8').replace('</main>', '<img src="http://192.0.2.1/tracker.png" alt=""></main>'));
  await expect(exportPdfs({ siteDir: site, siteName: 'Test center' })).rejects.toThrow(
    /asked for 1 address\(es\) outside the site, which were blocked: http:\/\/192\.0\.2\.1\/tracker\.png/,
  );
});
