import { normaliseTerm } from './normalise.ts';

/** Edit distance (insertions, deletions, substitutions and swaps of neighbours) between two words. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** How many edits a word of this length may be away from a correction. */
function tolerance(length: number): number {
  return length <= 3 ? 0 : length <= 6 ? 1 : 2;
}

/**
 * The query with each word that is not in `dictionary` replaced by the
 * nearest word that is (ties go to the more frequent word, i.e. the earlier
 * one in the list). Returns undefined when nothing could be corrected.
 */
export function correctQuery(query: string, dictionary: readonly string[]): string | undefined {
  const known = new Set(dictionary);
  let changed = false;
  const words = normaliseTerm(query)
    .split(' ')
    .map((word) => {
      if (!word || known.has(word) || /\d/.test(word)) return word;
      let best: string | undefined;
      let bestDistance = tolerance(word.length) + 1;
      for (const candidate of dictionary) {
        if (Math.abs(candidate.length - word.length) >= bestDistance) continue;
        const distance = editDistance(word, candidate);
        if (distance < bestDistance) {
          best = candidate;
          bestDistance = distance;
        }
      }
      if (best) changed = true;
      return best ?? word;
    });
  return changed ? words.join(' ') : undefined;
}
