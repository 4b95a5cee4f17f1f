/**
 * What the search index made of each page, kept between a watch's builds (src/build/search-memo.ts): an unchanged page is taken
 * as it was made, a changed one is made again, a file made with another vocabulary is not used, and only the last build's
 * pages are kept.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { SearchMemo, searchMemoKey } from '../../../src/build/search-memo.ts';

const dir = mkdtempSync(join(tmpdir(), 'search-memo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('takes an unchanged page as the last build made it, and makes a changed one again', () => {
  const file = join(dir, 'memo');
  const key = searchMemoKey([['erk2', ['erk2', 'mapk1']]], ['the']);
  let made = 0;
  const make = (html: string) => () => ({ text: `${html} ⟦ made ${++made} ⟧`, words: [['word', 1]] as [string, number][] });

  const first = new SearchMemo(file, key);
  expect(first.page('<p>a</p>', make('<p>a</p>')).text).toBe('<p>a</p> ⟦ made 1 ⟧');
  first.page('<p>b</p>', make('<p>b</p>'));
  expect(first.kept).toBe(0);
  first.save();

  const second = new SearchMemo(file, key);
  expect(second.page('<p>a</p>', make('<p>a</p>')).text).toBe('<p>a</p> ⟦ made 1 ⟧');
  expect(second.page('<p>c</p>', make('<p>c</p>')).text).toBe('<p>c</p> ⟦ made 3 ⟧');
  expect(second.kept).toBe(1);
  second.save();

  // Only the last build's pages: b was not in it.
  const third = new SearchMemo(file, key);
  third.page('<p>b</p>', make('<p>b</p>'));
  third.page('<p>a</p>', make('<p>a</p>'));
  expect([third.kept, made]).toEqual([1, 4]);

  // Another vocabulary: nothing is taken.
  const other = new SearchMemo(file, searchMemoKey([['erk2', ['erk2', 'mapk1', 'p42']]], ['the']));
  other.page('<p>a</p>', make('<p>a</p>'));
  expect([other.kept, made]).toEqual([0, 5]);
});

it('reads every page when there is no file, or one it cannot read', () => {
  const missing = new SearchMemo(join(dir, 'none'), 'k');
  missing.page('<p>a</p>', () => ({ text: 'a', words: [] }));
  expect(missing.kept).toBe(0);
});

it('goes on when its file cannot be written: the memo is only a speed-up', () => {
  const memo = new SearchMemo(join(dir, 'no-such-folder', 'memo'), 'k');
  memo.page('<p>a</p>', () => ({ text: 'a', words: [] }));
  expect(() => memo.save()).not.toThrow();
});
