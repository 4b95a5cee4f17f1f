import { describe, expect, it } from 'vitest';
import { correctQuery, editDistance } from '../../../src/search/spelling';

const dictionary = ['paclitaxel', 'trypsin', 'phosphatase', 'background', 'retrieval', 'antigen', 'erk', 'the'];

describe('editDistance', () => {
  it.each([
    ['kitten', 'sitting', 3],
    ['retreival', 'retrieval', 1],
    ['abc', 'abc', 0],
    ['', 'abc', 3],
  ])('%s → %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

describe('correctQuery', () => {
  it('corrects misspelt words to the nearest known word', () => {
    expect(correctQuery('paclitaxol', dictionary)).toBe('paclitaxel');
    expect(correctQuery('antigen retreival', dictionary)).toBe('antigen retrieval');
    expect(correctQuery('trypsn backround', dictionary)).toBe('trypsin background');
    expect(correctQuery('phospatse', dictionary)).toBe('phosphatase');
  });

  it('leaves known words, short words and numbers alone, and says when nothing changed', () => {
    expect(correctQuery('erk', dictionary)).toBeUndefined();
    expect(correctQuery('ark', dictionary)).toBeUndefined();
    expect(correctQuery('thr202', dictionary)).toBeUndefined();
    expect(correctQuery('erk1', dictionary)).toBeUndefined();
    expect(correctQuery('zzzzzzzzzz', dictionary)).toBeUndefined();
  });
});
