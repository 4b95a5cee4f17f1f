import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { VocabularySchema } from '../../../src/schemas/vocabulary';
import { markMatcher } from '../../../src/search/marks';

const { synonyms } = VocabularySchema.parse(parse(readFileSync(new URL('../fixtures/vocabulary.yaml', import.meta.url), 'utf8')));

describe('markMatcher: which words Pagefind marked in an excerpt are kept marked', () => {
  it.each([
    ['co-culture', ['Co-culture', 'co', 'culture', 'coculture', 'co-cultured', 'cultures'], ['come', 'could', 'cold', 'CO₂']],
    ['pERK', ['p-ERK', 'pERK', 'phospho-ERK', 'ERK', 'phosphorylated'], ['pathway', 'PBS', 'p']],
    ['phosphorylated erk', ['phosphorylation', 'phosphorylated', 'ERK'], ['phenotype']],
    ['IC50', ['IC₅₀', 'IC50', 'ic50'], ['ice', 'ICC']],
    ['paclitaxel', ['Taxol', 'paclitaxel'], ['treatment', 'the', 'tax']],
    ['antigen retrieval', ['antigen', 'antigens', 'retrieval'], ['and', 'an', 'retained']],
    ['ERK2', ['ERK2', 'ERK-2', 'MAPK1', 'p42'], ['ERK1', 'ERK5', 'MAPK3', 'MAPK14', 'map', 'mapping', '2', '2×']],
    ['IC50', ['IC₅₀', 'IC50', 'inhibitory', 'concentration'], ['50', '5', 'ICs']],
    ['PEG3350', ['PEG3350', 'PEG-3350', 'PEG', 'polyethylene', 'glycol'], ['3350', 'pegylated', 'PEG8000']],
    ['incubate at 37', ['37°C', '37', 'incubate', 'incubation'], ['370', '3']],
    ['5% CO2', ['CO₂', 'CO2', 'co2', '5%', '5'], ['CO', 'cold', '50', '0.5']],
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
