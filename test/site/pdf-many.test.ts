/**
 * A center with many protocols: the printing pages are used again and again, and what a PDF holds must not depend on what its
 * page printed before. Also: a table's header cells, which a screen reader finds by their IDs, resolve in every PDF.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRef, PDFString } from 'pdf-lib';
import { afterAll, expect, inject, it } from 'vitest';
import { exportPdfs, PRINTS_PER_PAGE, startPrinter } from '../../src/build/pdf-export';
import { findHeadlessBrowser } from '../../src/lib/find-browser';
import { readPdf } from '../helpers/pdf';

const scratch = mkdtempSync(join(tmpdir(), 'pdf-many-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const N = PDFName.of;
const text = (o: unknown) => (o instanceof PDFString || o instanceof PDFHexString ? o.decodeText() : undefined);

/** Every structure element's ID, the ID tree's entries, and each data cell's header references with what they lead to. */
function tableTags(doc: PDFDocument) {
  const ctx = doc.context;
  const root = doc.catalog.lookup(N('StructTreeRoot'), PDFDict);
  const tree = new Map<string, PDFRef>();
  const names = root.lookupMaybe(N('IDTree'), PDFDict)?.lookupMaybe(N('Names'), PDFArray);
  for (let i = 0; names && i + 1 < names.size(); i += 2) tree.set(text(names.lookup(i))!, names.get(i + 1) as PDFRef);
  const ids: string[] = [];
  const headers: { id: string; leadsTo: string | undefined }[] = [];
  for (const [, object] of ctx.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || !object.has(N('S'))) continue;
    const id = text(object.lookup(N('ID')));
    if (id !== undefined) ids.push(id);
    const attributes = object.lookup(N('A'));
    for (const a of attributes instanceof PDFArray ? attributes.asArray().map((x) => ctx.lookup(x)) : [attributes]) {
      const list = a instanceof PDFDict ? a.lookup(N('Headers')) : undefined;
      if (!(list instanceof PDFArray)) continue;
      for (const h of list.asArray()) {
        const target = tree.get(text(h)!);
        headers.push({ id: text(h)!, leadsTo: target ? ctx.lookup(target, PDFDict).get(N('S'))?.toString() : undefined });
      }
    }
  }
  return { ids, tree, headers };
}

it(`prints ${2 * PRINTS_PER_PAGE + 3} copies of a protocol with a table to the same bytes, whichever page printed each and after what, with header cells that resolve`, async () => {
  const site = join(scratch, 'site');
  cpSync(inject('fixtureDistDir'), site, { recursive: true });
  const original = join(site, 'protocols/primer-efficiency/index.html');
  const html = readFileSync(original, 'utf8').replace(
    '</main>',
    '<table><thead><tr><th>Dilution</th><th>Cq</th></tr></thead><tbody><tr><td>1:10</td><td>20.1</td></tr><tr><td>1:100</td><td>23.4</td></tr></tbody></table></main>',
  );
  writeFileSync(original, html);
  // The copies keep the protocol's title, version and fingerprint: their PDFs may differ in nothing but their printing.
  const slugs = Array.from({ length: 2 * PRINTS_PER_PAGE + 3 }, (_, i) => `primer-efficiency-copy-${String(i + 1).padStart(2, '0')}`);
  for (const slug of slugs) {
    mkdirSync(join(site, 'protocols', slug));
    writeFileSync(join(site, 'protocols', slug, 'index.html'), html.replace('"slug":"primer-efficiency"', `"slug":"${slug}"`));
  }
  await exportPdfs({ siteDir: site, siteName: 'Test center' });

  const hashes = new Set(['primer-efficiency', ...slugs].map((slug) => createHash('sha256').update(readFileSync(join(site, 'pdf', `${slug}.pdf`))).digest('hex')));
  expect(hashes.size).toBe(1);
  const one = join(site, 'pdf', `${slugs.at(-1)}.pdf`);
  const { pages } = await readPdf(one);
  expect(pages.join('\n')).toMatch(/Dilution[\s\S]*Cq[\s\S]*1:100[\s\S]*23\.4/);

  // In a protocol's PDF: two header cells, each data cell pointing at its column's.
  const own = tableTags(await PDFDocument.load(readFileSync(one), { updateMetadata: false }));
  expect(own.ids).toHaveLength(2);
  expect(own.headers).toHaveLength(4);
  expect(own.headers.every((h) => h.leadsTo === '/TH')).toBe(true);

  // In the combined PDF: every copy's header cells, each ID once, every reference resolving to a header cell.
  const combined = tableTags(await PDFDocument.load(readFileSync(join(site, 'pdf', 'protocols.pdf')), { updateMetadata: false }));
  expect(combined.ids).toHaveLength(2 * (slugs.length + 1));
  expect(new Set(combined.ids).size).toBe(combined.ids.length);
  expect(combined.tree.size).toBe(combined.ids.length);
  expect(combined.headers).toHaveLength(4 * (slugs.length + 1));
  expect(combined.headers.filter((h) => h.leadsTo !== '/TH')).toEqual([]);
}, 180_000);

it(`gives a printing page ${PRINTS_PER_PAGE} documents, then closes it and prints on a fresh one (a reused page keeps memory for every print)`, async () => {
  const printer = await startPrinter(findHeadlessBrowser()!);
  try {
    const first = await printer.page(0);
    for (let i = 1; i < PRINTS_PER_PAGE; i++) expect(await printer.page(0)).toBe(first);
    const next = await printer.page(0);
    expect(next).not.toBe(first);
    await expect.poll(() => first.isClosed()).toBe(true);
    // The fresh page prints as the first did: print media.
    expect(await next.evaluate(() => matchMedia('print').matches)).toBe(true);
    // The other page is not touched.
    expect(await printer.page(1)).not.toBe(next);
  } finally {
    await printer.browser.close();
  }
});

it('fails, and leaves no combined PDF, whole or half, when the last protocol’s PDF cannot be written', async () => {
  const site = join(scratch, 'last-fails');
  cpSync(inject('fixtureDistDir'), site, { recursive: true });
  rmSync(join(site, 'pdf'), { recursive: true, force: true });
  // The protocols in the order the export takes them (by title); a folder where the last one's PDF should go.
  const titles = readdirSync(join(site, 'protocols'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const meta = /<script type="application\/json" id="pdf-meta">([^<]*)<\/script>/.exec(readFileSync(join(site, 'protocols', d.name, 'index.html'), 'utf8'));
      return meta ? (JSON.parse(meta[1]!) as { slug: string; title: string }) : undefined;
    })
    .filter((m) => m !== undefined)
    .sort((a, b) => a.title.localeCompare(b.title, 'en', { numeric: true }));
  mkdirSync(join(site, 'pdf', `${titles.at(-1)!.slug}.pdf`), { recursive: true });
  await expect(exportPdfs({ siteDir: site, siteName: 'Test center' })).rejects.toThrow(/EISDIR|directory/i);
  expect(readdirSync(join(site, 'pdf')).filter((f) => f.startsWith('protocols.pdf'))).toEqual([]);
});

it('takes the combined PDF from the print cache when no protocol changed, and assembles it again when one did', async () => {
  const site = join(scratch, 'combined-kept');
  cpSync(inject('fixtureDistDir'), site, { recursive: true });
  // Enough protocols for a contents of more than one page, which is numbered, printed and looked up in the cache twice.
  const html = readFileSync(join(site, 'protocols/rna-isolation/index.html'), 'utf8');
  for (let i = 1; i <= 60; i++) {
    const slug = `rna-isolation-copy-${String(i).padStart(2, '0')}`;
    mkdirSync(join(site, 'protocols', slug));
    writeFileSync(join(site, 'protocols', slug, 'index.html'), html.replace('"slug":"rna-isolation"', `"slug":"${slug}"`));
  }
  const cacheDir = join(scratch, 'combined-cache');
  const combinedOf = async () => {
    const report = await exportPdfs({ siteDir: site, siteName: 'Test center', cacheDir });
    return { report: report.files.find((f) => f.file === 'protocols.pdf')!, bytes: readFileSync(join(site, 'pdf', 'protocols.pdf')) };
  };
  const first = await combinedOf();
  expect(first.report.cached).toBe(false);
  const { outline } = await readPdf(join(site, 'pdf', 'protocols.pdf'));
  // The first protocol starts after the contents: page 3 or later.
  expect(outline[0]!.page).toBeGreaterThan(2);
  // Nothing changed: the same file, copied from the cache, not assembled.
  const again = await combinedOf();
  expect(again.report.cached).toBe(true);
  expect(again.bytes.equals(first.bytes)).toBe(true);
  // A protocol's page changed: the combined PDF is assembled again and holds the change.
  const page = join(site, 'protocols/primer-efficiency/index.html');
  writeFileSync(page, readFileSync(page, 'utf8').replace('</main>', '<p>A sentence added after the first export.</p></main>'));
  const changed = await combinedOf();
  expect(changed.report.cached).toBe(false);
  expect((await readPdf(join(site, 'pdf', 'protocols.pdf'))).pages.join(' ')).toContain('A sentence added after the first export.');
  // And that one is kept in its turn.
  expect((await combinedOf()).report.cached).toBe(true);
}, 180_000);

it('keeps the combined PDF of each of two centers that share one print cache, and never serves one for the other', async () => {
  const cacheDir = join(scratch, 'shared-cache');
  const [a, b] = ['center-a', 'center-b'].map((name) => {
    const site = join(scratch, name);
    cpSync(inject('fixtureDistDir'), site, { recursive: true });
    return site;
  });
  const exportOf = async (site: string, siteName: string) => {
    const report = await exportPdfs({ siteDir: site, siteName, cacheDir });
    return { cached: report.files.find((f) => f.file === 'protocols.pdf')!.cached, bytes: readFileSync(join(site, 'pdf', 'protocols.pdf')) };
  };
  const firstA = await exportOf(a!, 'Center A');
  const firstB = await exportOf(b!, 'Center B');
  expect(firstB.bytes.equals(firstA.bytes)).toBe(false);
  const againA = await exportOf(a!, 'Center A');
  const againB = await exportOf(b!, 'Center B');
  expect([againA.cached, againB.cached]).toEqual([true, true]);
  expect(againA.bytes.equals(firstA.bytes)).toBe(true);
  expect(againB.bytes.equals(firstB.bytes)).toBe(true);
}, 120_000);
