/**
 * The order of a section's entries: by their `order` (or `number`) field, and entries that share one by their id, so that the
 * order (lists, previous and next links, the order Astro renders the pages in, which the search index follows) is the same on
 * every machine, whatever order the file system lists the files in.
 */
export function byRankThenId<T extends { id: string }>(rank: (entry: T) => number): (a: T, b: T) => number {
  return (a, b) => rank(a) - rank(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
