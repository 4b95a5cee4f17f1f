import { describe, expect, it } from 'vitest';
import { documentRecord, referenceRecord, toBibTeX, toCslJson, toRIS } from '../../src/lib/cite-formats';

const doc = documentRecord({
  author: 'BenchChem',
  title: 'Technical Support Center: Investigating Acquired Herceptin Resistance',
  publisher: 'BenchChem',
  year: 2025,
  medium: 'Online PDF',
  url: 'https://www.benchchem.com/product/b15573251#investigating-mechanisms-of-acquired-herceptin-resistance',
});
const titled = referenceRecord({
  id: 'thermo-wb-troubleshooting',
  number: 13,
  title: 'Western Blot Troubleshooting',
  publisher: 'Thermo Fisher Scientific - SG',
  site: 'thermofisher.com',
});
const siteOnly = referenceRecord({ id: 'mdpi-5', number: 5, site: 'mdpi.com' });

describe('BibTeX', () => {
  it('writes the document with its given fields, the title protected from case changes', () => {
    expect(toBibTeX([doc])).toBe(
      '@misc{benchchem2025herceptin,\n  title = {{Technical Support Center: Investigating Acquired Herceptin Resistance}},\n  author = {{BenchChem}},\n  publisher = {BenchChem},\n  howpublished = {Online PDF},\n  year = {2025},\n  url = {https://www.benchchem.com/product/b15573251#investigating-mechanisms-of-acquired-herceptin-resistance}\n}\n',
    );
  });

  it('invents nothing for a reference that is only a site name, and says so', () => {
    const bib = toBibTeX([siteOnly]);
    expect(bib).not.toMatch(/^ +(title|author|year|url|doi) =/m);
    expect(bib).toContain('howpublished = {mdpi.com}');
    expect(bib).toContain('gives only the site name mdpi.com');
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
      'TY  - RPRT\r\nTI  - Technical Support Center: Investigating Acquired Herceptin Resistance\r\nAU  - BenchChem\r\nPB  - BenchChem\r\nPY  - 2025',
    );
    expect(ris).toContain('TY  - ELEC\r\nTI  - Western Blot Troubleshooting\r\nPB  - Thermo Fisher Scientific - SG');
    expect(ris.trimEnd().endsWith('ER  -')).toBe(true);
  });
});

describe('CSL-JSON', () => {
  it('gives each record an id and type and only the fields the source has', () => {
    const items = JSON.parse(toCslJson([doc, siteOnly])) as Record<string, unknown>[];
    expect(items[0]).toMatchObject({ id: 'benchchem2025herceptin', type: 'report', author: [{ literal: 'BenchChem' }], issued: { 'date-parts': [[2025]] } });
    expect(Object.keys(items[1]!).sort()).toEqual(['container-title', 'id', 'note', 'type']);
  });
});
