import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { VocabularySchema } from '../../../src/schemas/vocabulary';
import { markMatcher } from '../../../src/search/marks';

const { synonyms } = VocabularySchema.parse(parse(readFileSync(new URL('../../../content/vocabulary.yaml', import.meta.url), 'utf8')));

describe('markMatcher: which words Pagefind marked in an excerpt are kept marked', () => {
  it.each([
    ['co-IP', ['Co-IP', 'co', 'IP', 'co-immunoprecipitation', 'CoIP', 'immunoprecipitation'], ['come', 'could', 'cold', 'IPA']],
    ['pAkt', ['p-Akt', 'pAkt', 'phospho-Akt', 'Akt', 'phosphorylated'], ['pathway', 'PBS']],
    ['phosphorylated akt', ['phosphorylation', 'phosphorylated', 'Akt'], ['phenotype']],
    ['IC50', ['IC₅₀', 'IC50', 'ic50'], ['ice', 'ICC']],
    ['trastuzumab', ['Herceptin', 'trastuzumab'], ['treatment', 'the']],
    ['antigen retrieval', ['antigen', 'antigens', 'retrieval'], ['and', 'an', 'retained']],
    ['HER2', ['HER2', 'ErbB2', 'neu', 'HER-2'], ['HER3', 'HER4', 'ErbB3', 'here', 'herein', 'neutral', '2', '2×']],
    ['IC50', ['IC₅₀', 'IC50', 'inhibitory', 'concentration'], ['50', '5', 'ICs']],
    ['incubate at 37', ['37°C', '37', 'incubate', 'incubation'], ['370', '3']],
  ])('for %s, keeps %j and drops %j', (query, kept, dropped) => {
    const matches = markMatcher(query, synonyms);
    expect(kept.filter((w) => !matches(w))).toEqual([]);
    expect(dropped.filter((w) => matches(w))).toEqual([]);
  });

  it('marks nothing for an empty query or a query of symbols', () => {
    expect(markMatcher('', synonyms)('come')).toBe(false);
    expect(markMatcher('"<script>', synonyms)('script')).toBe(true);
    expect(markMatcher('"', synonyms)('the')).toBe(false);
  });
});
