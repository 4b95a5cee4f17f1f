import { describe, expect, it } from 'vitest';
import { documentRecord, referenceRecord, toBibTeX, toCslJson, toRIS } from '../../../src/lib/cite-formats';

const citation = {
  author: 'Core Facility Team',
  title: 'Technical Support Center: Cell Viability Assays',
  publisher: 'Example Institute',
  year: 2024,
  medium: 'Online PDF',
  url: 'https://example.org/viability#support',
};
const doc = documentRecord({ ...citation, key: 'example2024viability' }, 'fallback-key');
const titled = referenceRecord({
  id: 'vendor-wb-troubleshooting',
  number: 13,
  title: 'Western Blot Troubleshooting',
  publisher: 'A Vendor - SG',
  site: 'vendor.example.com',
});
const siteOnly = referenceRecord({ id: 'site-5', number: 5, site: 'journal.example.org' });
const article = referenceRecord({
  id: 'smith-2020',
  number: 2,
  authors: ['Smith A', 'Jones B'],
  year: 2020,
  title: 'A method for measuring things',
  container: 'Journal of Methods',
  doi: '10.1000/xyz123',
});

describe('BibTeX', () => {
  it('writes the document with its given fields, the title protected from case changes', () => {
    expect(toBibTeX([doc])).toBe(
      '@misc{example2024viability,\n  title = {{Technical Support Center: Cell Viability Assays}},\n  author = {{Core Facility Team}},\n  publisher = {Example Institute},\n  howpublished = {Online PDF},\n  year = {2024},\n  url = {https://example.org/viability#support}\n}\n',
    );
  });

  it('keys the document by the fallback when the content gives no key', () => {
    expect(toBibTeX([documentRecord(citation, 'cell-viability-support-center')])).toMatch(/^@misc\{cell-viability-support-center,/);
  });

  it('invents nothing for a reference that is only a site name, and says so', () => {
    const bib = toBibTeX([siteOnly]);
    expect(bib).not.toMatch(/^ +(title|author|year|url|doi) =/m);
    expect(bib).toContain('howpublished = {journal.example.org}');
    expect(bib).toContain('given only as the site name journal.example.org');
  });

  it('writes a journal article with every author, the journal and the DOI', () => {
    const bib = toBibTeX([article]);
    expect(bib).toMatch(/^@article\{smith-2020,/);
    expect(bib).toContain('author = {{Smith A} and {Jones B}}');
    expect(bib).toContain('journal = {Journal of Methods}');
    expect(bib).toContain('doi = {10.1000/xyz123}');
    expect(bib).toContain('year = {2020}');
  });

  it('escapes characters that are special to TeX', () => {
    expect(toBibTeX([{ key: 'x', type: 'webpage', title: 'A & B_{1}', site: 'a.org' }])).toContain('title = {{A \\& B\\_\\{1\\}}}');
  });
});

describe('RIS', () => {
  it('writes one record per reference with CRLF line ends and an end tag', () => {
    const ris = toRIS([doc, titled]);
    expect(ris.split('\r\n\r\n')).toHaveLength(2);
    expect(ris).toContain(
      'TY  - RPRT\r\nTI  - Technical Support Center: Cell Viability Assays\r\nAU  - Core Facility Team\r\nPB  - Example Institute\r\nPY  - 2024',
    );
    expect(ris).toContain('TY  - ELEC\r\nTI  - Western Blot Troubleshooting\r\nPB  - A Vendor - SG');
    expect(ris.trimEnd().endsWith('ER  -')).toBe(true);
  });

  it('writes an article as JOUR with one AU line per author and its DOI', () => {
    const ris = toRIS([article]);
    expect(ris).toContain(
      'TY  - JOUR\r\nTI  - A method for measuring things\r\nAU  - Smith A\r\nAU  - Jones B\r\nT2  - Journal of Methods\r\nDO  - 10.1000/xyz123',
    );
  });
});

describe('CSL-JSON', () => {
  it('gives each record an id and type and only the fields the source has', () => {
    const items = JSON.parse(toCslJson([doc, siteOnly, article])) as Record<string, unknown>[];
    expect(items[0]).toMatchObject({
      id: 'example2024viability',
      type: 'report',
      author: [{ literal: 'Core Facility Team' }],
      issued: { 'date-parts': [[2024]] },
    });
    expect(Object.keys(items[1]!).sort()).toEqual(['container-title', 'id', 'note', 'type']);
    expect(items[2]).toMatchObject({
      type: 'article-journal',
      DOI: '10.1000/xyz123',
      'container-title': 'Journal of Methods',
      author: [{ literal: 'Smith A' }, { literal: 'Jones B' }],
    });
  });
});
