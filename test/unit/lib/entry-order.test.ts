/** Entries that share an order field keep one order on every machine, whatever order the file system listed them in. */
import { expect, it } from 'vitest';
import { byRankThenId } from '../../../src/lib/entry-order';

it('sorts by the order field, and entries that share one by id, whatever order they came in', () => {
  const entries = [
    { id: 'melt-curve', data: { order: 2 } },
    { id: 'primer-dimers', data: { order: 1 } },
    { id: 'baseline', data: { order: 2 } },
    { id: 'ct-values', data: { order: 1 } },
  ];
  const sorted = (list: typeof entries) => [...list].sort(byRankThenId((e) => e.data.order)).map((e) => e.id);
  expect(sorted(entries)).toEqual(['ct-values', 'primer-dimers', 'baseline', 'melt-curve']);
  expect(sorted([...entries].reverse())).toEqual(sorted(entries));
});
