import type { SynonymGroup } from '../schemas/vocabulary.ts';
import { expandQuery } from './query-expansion.ts';

/** Lower case, subscript digits as digits, letters and digits only: "IC₅₀" and "ic50" compare equal, as do "p-Akt" and "pakt". */
function bare(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2080-\u2089]/g, (d) => String(d.charCodeAt(0) - 0x2080))
    .replace(/[^\p{L}\p{N}]/gu, '');
}

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/**
 * Which words that Pagefind marked in an excerpt really match the query.
 * Pagefind matches the start of words, so a two-letter part of a query such
 * as the "co" of "co-IP" marks "come" too; a short part must match a whole
 * word, a longer one may share its first four letters (stems: "phosphorylated"
 * and "phosphorylation").
 */
export function markMatcher(query: string, groups: readonly SynonymGroup[]): (word: string) => boolean {
  const tokens = new Set<string>();
  for (const variant of expandQuery(query, groups)) {
    for (const part of variant.split(/\s+/)) {
      tokens.add(bare(part));
      for (const piece of part.split(/[^\p{L}\p{N}\u2080-\u2089]+/u)) tokens.add(bare(piece));
    }
  }
  tokens.delete('');
  return (word) => {
    const w = bare(word);
    if (!w) return false;
    for (const t of tokens) {
      if (w === t) return true;
      if (t.length >= 3 && w.length >= 3 && commonPrefix(w, t) >= Math.min(4, t.length, w.length)) return true;
    }
    return false;
  };
}
