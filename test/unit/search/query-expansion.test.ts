import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { VocabularySchema } from '../../../src/schemas/vocabulary';
import { expandQuery, MAX_VARIANTS } from '../../../src/search/query-expansion';

const groups = [
  { canonical: 'p-ERK', variants: ['pERK', 'phospho-ERK', 'phosphorylated ERK'] },
  { canonical: 'Taxol', variants: ['paclitaxel'] },
  { canonical: 'IC₅₀', variants: ['IC50'] },
];

describe('expandQuery', () => {
  it('replaces a synonym by each other spelling, original first', () => {
    expect(expandQuery('pERK western', groups)).toEqual(['perk western', 'phosphorylated erk western', 'phospho-erk western', 'p-erk western']);
  });

  it('expands several groups in one query', () => {
    const variants = expandQuery('paclitaxel IC50', groups);
    expect(variants).toContain('taxol ic₅₀');
    expect(variants[0]).toBe('paclitaxel ic50');
  });

  it('matches whole words only', () => {
    expect(expandQuery('tetramer', [{ canonical: 'tetracycline', variants: ['Tet'] }])).toEqual(['tetramer']);
    expect(expandQuery('octet', [{ canonical: 'tetracycline', variants: ['Tet'] }])).toEqual(['octet']);
  });

  it('treats subscript digits and case as the same spelling', () => {
    expect(expandQuery('IC₅₀', groups)).toEqual(['ic₅₀', 'ic50']);
    expect(expandQuery('ic50 values', groups)).toEqual(['ic50 values', 'ic₅₀ values']);
    expect(expandQuery('H₂O₂ assay', [{ canonical: 'H2O2', variants: ['hydrogen peroxide'] }])).toContain('hydrogen peroxide assay');
  });

  it('never returns more than the cap, and nothing for an empty query', () => {
    const many = Array.from({ length: 5 }, (_, i) => ({ canonical: `t${i}`, variants: [`u${i}`, `v${i}`] }));
    expect(expandQuery('t0 t1 t2 t3 t4', many)).toHaveLength(MAX_VARIANTS);
    expect(expandQuery('   ', groups)).toEqual([]);
  });
});

describe('a center’s vocabulary file', () => {
  const vocabulary = VocabularySchema.parse(parse(readFileSync(new URL('../fixtures/vocabulary.yaml', import.meta.url), 'utf8')));
  it.each([
    ['taxol', 'paclitaxel'],
    ['Taxol', 'paclitaxel'],
    ['perk', 'p-erk'],
    ['phospho-erk', 'p-erk'],
    ['phospho\u2010ERK', 'p-erk'],
    ['coculture', 'co-culture'],
    ['co culture', 'co-culture'],
    ['chip', 'chromatin immunoprecipitation'],
    ['wb', 'western blot'],
    ['mapk1', 'erk2'],
    ['erk 2', 'erk2'],
    ['p42 mapk', 'erk2'],
    ['half-maximal inhibitory concentration', 'ic₅₀'],
    ['ic50', 'ic₅₀'],
    ['IC-50', 'ic₅₀'],
    ['h2o2', 'h₂o₂'],
    ['hydrogen peroxide', 'h₂o₂'],
  ])('knows that %s means %s', (query, meaning) => {
    expect(expandQuery(query, vocabulary.synonyms)).toContain(meaning);
  });
});
