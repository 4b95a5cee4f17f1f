import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { searchGroups, VocabularySchema } from '../../../src/schemas/vocabulary';
import { aliasTable, canonicalQuery, pageForIndex, stripAliases, withSearchAliases } from '../../../src/search/aliases';
import { foldNotation } from '../../../src/search/notation';
import { coverage, rankScore } from '../../../src/search/ranking';

const vocabulary = VocabularySchema.parse(parse(readFileSync(new URL('../fixtures/vocabulary.yaml', import.meta.url), 'utf8')));
const table = aliasTable([
  ...searchGroups(vocabulary),
  { canonical: 'room temperature', variants: ['RT'] },
  { canonical: 'overnight', variants: ['O/N'] },
  { canonical: 'hour', variants: ['h', 'hr', 'hours'] },
  { canonical: 'minutes', variants: ['min'] },
]);

const page = (body: string) => `<html><head><title>T</title></head><body><main id="main" data-pagefind-body><h1>Title</h1>${body}</main></body></html>`;

describe('foldNotation: what a keyboard types and what a page prints meet', () => {
  it.each([
    ['10 µg/mL', '10 ug/ml'],
    ['10 μg/ml', '10 ug/ml'],
    ['10 ug/mL', '10 ug/ml'],
    ['H₂O₂', 'h2o2'],
    ['IC₅₀', 'ic50'],
    ['cm²', 'cm2'],
    ['4 °C', '4c'],
    ['4°C', '4c'],
    ['60 deg C', '60c'],
    ['37 degrees C', '37c'],
    ['3 × 5 minutes', '3x5 minutes'],
    ['3 x 10 min', '3x10 min'],
    ['3x10min', '3x10 min'],
    ['1h', '1 h'],
    ['30 s', '30 sec'],
    ['15–20 minutes', '15-20 minutes'],
    ['5 ± 2', '5 +/- 2'],
    ['TGF-β', 'tgf-beta'],
    ['β-actin', 'beta-actin'],
    ['μ-calpain', 'mu-calpain'],
  ])('%s → %s', (text, folded) => {
    expect(foldNotation(text)).toBe(folded);
  });

  it('leaves names that end in a number alone', () => {
    expect(foldNotation('HER2s and p95 s and IC50s')).toBe('her2s and p95 s and ic50s');
  });
});

describe('withSearchAliases: the index holds every spelling', () => {
  it('adds the other spellings of a vocabulary term and of folded notation after the text that holds them', () => {
    const html = withSearchAliases(page('<p>Block for 1 hour at room temperature, then add 0.3% H₂O₂ at 4 °C.</p>'), table);
    const text = /<p>(.*)<\/p>/.exec(html)![1]!;
    expect(text.startsWith('Block for 1 hour at room temperature, then add 0.3% H₂O₂ at 4 °C.')).toBe(true);
    const aliases = /⟦ (.*) ⟧/.exec(text)![1]!.split(' ');
    expect(aliases).toEqual(expect.arrayContaining(['rt', 'h', 'hr', 'h2o2', '4c']));
    expect(aliases).not.toContain('hour');
  });

  it('leaves headings, scripts and everything outside the indexed body alone, and a page without one unchanged', () => {
    const html = page('<h2 id="s">Room temperature</h2><script>var rt = "room temperature";</script><p>plain words</p>').replace(
      '<title>T</title>',
      '<title>room temperature</title>',
    );
    expect(withSearchAliases(html, table)).toBe(html);
    const other = '<html><body><main><p>room temperature</p></main></body></html>';
    expect(withSearchAliases(other, table)).toBe(other);
  });

  it('escapes what it adds and reads entities in the text', () => {
    const html = withSearchAliases(page('<p>R&amp;D at RT</p>'), table);
    expect(html).toContain('R&amp;D at RT ⟦ room temperature ⟧');
  });
});

describe('stripAliases: the box shows the text as printed', () => {
  it.each([
    ['at 4 °C ⟦ 4c ⟧ overnight', 'at 4 °C overnight'],
    ['ug ⟧ then wash', 'then wash'],
    ['then wash at ⟦ room temp', 'then wash at'],
    ['no aliases here', 'no aliases here'],
  ])('%s → %s', (text, stripped) => {
    expect(stripAliases(text)).toBe(stripped);
  });
});

describe('canonicalQuery: every spelling becomes its term, as an exact phrase', () => {
  it.each([
    ['1 h RT', '1 "hour" "room temperature"'],
    ['primary O/N 4°C', 'primary "overnight" 4c'],
    ['Taxol 10 µg/mL', '"paclitaxel" 10 ug/ml'],
    ['IC-50 of WB', '"ic50" of "western blot"'],
    ['half-maximal inhibitory concentration', '"ic50"'],
    ['3x5 min', '3x5 "minutes"'],
    ['western blot', '"western blot"'],
  ])('%s → %s', (query, canonical) => {
    expect(canonicalQuery(query, table).text).toBe(canonical);
  });
});

describe('ranking: the page about the thing first', () => {
  const parts = canonicalQuery('room temperature blocking', table).parts;
  it('a title that names the query outranks a page that only mentions it with a higher score', () => {
    const about = rankScore({ score: 1, title: 'Blocking at RT', headings: [], isReference: false }, parts, table);
    const mentions = rankScore({ score: 2, title: 'Detection', headings: [], isReference: false }, parts, table);
    expect(about).toBeGreaterThan(mentions);
  });

  it('a heading counts less than the title; the reference list comes after content pages', () => {
    const heading = rankScore({ score: 1, title: 'Protocol', headings: ['Blocking at room temperature'], isReference: false }, parts, table);
    const title = rankScore({ score: 1, title: 'Blocking at room temperature', headings: [], isReference: false }, parts, table);
    const references = rankScore({ score: 3, title: 'References', headings: [], isReference: true }, parts, table);
    expect(title).toBeGreaterThan(heading);
    expect(heading).toBeGreaterThan(references);
  });

  it('counts a synonym in a title as naming the query', () => {
    expect(coverage('Samples left at RT', canonicalQuery('room temperature', table).parts, table)).toBe(1);
    expect(coverage('Detection', canonicalQuery('room temperature', table).parts, table)).toBe(0);
  });
});

describe('pageForIndex: sections Pagefind can lead to', () => {
  it('turns a table header cell with an id into a heading with that id, without other spellings in it', () => {
    const html = page(
      '<table><tbody><tr><th scope="rowgroup" id="high-bg"><a href="#high-bg">High background at RT</a></th><td>Wash at RT</td></tr></tbody></table>',
    );
    const indexed = pageForIndex(html, table);
    expect(indexed).toContain('<th scope="rowgroup"><h3 id="high-bg"><a href="#high-bg">High background at RT</a></h3></th>');
    expect(indexed).toContain('Wash at RT ⟦ room temperature ⟧');
  });
});

describe('pageForIndex: the page description', () => {
  const withMeta = (description: string, body: string) =>
    `<html><head><title>T</title><meta name="description" content="${description}"></head><body><main id="main" data-pagefind-body><h1>Title</h1>${body}</main></body></html>`;

  it('indexes a description the body does not say, so a word only the summary names finds the page', () => {
    const indexed = pageForIndex(withMeta('Fixes for Co-IP experiments such as HER2/HER3 &amp; others.', '<p>Lysis and washing.</p>'), table);
    const main = indexed.slice(indexed.indexOf('<main'));
    expect(main).toContain('<p data-pagefind-weight="0.5">Fixes for Co-IP experiments such as HER2/HER3 &amp; others.</p>');
  });

  it('keeps a description with < and > as text, and finds it said in a body that prints it escaped', () => {
    const indexed = pageForIndex(withMeta('Store at <4 °C & use when x > 3', '<p>Lysis.</p>'), table);
    expect(indexed).toContain('<p data-pagefind-weight="0.5">Store at &lt;4 °C &amp; use when x &gt; 3 ');
    const said = pageForIndex(withMeta('Store at <4 °C when x > 3', '<p>Store at &lt;4 °C when x &gt; 3</p>'), table);
    expect(said).not.toContain('data-pagefind-weight="0.5"');
  });

  it('leaves it out when the body already shows it (an FAQ page prints its summary)', () => {
    const indexed = pageForIndex(withMeta('Short answer here.', '<p class="summary"><strong>In short:</strong> Short <em>answer</em> here.</p>'), table);
    expect(indexed).not.toContain('data-pagefind-weight="0.5"');
  });
});
