/**
 * The output steps take each page as Astro renders it (src/build/page-handoff.ts, page-pass.ts, search-index.ts): what a reader
 * gets must not depend on that. A page that changed after it was rendered, or never came, is packed and indexed as it is on disk;
 * the search index is the same whatever order the pages came in, and whether a page changed after it came.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { announcingOrder, pageFile, pageKey, type PageHandoff } from '../../../src/build/page-handoff';
import { PagePass } from '../../../src/build/page-pass';
import { startOfflineBundle } from '../../../src/build/offline-bundle';
import { SearchIndexBuilder } from '../../../src/build/search-index';
import { translator } from '../../../src/i18n/ui';

const dir = mkdtempSync(join(tmpdir(), 'page-steps-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const center = join(import.meta.dirname, '../../fixtures/centers/minimal');

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body><main data-pagefind-body><h1>${title}</h1>${body}</main></body></html>`;

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

describe('pageKey', () => {
  it('is one key for a path as Astro lists it, as it requests it, and as the file it writes', () => {
    for (const [forms, key] of [
      [['/faq/x', '/faq/x/', 'faq/x/index.html'], 'faq/x'],
      [['/', 'index.html'], ''],
      [['/404', '/404/', '404.html'], '404'],
      [['/cite/references.bib'], 'cite/references.bib'],
    ] as const)
      for (const form of forms) expect(pageKey(form), form).toBe(key);
  });
});

describe('pageFile', () => {
  it('names the file Astro writes for a page', () => {
    expect(pageFile('/')).toBe('index.html');
    expect(pageFile('/faq/melt-curve/')).toBe('faq/melt-curve/index.html');
    expect(pageFile('/404/')).toBe('404.html');
    expect(pageFile('/404')).toBe('404.html');
    expect(pageFile('/faq/f%C3%A9/')).toBe('faq/fé/index.html');
  });
});

describe('the order Astro renders the pages in', () => {
  /** Astro's prerenderer as the outputs integration wraps it, listing `listed` (a path, and its route's type). */
  async function rendered(listed: [string, string][]) {
    const told: string[][] = [];
    const base = {
      name: 'test',
      getStaticPaths: async () => listed.map(([pathname, type], i) => ({ pathname, route: { type, route: `route-${i}` } })),
      render: async () => new Response(''),
    };
    const handoff = { order: (keys: readonly string[]) => void told.push([...keys]) } as unknown as PageHandoff;
    const paths = await announcingOrder(base as never, handoff).getStaticPaths();
    return { paths: paths.map((p) => `${p.pathname} ${(p.route as { route: string }).route}`), told: told[0] };
  }

  it('puts the protocol pages first, in their own order, and tells the steps that order', async () => {
    const { paths, told } = await rendered([
      ['/', 'page'],
      ['/faq/x/', 'page'],
      ['/protocols/b/', 'page'],
      ['/protocols/', 'page'],
      ['/cite/references.bib', 'endpoint'],
      ['/protocols/a/', 'page'],
      ['/protocols/c/', 'page'],
      ['/faq/old/', 'fallback'],
    ]);
    const order = ['/protocols/b/', '/protocols/a/', '/protocols/c/', '/', '/faq/x/', '/protocols/', '/cite/references.bib', '/faq/old/'];
    expect(paths.map((p) => p.split(' ')[0])).toEqual(order);
    expect(told).toEqual(order);
  });

  it('keeps the order of two routes that give one path, so that Astro builds the same one', async () => {
    // Astro builds the first of the two and skips the other (or fails, as the site's config says).
    const { paths } = await rendered([
      ['/faq/x/', 'page'],
      ['/protocols/a', 'redirect'],
      ['/protocols/a/', 'page'],
    ]);
    expect(paths).toEqual(['/protocols/a route-1', '/protocols/a/ route-2', '/faq/x/ route-0']);
  });
});

describe('the pass over the pages', () => {
  it('packs and checks a page that changed after it was rendered, or never came, as it is on disk', async () => {
    const site = join(dir, 'site');
    const bundle = startOfflineBundle({ contentDir: center, name: 'copy', buildDate: '2026-11-29' });
    const pass = new PagePass(bundle, translator(), false);
    const kept = page('Kept', '<p><a href="/changed/">next</a></p>');
    await pass.add('kept/index.html', kept);
    await pass.add('changed/index.html', page('Changed', '<p>as rendered</p>'));
    await pass.add('gone/index.html', page('Gone', '<p>never written</p>'));
    write(site, {
      'kept/index.html': kept,
      'changed/index.html': page('Changed', '<p>as written</p>'),
      'late/index.html': page('Late', '<p><a href="/kept/">back</a></p>'),
      'pagefind/pagefind-entry.json': '{}',
    });

    expect(pass.compare(site)).toEqual({
      stale: ['changed/index.html', 'late/index.html'],
      reread: ['changed/index.html', 'late/index.html'],
      gone: ['gone/index.html'],
    });
    const report = await pass.finish(site, ['changed/index.html', 'late/index.html']);
    expect([...report.siteLinks.keys()]).toEqual(['changed/index.html', 'kept/index.html', 'late/index.html']);
    // The pages read from disk get the security policy that the others got as Astro rendered them.
    expect(readFileSync(join(site, 'late/index.html'), 'utf8')).toContain('<meta http-equiv="Content-Security-Policy"');

    await bundle.finish(site);
    const zip = unzipSync(readFileSync(join(site, 'downloads/copy.zip')));
    const text = (path: string) => new TextDecoder().decode(zip[`copy/${path}`]);
    expect(Object.keys(zip).filter((p) => p.endsWith('.html'))).toEqual(['copy/changed/index.html', 'copy/kept/index.html', 'copy/late/index.html']);
    expect(text('changed/index.html')).toContain('as written');
    expect(text('changed/index.html')).not.toContain('as rendered');
    expect(text('late/index.html')).toContain('href="../kept/index.html"');
  });
});

describe('pages with PDF links', () => {
  const withPdf = (title: string, href: string) =>
    page(title, `<p class="pdf-download" data-pagefind-ignore><a href="${href}" data-pdf-link>PDF<span data-pdf-size></span></a></p>`);

  it('are each read as soon as the PDF they link is written, the rest when the PDFs are done', async () => {
    const site = join(dir, 'pdf-site');
    const bundle = startOfflineBundle({ contentDir: center, name: 'copy', buildDate: '2026-11-29' });
    // PDFs printed after Astro: the pages with a PDF link wait for their sizes.
    const pass = new PagePass(bundle, translator(), true);
    const pages = {
      'protocols/a/index.html': withPdf('A', '/pdf/a.pdf'),
      'protocols/b/index.html': withPdf('B', '/pdf/b.pdf'),
      'protocols/index.html': withPdf('All', '/pdf/protocols.pdf'),
    };
    for (const [path, html] of Object.entries(pages)) await pass.add(path, html);
    write(site, { ...pages, 'pagefind/pagefind-entry.json': '{}' });
    expect(pass.compare(site).stale).toEqual(['protocols/a/index.html', 'protocols/b/index.html', 'protocols/index.html']);

    write(site, { 'pdf/a.pdf': '%PDF-'.padEnd(2048, '.') });
    pass.pdfWritten(site, 'pdf/a.pdf');
    await new Promise((done) => setTimeout(done, 50));
    // A's page has its PDF's size, on disk and in the zip, before the export is over; B's and the index page wait.
    expect(readFileSync(join(site, 'protocols/a/index.html'), 'utf8')).toMatch(/<span data-pdf-size> \(PDF, 2 KB\)<\/span>/);
    expect(bundle.holds('protocols/a/index.html')).toBe(true);
    expect(bundle.holds('protocols/b/index.html')).toBe(false);
    expect(readFileSync(join(site, 'protocols/b/index.html'), 'utf8')).toContain('<span data-pdf-size></span>');

    write(site, { 'pdf/b.pdf': '%PDF-'.padEnd(4096, '.'), 'pdf/protocols.pdf': '%PDF-'.padEnd(6144, '.') });
    pass.pdfWritten(site, 'pdf/b.pdf');
    const report = await pass.finish(site, ['protocols/a/index.html', 'protocols/b/index.html', 'protocols/index.html']);
    expect(report.asPdfsWritten).toBe(2);
    expect(report.pages).toBe(3);
    expect(readFileSync(join(site, 'protocols/b/index.html'), 'utf8')).toMatch(/<span data-pdf-size> \(PDF, 4 KB\)<\/span>/);
    expect(readFileSync(join(site, 'protocols/index.html'), 'utf8')).toMatch(/<span data-pdf-size> \(PDF, 6 KB\)<\/span>/);
    await bundle.finish(site);
    const zip = unzipSync(readFileSync(join(site, 'downloads/copy.zip')));
    expect(new TextDecoder().decode(zip['copy/protocols/a/index.html'])).toMatch(/\(PDF, 2 KB\)/);
    expect(Object.keys(zip).filter((p) => p.endsWith('.pdf')).sort()).toEqual(['copy/pdf/a.pdf', 'copy/pdf/b.pdf', 'copy/pdf/protocols.pdf']);
  });
});

describe('the search index', () => {
  const pages: [string, string][] = [
    ['a/index.html', page('Melt curve', '<p>A single peak in the melt curve.</p>')],
    ['b/index.html', page('Primer dimers', '<p>Primer dimers melt below the product.</p>')],
    ['c/index.html', page('No template control', '<p>The no template control stays flat.</p>')],
  ];

  interface Arrival {
    /** Astro's order of its paths, told before the pages (as the outputs integration does), or none. */
    order?: string[];
    /** What comes, in the order it comes: a page, or a path that gave none. */
    come: ([string, string] | { skip: string })[];
    /** Pages on disk that differ from what came (changed after rendering), read again in finish. */
    changed?: Record<string, string>;
  }

  async function indexIn({ order, come, changed = {} }: Arrival, name: string): Promise<Map<string, string>> {
    const site = join(dir, name);
    write(site, { ...Object.fromEntries(pages), ...changed });
    const builder = new SearchIndexBuilder(center);
    if (order) builder.order(order);
    for (const item of come) {
      if (Array.isArray(item)) builder.add(item[0], item[1]);
      else builder.skip(item.skip);
      // As in a build: the pages come over time, and Pagefind takes them as they do.
      await new Promise((turn) => setTimeout(turn, 5));
    }
    const report = await builder.finish(site, { reread: Object.keys(changed), gone: [] });
    expect(report.pages).toBe(3);
    const out = join(site, 'pagefind');
    return new Map(
      readdirSync(out, { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile())
        .map((d) => [relative(out, join(d.parentPath, d.name)), readFileSync(join(d.parentPath, d.name)).toString('base64')]),
    );
  }

  const same = (a: Map<string, string>, b: Map<string, string>) => {
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [file, bytes] of a) expect(b.get(file), file).toBe(bytes);
  };
  // Astro's paths as its prerenderer lists them: no trailing slash, and a file (a CSV) among the pages.
  const astroOrder = ['c', 'data/table.csv', 'a', 'b'];

  it('is the same bytes whatever order the pages came in, without an order from Astro', async () => {
    same(await indexIn({ come: pages }, 'in-order'), await indexIn({ come: [...pages].reverse() }, 'reversed'));
  });

  it('is the same bytes whatever order the pages came in, in the order Astro gave, with the paths that gave no page passed over', async () => {
    const [a, b, c] = pages;
    const first = await indexIn({ order: astroOrder, come: [c!, { skip: '/data/table.csv' }, a!, b!] }, 'astro-order');
    const second = await indexIn({ order: astroOrder, come: [b!, a!, c!, { skip: '/data/table.csv' }] }, 'astro-order-late');
    same(first, second);
    // A path that never says it gave no page holds nothing up for good: the rest is indexed in order when the build ends.
    same(first, await indexIn({ order: astroOrder, come: [a!, c!, b!] }, 'astro-order-no-skip'));
  });

  it('indexes a page that changed after it was rendered as it is on disk, as if it had come so', async () => {
    const [a, b, c] = pages;
    // A page in the middle of Astro's order (c, a, b), indexed before the last came.
    const changedA = page('Melt curve', '<p>A single sharp peak in the melt curve, near 85 °C.</p>');
    const cameChanged = await indexIn({ order: astroOrder, come: [c!, [a![0], changedA], b!] }, 'came-changed');
    const changedLater = await indexIn({ order: astroOrder, come: [c!, a!, b!], changed: { [a![0]]: changedA } }, 'changed-later');
    same(cameChanged, changedLater);
  });
});
