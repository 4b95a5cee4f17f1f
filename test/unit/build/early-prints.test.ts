/**
 * Protocol pages printed while Astro renders (pdf-export.ts, EarlyPrints): served from memory beside what Astro has already
 * written, and dropped — for the PDF step to print after Astro — when the page asks for anything that is not there yet or is
 * outside the site.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EarlyPrints, exportPdfs, startPrinter, type EarlyPrinted, type Printer } from '../../../src/build/pdf-export';
import { printCache } from '../../../src/build/pdf-cache';
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

it('prints on whichever page is free: with one page busy (the warm-up print, say), every print goes through the other', async () => {
  const real = await printer;
  const never = new Promise<never>(() => undefined);
  // The first page never becomes free, as if its warm-up print went on and on.
  const onePageBusy: Printer = { ...real, page: (worker) => (worker === 0 ? never : real.page(worker)), ready: (worker) => (worker === 0 ? never : real.ready(worker)) };
  const early = new EarlyPrints(Promise.resolve(onePageBusy), siteDir, words);
  for (const slug of ['p', 'q', 'r']) early.add(`key-${slug}`, `protocols/${slug}/index.html`, protocolPage(slug));
  const prints = await Promise.all(['key-p', 'key-q', 'key-r'].map((key) => early.all.get(key)));
  expect(prints.map((p) => p?.facts.headings)).toEqual([['Protocol p'], ['Protocol q'], ['Protocol r']]);
  // The free page is done with them; the busy one is not free to print anything else.
  await early.idle(1);
  let busyIdle = false;
  void early.idle(0).then(() => (busyIdle = true));
  await new Promise((done) => setTimeout(done, 50));
  expect(busyIdle).toBe(false);
  await early.close();
}, 60_000);

it('drops every print when the browser could not start, and leaves both printing pages to the PDF step at once', async () => {
  const failing = Promise.reject(new Error('no browser'));
  failing.catch(() => undefined);
  const early = new EarlyPrints(failing, siteDir, words);
  early.add('key-x', 'protocols/x/index.html', protocolPage('x'));
  expect(await early.all.get('key-x')).toBeUndefined();
  await Promise.all([early.idle(0), early.idle(1)]);
  await early.close();
}, 60_000);

describe('the PDF step after prints made while Astro rendered', () => {
  const say = translator();
  const executablePath = findHeadlessBrowser()!;
  /** A built site's protocol pages (`pages`: slug → extra body), with the stylesheet and the image they may ask for. */
  function site(name: string, pages: Record<string, string>): string {
    const dir = join(siteDir, name);
    mkdirSync(join(dir, '_astro'), { recursive: true });
    writeFileSync(join(dir, '_astro/site.css'), 'main h1 { font-size: 40px; }');
    writeFileSync(join(dir, '_astro/figure.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    for (const [slug, extra] of Object.entries(pages)) {
      mkdirSync(join(dir, 'protocols', slug), { recursive: true });
      writeFileSync(join(dir, 'protocols', slug, 'index.html'), protocolPage(slug, extra));
    }
    return dir;
  }
  /** Hands `slugs` over as Astro writes them, under the keys the export gives their pages. */
  function handOver(dir: string, started: Promise<Printer>, slugs: string[]): EarlyPrints {
    const early = new EarlyPrints(started, dir, words);
    const cache = printCache({ executablePath, paper: 'A4', siteName: words.siteName, publicUrl: undefined, say });
    for (const slug of slugs) {
      const html = protocolPage(slug, slug === 'b' ? '<img src="/_astro/figure.svg" alt="A figure">' : '');
      early.add(cache.key(html), `protocols/${slug}/index.html`, html);
    }
    return early;
  }

  it('uses the prints it can, prints the one dropped and the one not handed over, and numbers the combined document', async () => {
    // b asks for an image: its early print is dropped, and the PDF step prints it from the site folder, image and all.
    const dir = site('export', { a: '', b: '<img src="/_astro/figure.svg" alt="A figure">', c: '' });
    const started = startPrinter(executablePath, { warmUp: true });
    const early = handOver(dir, started, ['a', 'b']);
    const report = await exportPdfs({ siteDir: dir, siteName: words.siteName, say, printer: started, early });
    await early.close();
    expect(report.printedAhead).toBe(1);
    // a, b and c, and the contents.
    expect(report.printed).toBe(4);
    expect(readdirSync(join(dir, 'pdf')).sort()).toEqual(['a.pdf', 'b.pdf', 'c.pdf', 'protocols.pdf']);
    const whole = await readPdf(join(dir, 'pdf/protocols.pdf'));
    // The contents page, then each protocol's one page.
    expect(whole.pages).toHaveLength(4);
    for (const slug of ['a', 'b', 'c']) expect(whole.pages.join('\n')).toContain(`Read out ${slug}.`);
    expect((await started).browser.isConnected(), 'the export closes the browser').toBe(false);
  }, 120_000);

  it('prints a protocol whose print made while Astro rendered is dropped once the contents wait for its page count', async () => {
    const dir = site('export-late-drop', { a: '', b: '', c: '' });
    const started = startPrinter(executablePath);
    const cache = printCache({ executablePath, paper: 'A4', siteName: words.siteName, publicUrl: undefined, say });
    // a's print is still going when the PDF step starts, and comes to nothing once b and c are written: by then a printing page
    // has taken the contents, which wait for a's page count.
    const dropped = Promise.withResolvers<undefined>();
    const early: EarlyPrinted = { all: new Map([[cache.key(protocolPage('a')), dropped.promise]]), idle: async () => undefined };
    const written = new Set<string>();
    const report = await exportPdfs({
      siteDir: dir,
      siteName: words.siteName,
      say,
      printer: started,
      early,
      written: (file) => {
        written.add(file);
        if (written.has('b.pdf') && written.has('c.pdf')) dropped.resolve(undefined);
      },
    });
    expect(report.printedAhead ?? 0).toBe(0);
    expect(report.printed).toBe(4);
    const whole = await readPdf(join(dir, 'pdf/protocols.pdf'));
    expect(whole.pages).toHaveLength(4);
    // The contents, then a, b and c in their order.
    expect(whole.pages.slice(1).map((text) => /Read out (\w)\./.exec(text)?.[1])).toEqual(['a', 'b', 'c']);
  }, 120_000);

  it('fails on a page that cannot be printed, beside prints made while Astro rendered, and writes no combined document', async () => {
    // d has no steps: the export refuses it.
    const dir = site('export-failing', { a: '', c: '' });
    mkdirSync(join(dir, 'protocols/d'));
    writeFileSync(join(dir, 'protocols/d/index.html'), protocolPage('d').replace(/<ol class="steps">.*<\/ol>/, ''));
    const started = startPrinter(executablePath, { warmUp: true });
    const early = handOver(dir, started, ['a', 'c']);
    await expect(exportPdfs({ siteDir: dir, siteName: words.siteName, say, printer: started, early })).rejects.toThrow(/Protocol d.*0 step/);
    await early.close();
    expect(existsSync(join(dir, 'pdf/protocols.pdf'))).toBe(false);
  }, 120_000);
});
