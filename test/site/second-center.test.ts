/**
 * The generator builds any center from its folder alone: the second-topic
 * fixture (RT-qPCR, no data table, its own topics, the calculator switched
 * off), copied out of the repository and built with --content, as a team
 * publishing a second center would.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { gunzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { describe, expect, inject, it } from 'vitest';
import { listFiles, loadPage } from '../helpers/built-site';
import { readPdf } from '../helpers/pdf';
import { TOPIC_LITERALS } from '../helpers/topic-literals';

const dist = inject('fixtureDistDir');
const content = inject('fixtureContentDir');
const site = parse(readFileSync(join(content, 'site.yaml'), 'utf8')) as {
  name: string;
  shortName: string;
  url: string;
  topics: { id: string; label: string }[];
};
const files = listFiles(dist);
const fm = (file: string) => parse(/^---\n([\s\S]*?)\n---/.exec(readFileSync(join(content, file), 'utf8'))![1]!) as Record<string, unknown>;
const entries = (folder: string) =>
  readdirSync(join(content, folder))
    .filter((f) => f.endsWith('.mdx'))
    .map((f) => ({ slug: f.replace(/\.mdx$/, ''), data: fm(join(folder, f)) }));

describe('a second center, built from its folder alone', () => {
  it('has a page for every entry, titled from the content and named after the center', () => {
    for (const { slug, data } of entries('faq')) {
      const $ = loadPage(dist, `/faq/${slug}/`);
      expect($('h1').text()).toBe(data.question);
      expect($('title').text()).toBe(`${data.question as string} · ${site.name}`);
    }
    for (const { slug, data } of entries('protocols')) {
      const $ = loadPage(dist, `/protocols/${slug}/`);
      expect($('h1').text()).toBe(`Protocol ${data.number as number}: ${data.title as string}`);
      expect($('ol.steps > li')).toHaveLength((data.steps as unknown[]).length);
      // Words and the date stay apart where the markup breaks a line between them.
      expect($('p.meta').first().text()).toMatch(/last reviewed \d{1,2} \w+ \d{4}/);
    }
    const guide = loadPage(dist, '/troubleshooting/sybr-green-qpcr/');
    expect(guide('th#ntc-amplification').text().trim()).toBe('Amplification in the no-template control');
  });

  it('shows its own name in the header and its language and address in the head', () => {
    const $ = loadPage(dist, '/');
    expect($('title').text()).toBe(site.name);
    expect($('.site-header .brand-full').text()).toBe(site.name);
    expect($('.site-header .brand-short').text()).toBe(site.shortName);
    // Named by the text it shows (the full name, or the short one on a phone), never by a label that leaves the short one out.
    expect($('.site-header .brand').attr('aria-label')).toBeUndefined();
    expect($('html').attr('lang')).toBe('en');
    expect(loadPage(dist, '/faq/melt-curve/')('link[rel="canonical"]').attr('href')).toBe(`${site.url}/faq/melt-curve/`);
  });

  it('counts its sections in words that agree with the number (one guide, not "1 guides")', () => {
    const cards = loadPage(
      dist,
      '/',
    )('.card-grid li p')
      .map((_, p) => loadPage(dist, '/')(p).text())
      .get();
    expect(cards).toContain('4 questions');
    expect(cards).toContain('1 guide: qPCR with an intercalating dye');
  });

  it('groups its FAQ by its own topics, under its own heading', () => {
    const $ = loadPage(dist, '/');
    expect($('#topics').text()).toBe('Topics');
    const labels = $('.topic-index > li > strong')
      .map((_, el) => $(el).text().replace(/:$/, ''))
      .get();
    expect(labels).toEqual(site.topics.map((t) => t.label));
    expect(loadPage(dist, '/faq/reference-genes/')('.tags .tag').text()).toBe('Data analysis');
  });

  it('has no data page, no calculator, and mentions neither anywhere', () => {
    expect(files.some((f) => f.startsWith('data/'))).toBe(false);
    expect(files.filter((f) => f.startsWith('tools/'))).toEqual(['tools/run-mode.js']);
    for (const page of files.filter((f) => f.endsWith('.html'))) {
      const $ = loadPage(dist, page);
      expect($('a[href^="/data/"], a[href^="/tools/"]').length, page).toBe(0);
      expect($('body').text(), page).not.toMatch(/IC₅₀ calculator|Quantitative data|data download/);
    }
    const nav = loadPage(
      dist,
      '/',
    )('nav[aria-label="Main"] a')
      .map((_, a) => loadPage(dist, '/')(a).text())
      .get();
    expect(nav).toEqual(['FAQ', 'Troubleshooting', 'Protocols', 'References']);
  });

  it('lists references with authors, year, journal and DOI as given', () => {
    const $ = loadPage(dist, '/references/');
    const first = $('#ref-bustin-2009-miqe').text();
    expect(first).toContain('Bustin SA, Benes V');
    expect(first).toContain('(2009)');
    expect(first).toContain('Clinical Chemistry');
    expect($('#ref-bustin-2009-miqe a[href="https://doi.org/10.1373/clinchem.2008.112797"]')).toHaveLength(1);
    expect($('main').text()).not.toMatch(/source document/);
    const bib = readFileSync(join(dist, 'cite/bustin-2009-miqe.bib'), 'utf8');
    expect(bib).toMatch(/^@article\{bustin-2009-miqe,/);
    expect(bib).toContain('doi = {10.1373/clinchem.2008.112797}');
  });

  it('lists each place that cites a reference once, however often it cites it there', () => {
    const $ = loadPage(dist, '/references/');
    const repeated: string[] = [];
    let lists = 0;
    $('.cited-in ul').each((_, ul) => {
      lists++;
      const labels = $(ul)
        .find('li > a')
        .map((_, a) => $(a).text())
        .get();
      labels.filter((label, i) => labels.indexOf(label) !== i).forEach((label) => repeated.push(`${$(ul).closest('li[id]').attr('id')}: ${label}`));
    });
    expect(lists).toBeGreaterThan(3);
    expect(repeated).toEqual([]);
  });

  it('links each reference at the end of a page back to where that page cites it', () => {
    let checked = 0;
    for (const path of ['/faq/melt-curve/', '/faq/reference-genes/', '/protocols/two-step-rt-qpcr/']) {
      const $ = loadPage(dist, path);
      $('.references li[id^="ref-"]').each((_, li) => {
        const back = $(li).find('a.back-link');
        expect(back.length, `${path} ${$(li).attr('id')}`).toBeGreaterThan(0);
        back.each((_, a) => {
          checked++;
          const target = $(`[id="${$(a).attr('href')!.slice(1)}"]`);
          expect(target.length, `${path} ${$(a).attr('href')}`).toBe(1);
          // It lands on a marker, or on the heading of a step, that cites this very reference.
          const id = $(li).attr('id')!.slice('ref-'.length);
          const marker = `a[href="#ref-${id}"]`;
          expect(target.is(marker) || target.closest('li').find(marker).length > 0, `${path} ${$(a).attr('href')}`).toBe(true);
        });
      });
    }
    expect(checked).toBeGreaterThan(3);
  });

  it('offers the citation its how-to-cite gives, to copy and to download under its own key', () => {
    const $ = loadPage(dist, '/');
    expect($('blockquote.citation').text().replace(/\s+/g, ' ').trim()).toBe(
      `Example Lab Core Facility. ${site.name}. Example Lab, 2026. Website. Available at: ${site.url}/`,
    );
    expect($('a[href="/cite/document.bib"]')).toHaveLength(1);
    expect(readFileSync(join(dist, 'cite/document.bib'), 'utf8')).toMatch(/^@misc\{examplelab2026qpcr,/);
  });

  it('a center whose how-to-cite gives no citation fields (the minimal one) has no document citation to copy or download, and no link to one', () => {
    const minimal = inject('minimalDistDir');
    expect(existsSync(join(minimal, 'cite/document.bib'))).toBe(false);
    const $ = loadPage(minimal, '/');
    expect($('#how-to-cite').length).toBe(1);
    expect($('blockquote.citation, [data-copy-target], a[href^="/cite/"]').length).toBe(0);
    expect($('main').text()).not.toMatch(/Copy citation/);
  });

  it('prints its protocols to PDFs named for the center, holding every step', async () => {
    for (const { slug, data } of entries('protocols')) {
      const file = join(dist, 'pdf', `${slug}.pdf`);
      const pdf = await readPdf(file);
      const { info } = pdf;
      expect(info.Author).toBe(site.name);
      expect(info.Keywords).toContain('RT-qPCR');
      const text = pdf.pages.join(' ').replace(/\s+/g, ' ');
      for (const step of data.steps as { title: string }[]) expect(text).toContain(step.title);
      expect(text).toContain(site.name);
    }
    expect((await readPdf(join(dist, 'pdf/protocols.pdf'))).info.Title).toBe(`${site.name}: protocols`);
  });

  it('names its public address in the PDF footers and the offline banner, and never the build’s temporary server', async () => {
    const text = (await readPdf(join(dist, 'pdf/two-step-rt-qpcr.pdf'))).pages.join('\n');
    expect(text).toContain(`${site.url}/protocols/two-step-rt-qpcr/`);
    expect(text).not.toMatch(/127\.0\.0\.1|localhost/);
    const zip = unzipSync(readFileSync(join(dist, 'downloads/rt-qpcr-gene-expression-support-center-offline.zip')));
    const home = new TextDecoder().decode(zip['rt-qpcr-gene-expression-support-center-offline/index.html']!);
    expect(home).toMatch(new RegExp(`For updates, see the public site: <a href="${site.url}">`));
  });

  it('draws its diagram, rendered into its own folder', () => {
    expect(loadPage(dist, '/protocols/two-step-rt-qpcr/')('figure svg').length).toBe(1);
    expect(readdirSync(join(content, '.diagram-cache')).filter((f) => f.endsWith('.json')).length).toBe(1);
  });

  it('bundles an offline copy named after the center', () => {
    expect(files.filter((f) => f.startsWith('downloads/'))).toEqual(['downloads/rt-qpcr-gene-expression-support-center-offline.zip']);
  });

  it('carries no trace of the default center: pages, scripts, the search index, PDFs (text and metadata), the zip’s names and files', async () => {
    const traces: string[] = [];
    const scan = (where: string, text: string) => {
      const m = TOPIC_LITERALS.exec(text);
      if (m) traces.push(`${where}: "${m[0]}"`);
    };
    for (const file of files) {
      const path = join(dist, file);
      if (file.endsWith('.pdf')) {
        const pdf = await readPdf(path);
        scan(file, pdf.pages.join('\n'));
        scan(`${file} (metadata)`, JSON.stringify(pdf.info));
      } else if (file.endsWith('.zip')) {
        for (const [name, data] of Object.entries(unzipSync(readFileSync(path)))) {
          scan(`zip entry name ${name}`, name);
          // A PDF in the copy is the site's own, scanned above; anything else is read as text.
          if (name.endsWith('.pdf')) expect(Buffer.from(data).equals(readFileSync(join(dist, name.slice(name.indexOf('/') + 1)))), name).toBe(true);
          else scan(`zip: ${name}`, new TextDecoder().decode(data));
        }
      } else if (/^pagefind\/.*\.pf_\w+$/.test(file)) {
        // The search index: gzip-compressed fragments, words and metadata.
        scan(file, new TextDecoder().decode(gunzipSync(readFileSync(path))));
      } else if (!/\.(png|woff2?|wasm|ico)$/.test(file) && !file.startsWith('pagefind/')) {
        scan(file, readFileSync(path, 'utf8'));
      }
    }
    expect(traces).toEqual([]);
    expect(files.filter((f) => f.endsWith('.pdf'))).toHaveLength(4);
  });

  it('changed no file of the generator: git status is the same just before and just after its build', () => {
    expect(inject('gitStatusAfter')).toBe(inject('gitStatusBefore'));
  });
});
