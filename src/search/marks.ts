import type { SynonymGroup } from '../schemas/vocabulary.ts';
import { expandQuery } from './query-expansion.ts';

/** Compatibility-normalised, lower case, letters and digits only: "IC₅₀" and "ic50" compare equal, as do "p-ERK" and "perk". */
function bare(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/** How many leading characters two words share. */
export function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/** Does the marked word `w` match the query word `t`? */
function wordMatches(w: string, t: string): boolean {
  if (w === t) return true;
  // A number matches the same number with a unit attached: "37" and "37°C".
  if (/^\d+$/.test(t)) return w.startsWith(t) && !/\d/.test(w.charAt(t.length));
  // Stems ("phosphorylated", "phosphorylation") only for long words; names that end in a digit (CDK4, ErbB3) must match exactly.
  return t.length >= 5 && !/\d$/.test(t) && commonPrefix(w, t) >= Math.max(4, t.length - 3);
}

/**
 * Which words that Pagefind marked in an excerpt really match the query.
 * Pagefind marks words that merely start like a query word, so the "co" of
 * "co-IP" marks "come", and a synonym "her 2" of a gene name would mark "here". The
 * reader's own words count whole and by their parts ("co", "ip"); a synonym
 * counts as whole words of three or more characters that hold a letter.
 */
export function markMatcher(query: string, groups: readonly SynonymGroup[]): (word: string) => boolean {
  const [own = '', ...synonyms] = expandQuery(query, groups);
  const words = new Set<string>();
  for (const word of own.split(/\s+/)) {
    words.add(bare(word));
    for (const piece of word.split(/[^\p{L}\p{N}\u2080-\u2089]+/u)) words.add(bare(piece));
  }
  for (const variant of synonyms) {
    for (const word of variant.split(/\s+/).map(bare)) if (word.length >= 3 && /\p{L}/u.test(word)) words.add(word);
  }
  words.delete('');
  const tokens = [...words];
  return (marked) => {
    const w = bare(marked);
    return w !== '' && tokens.some((t) => wordMatches(w, t));
  };
}
