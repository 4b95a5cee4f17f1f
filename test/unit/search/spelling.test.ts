import { describe, expect, it } from 'vitest';
import { correctQuery, editDistance } from '../../../src/search/spelling';

const dictionary = ['trastuzumab', 'herceptin', 'phosphatase', 'background', 'retrieval', 'antigen', 'akt', 'the'];

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
    expect(correctQuery('trastuzamab', dictionary)).toBe('trastuzumab');
    expect(correctQuery('antigen retreival', dictionary)).toBe('antigen retrieval');
    expect(correctQuery('hercepin backround', dictionary)).toBe('herceptin background');
  });

  it('leaves known words, short words and numbers alone, and says when nothing changed', () => {
    expect(correctQuery('akt', dictionary)).toBeUndefined();
    expect(correctQuery('abt', dictionary)).toBeUndefined();
    expect(correctQuery('ser473', dictionary)).toBeUndefined();
    expect(correctQuery('zzzzzzzzzz', dictionary)).toBeUndefined();
  });
});
