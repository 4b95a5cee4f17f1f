/**
 * Protocol pages printed while Astro renders (pdf-export.ts, EarlyPrints): served from memory beside what Astro has already
 * written, and dropped — for the PDF step to print after Astro — when the page asks for anything that is not there yet or is
 * outside the site.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EarlyPrints, startPrinter, type Printer } from '../../../src/build/pdf-export';
import { translator } from '../../../src/i18n/ui';
import { findHeadlessBrowser } from '../../../src/lib/find-browser';
import { readPdf, textSizes } from '../../helpers/pdf';

const siteDir = mkdtempSync(join(tmpdir(), 'early-prints-'));
let printer: Promise<Printer>;
beforeAll(() => {
  mkdirSync(join(siteDir, '_astro'));
  writeFileSync(join(siteDir, '_astro/site.css'), 'main h1 { font-size: 40px; }');
  // An image Astro has written (or is writing): a page printed while Astro renders does not load it.
  writeFileSync(join(siteDir, '_astro/figure.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
  printer = startPrinter(findHeadlessBrowser()!);
});
afterAll(async () => {
  await (await printer).browser.close();
  rmSync(siteDir, { recursive: true, force: true });
});

const words = { paper: 'A4' as const, publicUrl: undefined, siteName: 'Test center', say: translator() };

/** A protocol page as the site writes one: a title, steps, its PDF's metadata; `extra` goes into its body. */
function protocolPage(slug: string, extra = ''): string {
  const meta = { slug, title: `Protocol ${slug}`, objective: 'An objective.', version: '1.0', lastReviewed: '2026-01-01', fingerprint: 'abcd1234', keywords: [] };
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Protocol ${slug}</title>
<link rel="stylesheet" href="/_astro/site.css">
<script type="application/json" id="pdf-meta">${JSON.stringify(meta)}</script></head>
<body><main class="page"><h1>Protocol ${slug}</h1><ol class="steps"><li>Mix the µg/mL stock at 37 °C.</li><li>Read out ${slug}.</li></ol>${extra}</main></body></html>`;
}

it('prints a protocol page handed over as Astro writes it, with its stylesheet from the site folder', async () => {
  const early = new EarlyPrints(printer, siteDir, words);
  early.add('key-a', 'protocols/a/index.html', protocolPage('a'));
  const print = await early.all.get('key-a');
  await early.close();
  expect(print, 'printed').toBeDefined();
  expect(print!.facts.steps).toBe(2);
  expect(print!.facts.headings).toEqual(['Protocol a']);
  const doc = await PDFDocument.load(print!.pdf);
  expect(doc.getPageCount()).toBe(1);
  writeFileSync(join(siteDir, 'a.pdf'), print!.pdf);
  const facts = await readPdf(join(siteDir, 'a.pdf'));
  expect(facts.pages.join('\n')).toContain('Mix the µg/mL stock at 37 °C.');
  expect(facts.tagged).toBe(true);
  // The stylesheet's 40px title (30 pt), not the browser's own 2em (24 pt); beside it, the running header's title.
  const sizes = (await textSizes(join(siteDir, 'a.pdf'), 'Protocol a')).map((t) => Math.round(t.pt));
  expect(sizes).toContain(30);
  expect(sizes).not.toContain(24);
}, 60_000);

it('prints a page whose address has letters outside ASCII, from memory', async () => {
  const early = new EarlyPrints(printer, siteDir, words);
  early.add('key-u', 'protocols/über-färbung/index.html', protocolPage('über-färbung'));
  const print = await early.all.get('key-u');
  await early.close();
  expect(print?.facts.headings).toEqual(['Protocol über-färbung']);
}, 60_000);

it('drops the print of a page that asks for an image, written or not yet, or for an address outside the site', async () => {
  const early = new EarlyPrints(printer, siteDir, words);
  early.add('key-image', 'protocols/image/index.html', protocolPage('image', '<img src="/_astro/figure.webp" alt="A figure">'));
  early.add('key-written', 'protocols/written/index.html', protocolPage('written', '<img src="/_astro/figure.svg" alt="A figure">'));
  early.add('key-outside', 'protocols/outside/index.html', protocolPage('outside', '<img src="https://example.org/figure.png" alt="A figure">'));
  early.add('key-fine', 'protocols/fine/index.html', protocolPage('fine'));
  const [image, written, outside, fine] = await Promise.all(['key-image', 'key-written', 'key-outside', 'key-fine'].map((key) => early.all.get(key)));
  await early.close();
  expect(image, 'the missing image').toBeUndefined();
  expect(written, 'the image on disk, which Astro may be writing').toBeUndefined();
  expect(outside, 'the outside address').toBeUndefined();
  expect(fine, 'a page beside them').toBeDefined();
}, 60_000);

it('takes no page without its PDF metadata, and leaves pages to the PDF step while the browser is busy', async () => {
  const early = new EarlyPrints(printer, siteDir, words);
  early.add('key-none', 'protocols/none/index.html', '<!doctype html><html><body><main><h1>Not a protocol</h1></main></body></html>');
  expect(early.all.has('key-none')).toBe(false);
  // Handed over at once, as Astro writes pages much faster than they print: not every one waits in memory to print.
  for (let i = 0; i < 8; i++) early.add(`key-${i}`, `protocols/p${i}/index.html`, protocolPage(`p${i}`));
  expect(early.all.size).toBeGreaterThan(0);
  expect(early.all.size).toBeLessThan(8);
  expect(early.accepting).toBe(false);
  await Promise.all(early.all.values());
  expect(early.accepting).toBe(true);
  await early.close();
}, 60_000);
