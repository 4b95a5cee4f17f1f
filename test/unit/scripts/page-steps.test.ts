/**
 * The output steps take each page as Astro renders it (src/build/page-handoff.ts, page-pass.ts, search-index.ts): what a reader
 * gets must not depend on that. A page that changed after it was rendered, or never came, is packed and indexed as it is on disk;
 * the search index is the same whatever order the pages came in.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { pageFile } from '../../../src/build/page-handoff';
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

describe('pageFile', () => {
  it('names the file Astro writes for a page', () => {
    expect(pageFile('/')).toBe('index.html');
    expect(pageFile('/faq/melt-curve/')).toBe('faq/melt-curve/index.html');
    expect(pageFile('/404/')).toBe('404.html');
    expect(pageFile('/404')).toBe('404.html');
    expect(pageFile('/faq/f%C3%A9/')).toBe('faq/fé/index.html');
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

describe('the search index', () => {
  const pages: [string, string][] = [
    ['a/index.html', page('Melt curve', '<p>A single peak in the melt curve.</p>')],
    ['b/index.html', page('Primer dimers', '<p>Primer dimers melt below the product.</p>')],
    ['c/index.html', page('No template control', '<p>The no template control stays flat.</p>')],
  ];

  async function indexIn(order: [string, string][], name: string): Promise<Map<string, string>> {
    const site = join(dir, name);
    write(site, Object.fromEntries(pages));
    const builder = new SearchIndexBuilder(center);
    for (const [path, html] of order) builder.add(path, html);
    const report = await builder.finish(site, { reread: [], gone: [] });
    expect(report.pages).toBe(3);
    const out = join(site, 'pagefind');
    return new Map(
      readdirSync(out, { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile())
        .map((d) => [relative(out, join(d.parentPath, d.name)), readFileSync(join(d.parentPath, d.name)).toString('base64')]),
    );
  }

  it('is the same bytes whatever order the pages came in', async () => {
    const inOrder = await indexIn(pages, 'in-order');
    const reversed = await indexIn([...pages].reverse(), 'reversed');
    expect([...reversed.keys()].sort()).toEqual([...inOrder.keys()].sort());
    for (const [file, bytes] of inOrder) expect(reversed.get(file), file).toBe(bytes);
  });
});
