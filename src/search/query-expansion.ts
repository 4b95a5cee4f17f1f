import type { SynonymGroup } from '../schemas/vocabulary.ts';
import { normaliseTerm, termPattern } from './normalise.ts';

/** At most this many variant queries are searched for one query. */
export const MAX_VARIANTS = 12;

/**
 * Every way of writing `query` that the vocabulary allows: each spelling in
 * the query that belongs to a synonym group is replaced in turn by the
 * group's other spellings (a digit and its subscript count as the same). The
 * normalised query comes first. Pagefind has no synonyms, so the search box
 * searches all of these and merges the results.
 */
export function expandQuery(query: string, groups: readonly SynonymGroup[]): string[] {
  const base = normaliseTerm(query);
  if (!base) return [];
  let variants = [base];
  for (const group of groups) {
    const spellings = [...new Set([group.canonical, ...group.variants].map(normaliseTerm))].sort((a, b) => b.length - a.length);
    const next: string[] = [];
    for (const variant of variants) {
      next.push(variant);
      const hit = spellings.find((s) => termPattern(s).test(variant));
      if (!hit) continue;
      for (const other of spellings) next.push(variant.replace(termPattern(hit), (_, before: string) => `${before}${other}`));
    }
    variants = [...new Set(next)];
  }
  return variants.slice(0, MAX_VARIANTS);
}
