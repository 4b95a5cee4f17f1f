/**
 * Checks on the real build: every content entry has its page, every citation
 * and internal link resolves, and the source's facts made it onto the site.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { parse as parseHtml } from 'parse5';
import { describe, expect, inject, it } from 'vitest';
import { EXCLUDED_BOILERPLATE, SOURCE_FACTS, type SourceFact } from './source-facts';
import { frontmatter, listFiles, loadPage, normalise, normalisedText, urlOf } from '../helpers/built-site';
import { readPdf, textSizes } from '../helpers/pdf';
import { loadSiteConfig } from '../../src/lib/site-config';

const distDir = inject('distDir');
const files = listFiles(distDir);
const pages = files.filter((f) => f.endsWith('.html'));
const entries = (folder: string) =>
  readdirSync(join('content', folder))
    .filter((f) => f.endsWith('.mdx'))
    .map((f) => ({ slug: f.replace(/\.mdx$/, ''), data: frontmatter(join('content', folder, f)) }));

describe('every content entry has a page that shows it', () => {
  it.each(entries('faq'))('FAQ $slug', ({ slug, data }) => {
    const $ = loadPage(distDir, `/faq/${slug}/`);
    expect($('h1').text()).toBe(data.question);
    expect(loadPage(distDir, '/faq/')(`a[href="/faq/${slug}/"]`).text()).toBe(data.question);
  });

  it.each(entries('troubleshooting'))('troubleshooting guide $slug, with one anchored row group per problem', ({ slug, data }) => {
    const $ = loadPage(distDir, `/troubleshooting/${slug}/`);
    const problems = data.problems as { id: string; problem: string; causes: unknown[] }[];
    for (const problem of problems) {
      const group = $(`th#${problem.id}`).closest('tbody');
      expect(group.find('th[scope="rowgroup"]').text().trim()).toBe(problem.problem);
      expect(group.find('th').attr('rowspan')).toBe(String(problem.causes.length));
      expect(group.find('tr')).toHaveLength(problem.causes.length);
    }
  });

  it.each(entries('protocols'))('protocol $slug, with every step numbered in order', ({ slug, data }) => {
    const $ = loadPage(distDir, `/protocols/${slug}/`);
    expect($('h1').text()).toContain(data.title as string);
    const steps = data.steps as { id: string; title: string }[];
    expect(
      $('ol.steps > li > h3')
        .map((_, h) => $(h).attr('id'))
        .get(),
    ).toEqual(steps.map((s) => s.id));
    expect($('.materials li')).toHaveLength((data.materials as unknown[]).length);
    expect($('.meta').text()).toContain(`Version ${data.version}`);
  });

  it('the data page, with each table row and a CSV download that holds the same rows', () => {
    const [dataset] = entries('data');
    const $ = loadPage(distDir, '/data/');
    const rows = dataset!.data.rows as { cellLine: string; value: number }[];
    expect(
      $('table.data tbody th[scope="row"]')
        .map((_, th) => $(th).text())
        .get(),
    ).toEqual(rows.map((r) => r.cellLine));
    const href = $('a[download]').attr('href')!;
    const csv = parse(readFileSync(join(distDir, href), 'utf8').replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    expect(csv.map((r) => [r.cell_line, Number(r.value), r.unit])).toEqual(rows.map((r) => [r.cellLine, r.value, 'µg/mL']));
  });

  it('the references page, with all 17 references numbered as in the source', () => {
    const $ = loadPage(distDir, '/references/');
    expect(
      $('ol.all-references > li')
        .map((_, li) => Number($(li).attr('value')))
        .get(),
    ).toEqual(Array.from({ length: 17 }, (_, i) => i + 1));
  });

  it('the home page, with the overview, the RUO notice and how to cite', () => {
    const $ = loadPage(distDir, '/');
    expect($('#disclaimer').text()).toMatch(/Research Use Only/);
    expect($('#how-to-cite').length).toBe(1);
    expect($('blockquote.citation a').attr('href')).toBe(
      'https://www.benchchem.com/product/b15573251#investigating-mechanisms-of-acquired-herceptin-resistance',
    );
  });

  it('a 404 page', () => {
    expect(files).toContain('404.html');
  });
});

describe('citations', () => {
  it('ran through the unified pipeline: no raw [@id] is left and MDX citations became links', () => {
    for (const page of pages) {
      expect(readFileSync(join(distDir, page), 'utf8'), page).not.toMatch(/\[@[a-z0-9-]/);
    }
    expect(loadPage(distDir, '/faq/p95her2/')('main .prose sup.cite a[id^="cite-"]').length).toBeGreaterThan(0);
  });

  it('every citation marker points at a reference listed at the end of its own page', () => {
    let markers = 0;
    for (const page of pages) {
      const $ = loadPage(distDir, urlOf(page));
      $('sup.cite a').each((_, a) => {
        markers++;
        const target = $(a).attr('href')!;
        const entry = $(target);
        expect(entry.is('li'), `${page}: ${target}`).toBe(true);
        expect(entry.attr('value'), `${page}: ${target}`).toBe($(a).text());
      });
    }
    expect(markers).toBeGreaterThan(50);
  });

  it('every reference that content cites links back to the places citing it, and those anchors exist', () => {
    const $ = loadPage(distDir, '/references/');
    let backlinks = 0;
    $('.cited-in a').each((_, a) => {
      backlinks++;
      const [path, hash] = $(a).attr('href')!.split('#');
      const target = loadPage(distDir, path!);
      expect(target(`[id="${hash}"]`).length, $(a).attr('href')).toBe(1);
    });
    expect(backlinks).toBeGreaterThan(50);
  });
});

describe('links', () => {
  it('every internal link and asset resolves to a built file and anchor', () => {
    const broken: string[] = [];
    for (const page of pages) {
      const $ = loadPage(distDir, urlOf(page));
      $('a[href], link[href], script[src], img[src]').each((_, el) => {
        const raw = $(el).attr('href') ?? $(el).attr('src')!;
        if (/^(https?:|mailto:)/.test(raw)) return;
        const url = new URL(raw, `http://site${urlOf(page)}`);
        const file = url.pathname.endsWith('/') ? `${url.pathname}index.html` : url.pathname;
        if (!files.includes(file.slice(1))) return void broken.push(`${page}: ${raw}`);
        if (url.hash && file.endsWith('.html')) {
          const target = loadPage(distDir, url.pathname);
          if (target(`[id="${decodeURIComponent(url.hash.slice(1))}"]`).length !== 1) broken.push(`${page}: ${raw}`);
        }
      });
    }
    expect(broken).toEqual([]);
  });

  it('no page loads anything from another origin', () => {
    for (const page of pages) {
      const $ = loadPage(distDir, urlOf(page));
      const external = $('link[href^="http"]:not([rel="canonical"]), script[src^="http"], img[src^="http"], iframe, [style*="url(http"]');
      expect(external.length, page).toBe(0);
    }
  });

  it('every table has a caption and headers, every header with its scope', () => {
    let tables = 0;
    for (const page of pages) {
      const $ = loadPage(distDir, urlOf(page));
      $('main table').each((_, table) => {
        tables++;
        const t = $(table);
        expect(t.find('caption').text().trim().length, page).toBeGreaterThan(0);
        expect(t.find('th').length, page).toBeGreaterThan(0);
        t.find('th').each((_, th) => void expect($(th).attr('scope'), `${page}: ${$(th).text()}`).toMatch(/^(col|row|rowgroup)$/));
      });
    }
    expect(tables).toBeGreaterThanOrEqual(4);
  });

  it('every page parses as HTML with no error: nesting, end tags and attributes are as the standard wants', () => {
    const errors: string[] = [];
    for (const page of pages) {
      parseHtml(readFileSync(join(distDir, page), 'utf8'), { onParseError: (e) => errors.push(`${page}:${e.startLine}:${e.startCol} ${e.code}`) });
    }
    expect(errors).toEqual([]);
  });

  it('page ids are unique on every page', () => {
    for (const page of pages) {
      const $ = loadPage(distDir, urlOf(page));
      const ids = $('[id]')
        .map((_, el) => $(el).attr('id'))
        .get();
      expect(
        ids.filter((id, i) => ids.indexOf(id) !== i),
        page,
      ).toEqual([]);
    }
  });
});

describe('citation downloads', () => {
  it('the document and every reference download as BibTeX, RIS and CSL-JSON, linked from the pages', () => {
    const refs = loadPage(
      distDir,
      '/references/',
    )('ol.all-references > li')
      .map((_, li) => loadPage(distDir, '/references/')(li).attr('id')!.replace(/^ref-/, ''))
      .get();
    expect(refs).toHaveLength(17);
    for (const name of ['document', 'references', ...refs]) {
      for (const format of ['bib', 'ris', 'json']) expect(files, `${name}.${format}`).toContain(`cite/${name}.${format}`);
    }
    expect(loadPage(distDir, '/')('a[href="/cite/document.bib"]').length).toBe(1);
    expect(loadPage(distDir, '/references/')('a[download][href$=".ris"]').length).toBe(18);
    const all = JSON.parse(readFileSync(join(distDir, 'cite/references.json'), 'utf8')) as { id: string; URL?: string; DOI?: string }[];
    expect(all.map((r) => r.id)).toEqual(refs);
    expect(all.filter((r) => r.URL || r.DOI)).toEqual([]);
  });
});

describe('diagrams', () => {
  it.each([
    ['/', 'Key signaling pathways in acquired Herceptin resistance'],
    ['/protocols/resistant-cell-lines/', 'Workflow for generating and validating Herceptin-resistant cell lines'],
  ])('%s shows its diagram as inline SVG with title, description, caption and text alternative', (path, title) => {
    const $ = loadPage(distDir, path);
    const figure = $('figure.diagram').filter((_, f) => $(f).find('svg > title').text() === title);
    expect(figure.length).toBe(1);
    const svg = figure.find('svg');
    expect(svg.attr('aria-labelledby')).toBe(svg.find('title').attr('id'));
    expect(svg.find(`#${svg.attr('aria-describedby')}`).text().length).toBeGreaterThan(100);
    expect(figure.find('figcaption').text().length).toBeGreaterThan(20);
    expect(figure.find('details.diagram-text p').text()).toBe(svg.find('desc').text());
    expect(figure.find('svg a').length).toBeGreaterThan(3);
  });

  it('in the PDFs, the workflow box that opens a troubleshooting guide does not point at the build’s server (no public address yet: no link)', async () => {
    expect(loadSiteConfig('content').url).toBeUndefined();
    for (const file of ['resistant-cell-lines.pdf', 'protocols.pdf']) {
      const { links } = await readPdf(join(distDir, 'pdf', file));
      expect(
        links.filter((l) => !l.startsWith('#')),
        file,
      ).toEqual([]);
    }
  });

  it('in the PDF, the workflow’s text description starts on the page of its heading (the heading was once left alone at the foot of the diagram’s page)', async () => {
    const { pages } = await readPdf(join(distDir, 'pdf', 'resistant-cell-lines.pdf'));
    const at = pages.findIndex((page) => page.includes('Text description of the diagram'));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(pages[at]!.replace(/\s+/g, ' ')).toContain('Start from a parental HER2-positive cell line');
  });

  it('in the PDF, the long workflow prints at a legible size, in slices cut between its boxes (it printed at about 4.5 pt on one page)', async () => {
    const file = join(distDir, 'pdf', 'resistant-cell-lines.pdf');
    for (const label of ['Logarithmic', 'Parental']) {
      const sizes = await textSizes(file, label);
      expect(sizes.length, label).toBeGreaterThan(0);
      for (const { pt } of sizes) expect(pt, label).toBeGreaterThanOrEqual(8);
    }
  });

  it('ships no mermaid code to readers', () => {
    const scripts = files.filter((f) => /\.(m?js)$/.test(f));
    for (const file of scripts) expect(readFileSync(join(distDir, file), 'utf8'), file).not.toMatch(/mermaid/i);
    for (const page of pages) {
      const $ = loadPage(distDir, urlOf(page));
      expect($('script').text(), page).not.toMatch(/mermaid/i);
      expect($('pre code.language-mermaid').length, page).toBe(0);
    }
  });
});

describe('the source document carried over', () => {
  const textBySection = new Map<SourceFact['section'], string>();
  const sectionPages: Record<SourceFact['section'], (p: string) => boolean> = {
    home: (p) => p === 'index.html',
    faq: (p) => p.startsWith('faq/'),
    troubleshooting: (p) => p.startsWith('troubleshooting/'),
    data: (p) => p.startsWith('data/') && p.endsWith('.html'),
    protocols: (p) => p.startsWith('protocols/'),
    references: (p) => p.startsWith('references/'),
  };
  for (const [section, match] of Object.entries(sectionPages) as [SourceFact['section'], (p: string) => boolean][]) {
    textBySection.set(
      section,
      pages
        .filter(match)
        .map((p) => normalisedText(loadPage(distDir, urlOf(p))))
        .join(' \n '),
    );
  }
  const everything = pages.map((p) => normalise(loadPage(distDir, urlOf(p))('body').text())).join(' \n ');

  it(`has a long list of facts to check (${SOURCE_FACTS.length})`, () => {
    expect(SOURCE_FACTS.length).toBeGreaterThan(150);
  });

  it.each(SOURCE_FACTS.map((f) => [f.section, f.what, f] as const))('%s: %s', (section, _what, fact) => {
    const text = textBySection.get(section)!;
    expect(
      fact.anyOf.some((token) => text.includes(token)),
      `none of ${JSON.stringify(fact.anyOf)} on the ${section} pages`,
    ).toBe(true);
  });

  it.each(EXCLUDED_BOILERPLATE)('leaves out the commercial boilerplate "%s"', (phrase) => {
    expect(everything).not.toContain(phrase);
  });
});

describe('protocol versions of the default center', () => {
  it('each protocol is version 1.0, archived, with a fingerprint, no invented changes, and known to the check page', () => {
    const check = loadPage(distDir, '/check/');
    for (const slug of ['resistant-cell-lines', 'western-blot-p-akt', 'ihc-ffpe']) {
      const $ = loadPage(distDir, `/protocols/${slug}/`);
      expect(
        $('.versions > li')
          .map((_, li) => $(li).attr('data-version'))
          .get(),
      ).toEqual(['1.0']);
      expect($('.changes-block')).toHaveLength(0);
      const print = $('.versions .fingerprint').text();
      expect(print).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
      expect(check(`[data-answer="${print}"]`).text()).toContain('Current:');
    }
  });
});
