import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { VocabularySchema } from '../../../src/schemas/vocabulary';
import { expandQuery, MAX_VARIANTS } from '../../../src/search/query-expansion';

const groups = [
  { canonical: 'p-Akt', variants: ['pAkt', 'phospho-Akt', 'phosphorylated Akt'] },
  { canonical: 'Herceptin', variants: ['trastuzumab'] },
  { canonical: 'IC₅₀', variants: ['IC50'] },
];

describe('expandQuery', () => {
  it('replaces a synonym by each other spelling, original first', () => {
    expect(expandQuery('pAkt western', groups)).toEqual(['pakt western', 'phosphorylated akt western', 'phospho-akt western', 'p-akt western']);
  });

  it('expands several groups in one query', () => {
    const variants = expandQuery('trastuzumab IC50', groups);
    expect(variants).toContain('herceptin ic₅₀');
    expect(variants[0]).toBe('trastuzumab ic50');
  });

  it('matches whole words only', () => {
    expect(expandQuery('neutral', [{ canonical: 'HER2', variants: ['neu'] }])).toEqual(['neutral']);
  });

  it('treats subscript digits and case as the same spelling', () => {
    expect(expandQuery('IC₅₀', groups)).toEqual(['ic₅₀', 'ic50']);
    expect(expandQuery('ic50 values', groups)).toEqual(['ic50 values', 'ic₅₀ values']);
  });

  it('never returns more than the cap, and nothing for an empty query', () => {
    const many = Array.from({ length: 5 }, (_, i) => ({ canonical: `t${i}`, variants: [`u${i}`, `v${i}`] }));
    expect(expandQuery('t0 t1 t2 t3 t4', many)).toHaveLength(MAX_VARIANTS);
    expect(expandQuery('   ', groups)).toEqual([]);
  });
});

describe('the vocabulary content', () => {
  const vocabulary = VocabularySchema.parse(parse(readFileSync('content/vocabulary.yaml', 'utf8')));
  it.each([
    ['herceptin', 'trastuzumab'],
    ['pakt', 'p-akt'],
    ['phospho-akt', 'p-akt'],
    ['coip', 'co-immunoprecipitation'],
    ['co-ip', 'co-immunoprecipitation'],
    ['ihc', 'immunohistochemistry'],
    ['wb', 'western blot'],
    ['erbb2', 'her2'],
    ['neu', 'her2'],
    ['truncated her2', 'p95her2'],
    ['ic50', 'ic₅₀'],
  ])('knows that %s means %s', (query, meaning) => {
    expect(expandQuery(query, vocabulary.synonyms)).toContain(meaning);
  });
});
