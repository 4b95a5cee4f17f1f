import { normaliseTerm, termPattern } from './normalise.ts';

/**
 * Wraps each occurrence of the given terms inside `root` in
 * `<mark class="search-hit">`, and returns the first mark. Text in scripts,
 * styles, SVG and form fields is left alone.
 */
export function highlightTerms(root: Element, terms: readonly string[]): HTMLElement | undefined {
  const patterns = [...new Set(terms.map(normaliseTerm).filter((t) => t.length >= 2))].map((t) => new RegExp(termPattern(t).source, 'giu'));
  if (patterns.length === 0) return undefined;
  const walker = root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => (node.parentElement?.closest('script, style, svg, textarea, input, mark') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  const texts: Text[] = [];
  while (walker.nextNode()) texts.push(walker.currentNode as Text);
  let first: HTMLElement | undefined;
  for (const text of texts) {
    const ranges: [number, number][] = [];
    for (const pattern of patterns) {
      for (const match of text.data.toLowerCase().matchAll(pattern)) {
        const start = match.index + match[1]!.length;
        ranges.push([start, match.index + match[0].length]);
      }
    }
    if (ranges.length === 0) continue;
    // Overlapping matches (a phrase and its words) become one mark.
    ranges.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [start, stop] of ranges) {
      const last = merged[merged.length - 1];
      if (last && start <= last[1]) last[1] = Math.max(last[1], stop);
      else merged.push([start, stop]);
    }
    let earliest: HTMLElement | undefined;
    for (const [start, stop] of merged.reverse()) {
      const hit = text.splitText(start);
      hit.splitText(stop - start);
      const mark = root.ownerDocument.createElement('mark');
      mark.className = 'search-hit';
      hit.replaceWith(mark);
      mark.append(hit);
      earliest = mark;
    }
    first ??= earliest;
  }
  return first;
}
