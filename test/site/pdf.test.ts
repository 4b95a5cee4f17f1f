/**
 * The exported PDFs of a built center (the RT-qPCR fixture), read with pdf.js:
 * every protocol's title, steps, key figures and cited references, the page
 * numbering and footer, metadata, fonts, outline, and the combined document's
 * contents page.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, PDFName } from 'pdf-lib';
import { parse } from 'yaml';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { exportPdfs } from '../../src/build/pdf-export';
import { findBrowser, findHeadlessBrowser } from '../../src/lib/find-browser';
import { loadSiteConfig } from '../../src/lib/site-config';
import { IDS } from '../../src/contract';
import { frontmatter, loadPage } from '../helpers/built-site';
import { crossReferenceProblems, darkShares, paperOf, qrCodesPerPage, readPdf, structureOf, type PdfFacts } from '../helpers/pdf';

const distDir = inject('fixtureDistDir');
const contentDir = inject('fixtureContentDir');
const scratch = mkdtempSync(join(tmpdir(), 'hrs-pdf-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Protocol {
  slug: string;
  title: string;
  topic: string;
  number: number;
  version: string;
  lastReviewed: Date | string;
  objective: string;
  steps: { title: string; conditions?: { label: string; value: string }[]; cites?: string[] }[];
}
const protocols = readdirSync(join(contentDir, 'protocols'))
  .filter((f) => f.endsWith('.mdx'))
  .map((f) => ({ slug: f.replace(/\.mdx$/, ''), ...(frontmatter(join(contentDir, 'protocols', f)) as Omit<Protocol, 'slug'>) }))
  .sort((a, b) => a.number - b.number);
const references = parse(readFileSync(join(contentDir, 'references.yaml'), 'utf8')) as { id: string; number: number; title?: string; site: string }[];
const SITE = loadSiteConfig(contentDir);
const SITE_NAME = SITE.name;
/** The facts a protocol page hands its PDF (its fingerprint among them). */
const pdfMeta = (slug: string) => JSON.parse(loadPage(distDir, `/protocols/${slug}/`)(`script#${IDS.pdfMeta}`).text()) as { fingerprint: string };
const isoDate = (d: Date | string) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);
/** pdf.js keeps the glyphs; join lines and squeeze spaces so phrases can be found. */
const flat = (s: string) => s.replace(/\s+/g, ' ');
/** Every PDF of the build, read once. */
const pdfs = new Map<string, PdfFacts>();
for (const name of [...protocols.map((p) => p.slug), 'protocols'])
  pdfs.set(join(distDir, 'pdf', `${name}.pdf`), await readPdf(join(distDir, 'pdf', `${name}.pdf`)));
/** Text of the whole PDF, or of pages first..last. */
const pdfText = (file: string, first?: number, last?: number) => {
  const pages = pdfs.get(file)!.pages;
  return (first ? pages.slice(first - 1, last ?? first) : pages).join('\n');
};

describe.each(protocols.map((p) => [p.slug, p] as const))('pdf/%s.pdf', (_slug, protocol) => {
  const file = join(distDir, 'pdf', `${protocol.slug}.pdf`);
  const text = flat(pdfText(file));
  const { info, size, tagged, fonts } = pdfs.get(file)!;

  it('holds the title, the objective and every step with its conditions', () => {
    expect(text).toContain(`Protocol ${protocol.number}: ${protocol.title}`);
    expect(text).toContain(flat(protocol.objective).slice(0, 40));
    protocol.steps.forEach((step, i) => {
      expect(text, `step ${i + 1}`).toContain(`${i + 1}. ${step.title}`);
      for (const c of step.conditions ?? []) expect(text, `step ${i + 1}: ${c.label}`).toContain(flat(c.value));
    });
  });

  it('prints the text description of each of its diagrams (a closed disclosure on the web page)', () => {
    const source = readFileSync(join(contentDir, 'protocols', `${protocol.slug}.mdx`), 'utf8');
    for (const [, description] of source.matchAll(/accDescr: (.+)/g)) expect(text).toContain(flat(description!).slice(0, 60));
  });

  it('lists the materials as a checklist', () => {
    expect(text).toContain('☐');
  });

  it('holds every reference it cites, in full', () => {
    const cited = new Set(protocol.steps.flatMap((s) => s.cites ?? []));
    expect(cited.size).toBeGreaterThan(0);
    for (const id of cited) {
      const ref = references.find((r) => r.id === id)!;
      expect(text, id).toContain(flat(ref.title ?? ref.site).slice(0, 45));
    }
  });

  it('has the RUO notice, and a running footer with version, date, "page X of Y" and the page’s public address, never the build’s server', () => {
    expect(text).toContain('Research Use Only');
    const pages = Number(info.Pages);
    expect(text).toContain(`Page 1 of ${pages}`);
    expect(text).toContain(`Page ${pages} of ${pages}`);
    expect(text).toContain(`Version ${protocol.version} · ${isoDate(protocol.lastReviewed)}`);
    expect(text).toContain(`${SITE.url}/protocols/${protocol.slug}/`);
    expect(text).not.toMatch(/127\.0\.0\.1|localhost/);
  });

  it('has a bookmark that names the protocol as its heading does (Chromium drops the space where a heading wraps), with its sections inside', () => {
    const { outline } = pdfs.get(file)!;
    expect(outline.map((o) => o.title)).toEqual([`Protocol ${protocol.number}: ${protocol.title}`]);
    expect(outline[0]!.page).toBe(1);
    expect(outline[0]!.children).toBeGreaterThan(2);
  });

  it('has on every page a QR code that reads as its fingerprint', async () => {
    const qrs = await qrCodesPerPage(file);
    expect(qrs.length).toBe(Number(info.Pages));
    for (const [i, qr] of qrs.entries()) expect(qr, `page ${i + 1}`).toContain(pdfMeta(protocol.slug).fingerprint);
  });

  it('has its metadata, dated by the content, a sane page count, A4 paper, tagged', () => {
    expect(info.Title).toBe(`Protocol ${protocol.number}: ${protocol.title}`);
    expect(info.Author).toBe(SITE_NAME);
    expect(info.Subject).toBe(protocol.objective);
    // The center's keywords (site.yaml) and the protocol's topic.
    expect(SITE.keywords.length).toBeGreaterThan(0);
    for (const keyword of [protocol.topic, ...SITE.keywords]) expect(info.Keywords).toContain(keyword);
    expect(info.CreationDate).toMatch(new RegExp(`^${isoDate(protocol.lastReviewed)}T00:00:00`));
    expect(Number(info.Pages)).toBeGreaterThanOrEqual(1);
    expect(Number(info.Pages)).toBeLessThanOrEqual(12);
    expect(paperOf(size)).toBe('A4');
    expect(tagged).toBe(true);
  });

  it('embeds every font', () => {
    expect(fonts.length).toBeGreaterThan(0);
    expect(fonts.filter((f) => !f.embedded)).toEqual([]);
  });

  it('is linked from its page with its size', () => {
    const $ = loadPage(distDir, `/protocols/${protocol.slug}/`);
    const link = $('a[data-pdf-link]');
    expect(link.attr('href')).toBe(`/pdf/${protocol.slug}.pdf`);
    const kb = Math.max(1, Math.round(readFileSync(file).length / 1024));
    expect(link.text()).toContain(`(PDF, ${kb} KB)`);
  });
});

describe('pdf/protocols.pdf', () => {
  const file = join(distDir, 'pdf', 'protocols.pdf');

  it('opens with a contents page whose page numbers are right', () => {
    const contents = flat(pdfText(file, 1));
    for (const p of protocols) {
      const match = new RegExp(`Protocol ${p.number}: .*? version ${p.version} page (\\d+)`).exec(contents);
      expect(match, `contents entry for protocol ${p.number}`).not.toBeNull();
      const page = Number(match![1]);
      expect(flat(pdfText(file, page)), `page ${page}`).toContain(`Protocol ${p.number}: ${p.title}`);
    }
  });

  it('carries on every page of a protocol that protocol’s version, date, fingerprint and QR code, and the document’s page number', async () => {
    // It once had one running footer for the whole document ("Version 1.0, 1.0, 1.0", later a line pointing at each first page).
    const { pages, outline } = await readPdf(file);
    const text = flat(pdfText(file));
    expect(text).not.toMatch(/Version [\d.]+, [\d.]+/);
    pages.forEach((page, i) => expect(flat(page), `page ${i + 1}`).toContain(`Document page ${i + 1} of ${pages.length}`));
    const qrs = await qrCodesPerPage(file);
    for (const p of protocols) {
      const meta = pdfMeta(p.slug);
      const start = outline.find((o) => o.title === `Protocol ${p.number}: ${p.title}`)!.page;
      const own = Number((await readPdf(join(distDir, 'pdf', `${p.slug}.pdf`))).info.Pages);
      for (let n = start; n < start + own; n++) {
        expect(flat(pages[n - 1]!), `${p.slug}, page ${n}`).toContain(`Version ${p.version} · ${isoDate(p.lastReviewed)} · fingerprint ${meta.fingerprint}`);
        expect(flat(pages[n - 1]!), `${p.slug}, page ${n}`).toContain(`Page ${n - start + 1} of ${own}`);
        expect(qrs[n - 1], `${p.slug}, page ${n}`).toContain(meta.fingerprint);
      }
    }
  });

  it('has bookmarks that name each protocol as its heading does and open its first page, and contents entries that link there', async () => {
    const { outline, jumps, pages } = await readPdf(file);
    const contents = flat(pdfText(file, 1));
    expect(outline.map((o) => o.title)).toEqual(protocols.map((p) => `Protocol ${p.number}: ${p.title}`));
    for (const [i, p] of protocols.entries()) {
      const page = Number(new RegExp(`Protocol ${p.number}: .*? version ${p.version} page (\\d+)`).exec(contents)![1]);
      expect(outline[i]!.page).toBe(page);
      expect(outline[i]!.children, 'its section headings inside').toBeGreaterThan(2);
      expect(jumps.filter((j) => j.from === 1).map((j) => j.to)).toContain(page);
    }
    // Every link to a step or a reference inside a protocol still leads somewhere in the document.
    expect(jumps.length).toBeGreaterThan(protocols.length);
    for (const jump of jumps) expect(jump.to, JSON.stringify(jump)).toBeGreaterThan(0);
    expect(jumps.every((j) => j.to <= pages.length)).toBe(true);
  });

  it('prints each protocol as its own PDF does: page for page, no diagram turned into solid black shapes', async () => {
    // The combined document repeats each protocol's pages after the contents; the share of near-black pixels on each of them matches
    // the same page of the protocol's own PDF (a diagram that lost its styles there once printed as black boxes and wedges).
    const combined = await darkShares(file);
    const first = protocols[0]!;
    let at = (await readPdf(file)).pages.findIndex((text) => flat(text).includes(flat(first.objective).slice(0, 40)));
    expect(at).toBeGreaterThan(0);
    for (const p of protocols) {
      const single = await darkShares(join(distDir, 'pdf', `${p.slug}.pdf`));
      single.forEach((share, k) => expect(Math.abs(combined[at + k]! - share), `${p.slug}, page ${k + 1}`).toBeLessThan(0.003));
      at += single.length;
    }
    expect(Math.max(...combined)).toBeLessThan(0.03);
  });

  it('has a sound cross-reference stream: every object where the file says it is (pdf.js would forgive a broken one)', () => {
    for (const file of ['protocols.pdf', 'two-step-rt-qpcr.pdf']) {
      const { problems, objects } = crossReferenceProblems(join(distDir, 'pdf', file));
      expect(problems, file).toEqual([]);
      expect(objects, file).toBeGreaterThan(100);
    }
  });

  it('is tagged for screen readers: one document, the contents and each protocol a part of it, every page with the tags of its own PDF', async () => {
    // Copying pages from several PDFs once dropped their structure: the combined document was untagged.
    const { tagged, outline } = await readPdf(file);
    expect(tagged).toBe(true);
    const combined = await structureOf(file);
    // The contents page: a heading, and a link to each protocol.
    expect(combined[0]!.roles).toMatch(/^Document\(Part\(/);
    expect(combined[0]!.roles.match(/Link\(/g)).toHaveLength(protocols.length);
    for (const p of protocols) {
      const start = outline.find((o) => o.title === `Protocol ${p.number}: ${p.title}`)!.page;
      const own = await structureOf(join(distDir, 'pdf', `${p.slug}.pdf`));
      // Letters only: Chromium's text has no space where a heading wraps.
      const letters = (text: string | undefined) => text?.replace(/\s+/g, '');
      expect(letters(own[0]!.headings[0]), `${p.slug}: its own PDF`).toBe(letters(`H1 Protocol ${p.number}: ${p.title}`));
      own.forEach((page, k) => {
        expect(page.roles, `${p.slug}, page ${k + 1} of its own PDF`).toMatch(/^Document\(.+\)$/);
        // The same elements, under the protocol's part of the one document, and the same headings with their text.
        expect(combined[start - 1 + k]!.roles, `${p.slug}, page ${k + 1}`).toBe(page.roles.replace(/^Document\((.*)\)$/, 'Document(Part($1))'));
        expect(combined[start - 1 + k]!.headings, `${p.slug}, page ${k + 1}`).toEqual(page.headings);
      });
    }
  });

  it('holds every step of every protocol, and bookmarks', async () => {
    const text = flat(pdfText(file));
    for (const p of protocols) p.steps.forEach((s, i) => expect(text).toContain(`${i + 1}. ${s.title}`));
    const doc = await PDFDocument.load(readFileSync(file));
    expect(doc.catalog.get(PDFName.of('Outlines'))).toBeDefined();
    expect(doc.getTitle()).toBe(`${SITE_NAME}: protocols`);
  });

  it('is linked from the protocols index with its size', () => {
    const link = loadPage(distDir, '/protocols/')('a[data-pdf-link]');
    expect(link.attr('href')).toBe('/pdf/protocols.pdf');
    expect(link.text()).toMatch(/\(PDF, \d+ KB\)/);
  });
});

describe('exporting', () => {
  it('fails with the protocol’s name when its page is broken', async () => {
    const site = join(scratch, 'broken');
    cpSync(distDir, site, { recursive: true });
    const page = join(site, 'protocols/primer-efficiency/index.html');
    writeFileSync(page, readFileSync(page, 'utf8').replace(/<ol class="steps">[\s\S]*?<\/ol>/, ''));
    await expect(exportPdfs({ siteDir: site, siteName: SITE_NAME })).rejects.toThrow(
      /PDF export failed for "Protocol 2: Primer efficiency from a standard curve"/,
    );
  });

  it('prints on US Letter when asked', async () => {
    const site = join(scratch, 'letter');
    cpSync(distDir, site, { recursive: true });
    await exportPdfs({ siteDir: site, siteName: SITE_NAME, paper: 'Letter' });
    expect(paperOf((await readPdf(join(site, 'pdf/rna-isolation.pdf'))).size)).toBe('Letter');
  });

  it('prints the same PDFs with Chromium itself as with the browser the build prints with (its headless shell, where installed)', async () => {
    const chromiumItself = findBrowser();
    expect(chromiumItself).toBeDefined();
    const printWith = async (browser: string, folder: string) => {
      const site = join(scratch, folder);
      cpSync(distDir, site, { recursive: true });
      const saved = process.env.CHROME_PATH;
      process.env.CHROME_PATH = browser;
      try {
        await exportPdfs({ siteDir: site, siteName: SITE_NAME });
      } finally {
        if (saved === undefined) delete process.env.CHROME_PATH;
        else process.env.CHROME_PATH = saved;
      }
      return site;
    };
    const shell = await printWith(findHeadlessBrowser()!, 'headless-browser');
    const full = await printWith(chromiumItself!, 'chromium-itself');
    const files = readdirSync(join(full, 'pdf')).sort();
    expect(files).toEqual([...protocols.map((p) => `${p.slug}.pdf`), 'protocols.pdf'].sort());
    for (const file of files) expect(readFileSync(join(full, 'pdf', file)).equals(readFileSync(join(shell, 'pdf', file))), file).toBe(true);
    expect(flat((await readPdf(join(full, 'pdf', files[0]!))).pages.join('\n'))).toContain(protocols.find((p) => `${p.slug}.pdf` === files[0])!.title);
  }, 60_000);

  it('names no address in the footer of a center that has none, and never the temporary server it prints from', async () => {
    // A center without a public address has pages without a canonical link.
    const site = join(scratch, 'no-address');
    cpSync(distDir, site, { recursive: true });
    for (const p of protocols) {
      const page = join(site, 'protocols', p.slug, 'index.html');
      const html = readFileSync(page, 'utf8');
      expect(html).toContain('rel="canonical"');
      // As a center without a public address renders it: no canonical link, and the printout names the check page, not its address.
      expect(html).toMatch(/type the fingerprint at https:[^<]*\/check\/\./);
      writeFileSync(
        page,
        html
          .replace(/<link rel="canonical"[^>]*>/, '')
          .replace(/type the fingerprint at https:[^<]*\/check\/\./, 'type the fingerprint at the center’s “Check a printout” page.'),
      );
    }
    await exportPdfs({ siteDir: site, siteName: SITE_NAME });
    for (const p of protocols) {
      const { pages } = await readPdf(join(site, 'pdf', `${p.slug}.pdf`));
      expect(flat(pages.join('\n')), p.slug).toContain(`Version ${p.version} · ${isoDate(p.lastReviewed)}`);
      // Printed links may break across lines: compared without white space, and without the references' DOI links.
      const text = pages
        .join('')
        .replace(/\s+/g, '')
        .replace(/\(https:\/\/doi\.org\/[^)]*\)/g, '');
      expect(text, p.slug).not.toMatch(/https?:|127\.0\.0\.1|localhost|example-lab/);
    }
  });

  it('says in one line how to provide a browser when there is none', async () => {
    const saved = process.env.CHROME_PATH;
    process.env.CHROME_PATH = '/nonexistent/chromium';
    try {
      await expect(exportPdfs({ siteDir: distDir, siteName: SITE_NAME })).rejects.toThrow(
        /^PDF export needs a browser\. No Chromium or Chrome found: set CHROME_PATH/,
      );
    } finally {
      if (saved === undefined) delete process.env.CHROME_PATH;
      else process.env.CHROME_PATH = saved;
    }
  });
});
