/**
 * How the search box orders what Pagefind found: the page about the thing first. Pagefind scores words; the box then favours a
 * page whose title names the query (or a synonym of it), and next one whose section headings do, and puts the reference list
 * after the content pages, which it only cites. Pure functions, so the order is tested without a browser.
 */
import { foldNotation } from './notation.ts';
import type { AliasTable } from './aliases.ts';
import { commonPrefix } from './marks.ts';

/** How much a title that names every part of the query multiplies a page's score; a heading counts a third of that. */
export const TITLE_BOOST = 2;
/** The reference list's score is multiplied by this: it matches most queries through the titles it lists. */
export const REFERENCE_FACTOR = 0.2;

/** Does a folded text hold this part of a query: a quoted vocabulary term in any of its spellings, or a word or its stem? */
export function textHas(folded: string, part: string, table: AliasTable): boolean {
  const term = /^"(.*)"$/.exec(part)?.[1];
  if (term !== undefined) {
    const group = table.groups.find((g) => g.canonical === term);
    return (group?.patterns ?? []).some((p) => ((p.lastIndex = 0), p.test(folded)));
  }
  const words = folded.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const plain = part.replace(/[^\p{L}\p{N}]+/gu, '');
  if (!plain) return false;
  return words.some((w) => w === plain || (plain.length >= 5 && !/\d$/.test(plain) && commonPrefix(w, plain) >= Math.max(4, plain.length - 3)));
}

/** The share of the query's parts (short words aside) that a text names, 0 to 1. */
export function coverage(text: string, parts: readonly string[], table: AliasTable): number {
  const counted = parts.filter((p) => p.startsWith('"') || p.replace(/[^\p{L}\p{N}]/gu, '').length >= 3);
  if (counted.length === 0) return 0;
  const folded = foldNotation(text);
  return counted.filter((p) => textHas(folded, p, table)).length / counted.length;
}

export interface Candidate {
  score: number;
  title: string;
  headings: readonly string[];
  isReference: boolean;
}

/** A page's score for the box's order. */
export function rankScore(c: Candidate, parts: readonly string[], table: AliasTable): number {
  const title = coverage(c.title, parts, table);
  const heading = Math.max(0, ...c.headings.map((h) => coverage(h, parts, table)));
  const boost = 1 + TITLE_BOOST * title + (TITLE_BOOST / 3) * heading;
  return c.score * boost * (c.isReference ? REFERENCE_FACTOR : 1);
}
