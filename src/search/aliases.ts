/**
 * The vocabulary shapes what is indexed, so every client of the index finds what the search box finds: before Pagefind reads a
 * page, each run of text that holds a term of the vocabulary, or notation that folds to another spelling (notation.ts), gets the
 * other spellings appended between ⟦ and ⟧ (in the copy Pagefind reads; the published page is unchanged). A raw
 * `pagefind.search("MAPK1")` then finds the pages that say ERK2, and "CO2" the pages that print CO₂. The search box removes
 * the bracketed words from what it shows; other clients see them as a short list of other spellings.
 *
 * The same table canonicalises a query in the box: every spelling becomes the group's canonical term, searched as an exact
 * phrase, so a synonym never fuzzy-matches a different word.
 */
import type { SynonymGroup } from '../schemas/vocabulary.ts';
import { foldedWords, foldNotation } from './notation.ts';

export const ALIAS_OPEN = '⟦';
export const ALIAS_CLOSE = '⟧';

interface Group {
  canonical: string;
  /** Folded spellings, longest first. */
  spellings: string[];
  patterns: RegExp[];
  /** The first word of each spelling: a text without any of them holds none. */
  firstWords: string[];
}

/** The vocabulary, folded and compiled once. */
export interface AliasTable {
  groups: Group[];
  /** The groups a word can start a spelling of: a run of text is tested only against the groups its words start. */
  byFirstWord: Map<string, Group[]>;
  /** Runs of text already seen (labels and units repeat from page to page): their folded form, words and aliases. */
  seen: Map<string, { folded: string; words: string[]; aliases?: string[] }>;
}

/** Characters that notation folding changes (besides case and spacing): without one, a text has no notation aliases. */
const NOTATION = /[\dµμ°º˚±×\u2010-\u2015\u2212\u0370-\u03ff\u2070-\u209f]/;

/** Does a folded text hold this spelling as a whole word or phrase? A plain substring test first, the pattern only then. */
function holds(folded: string, group: Group, i: number): boolean {
  if (!folded.includes(group.spellings[i]!.split(' ')[0]!)) return false;
  const pattern = group.patterns[i]!;
  pattern.lastIndex = 0;
  return pattern.test(folded);
}

/** A whole word or phrase of folded text (letters and digits must not continue it on either side). */
function phrasePattern(folded: string): RegExp {
  const body = folded.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '[\\s-]+');
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, 'gu');
}

export function aliasTable(groups: readonly SynonymGroup[]): AliasTable {
  const compiled = groups.map((group) => {
    const spellings = [...new Set([group.canonical, ...group.variants].map(foldNotation))].filter(Boolean).sort((a, b) => b.length - a.length);
    const firstWords = spellings.map((s) => foldedWords(s)[0] ?? s);
    return { canonical: foldNotation(group.canonical), spellings, patterns: spellings.map(phrasePattern), firstWords };
  });
  const byFirstWord = new Map<string, Group[]>();
  for (const group of compiled) for (const word of new Set(group.firstWords)) byFirstWord.set(word, [...(byFirstWord.get(word) ?? []), group]);
  return { groups: compiled, byFirstWord, seen: new Map() };
}

/** The groups that a run of text's words could hold a spelling of. */
function candidates(words: readonly string[], table: AliasTable): Group[] {
  const found = new Set<Group>();
  // A hyphenated word ("room-temperature") may start a spelling written with a space.
  for (const word of words)
    for (const key of word.includes('-') ? [word, ...word.split('-')] : [word]) for (const group of table.byFirstWord.get(key) ?? []) found.add(group);
  return [...found];
}

/** Other spellings of what `text` says: folded notation that differs from the words as printed, and the vocabulary's synonyms. */
/** A text folded for matching: notation folded only where it has some (see NOTATION), otherwise lower case. */
const foldFor = (text: string) => (NOTATION.test(text) ? foldNotation(text) : text.toLowerCase().replace(/\s+/g, ' ').trim());

export function aliasesOf(text: string, groups: readonly Group[], folded = foldFor(text)): string[] {
  const notation = NOTATION.test(text);
  const out = new Set<string>();
  if (notation) {
    const printed = new Set(foldedWords(text.toLowerCase().replace(/\s+/g, ' ')));
    for (const w of foldedWords(folded)) if (!printed.has(w) && /[\p{L}\p{N}]/u.test(w)) out.add(w);
  }
  for (const group of groups) {
    const present = group.spellings.filter((_, i) => holds(folded, group, i));
    if (present.length === 0) continue;
    for (const spelling of group.spellings) if (!present.includes(spelling)) out.add(spelling);
  }
  return [...out];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", nbsp: ' ' };
const decode = (html: string) => html.replace(/&(amp|lt|gt|quot|#39|#x27|nbsp);/g, (_, name: string) => ENTITIES[name]!);
const encode = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Elements whose text gets no aliases: code and styles, and the headings that Pagefind shows as titles of pages and sections. */
const SKIP = new Set(['script', 'style', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'title']);

/**
 * The page with aliases appended to the runs of text of its indexed body (`<main data-pagefind-body>`); read as text, which is
 * quick on large sites. Returns the page unchanged when it has no indexed body.
 */
export function withSearchAliases(html: string, table: AliasTable): string {
  const open = /<main\b[^>]*\sdata-pagefind-body\b[^>]*>/.exec(html);
  if (!open) return html;
  const start = open.index + open[0].length;
  const end = html.indexOf('</main>', start);
  if (end < 0) return html;
  // The body as runs of text between tags, walked once (a thousand pages of thirty kilobytes each: no regular expression per
  // piece). `skipping` holds the open elements whose text gets no aliases.
  const out: string[] = [html.slice(0, start)];
  const skipping: string[] = [];
  // Each other spelling once per section (from one heading to the next): enough for any client to find the page and the
  // section, without multiplying the index by every repeated unit.
  let given = new Set<string>();
  let at = start;
  while (at < end) {
    const lt = html.indexOf('<', at);
    const gt = lt < 0 || lt >= end ? -1 : html.indexOf('>', lt);
    const textEnd = gt < 0 || gt >= end ? end : lt;
    if (textEnd > at) out.push(withRunAliases(html.slice(at, textEnd), skipping.length > 0, given, table));
    if (textEnd >= end) break;
    const tag = html.slice(lt, gt + 1);
    out.push(tag);
    at = gt + 1;
    // Only script, style, title and the headings matter here: a tag whose name starts with another letter is passed by.
    const first = tag.charCodeAt(1) === 47 ? tag.charCodeAt(2) | 32 : tag.charCodeAt(1) | 32;
    if (first !== 104 && first !== 115 && first !== 116) continue;
    if (/^<h[1-6]\b/i.test(tag)) given = new Set();
    const name = /^<(\/?)([a-zA-Z][\w-]*)/.exec(tag);
    const lower = name?.[2]!.toLowerCase();
    if (!lower || !SKIP.has(lower)) continue;
    if (name![1]) {
      const open = skipping.lastIndexOf(lower);
      if (open >= 0) skipping.length = open;
    } else if (!tag.endsWith('/>')) skipping.push(lower);
  }
  out.push(html.slice(end));
  return out.join('');
}

/** A run of text with the other spellings of what it says that its section has not had yet (`given`, updated). */
function withRunAliases(part: string, skipped: boolean, given: Set<string>, table: AliasTable): string {
  if (skipped || !/[\p{L}\p{N}]/u.test(part)) return part;
  let seen = table.seen.get(part);
  if (!seen) {
    const folded = foldFor(decode(part));
    seen = { folded, words: foldedWords(folded) };
    // Copies: the run is cut from its page, and a kept substring keeps the whole page in memory (V8's sliced strings).
    if (table.seen.size < 100_000) table.seen.set(structuredClone(part), (seen = structuredClone(seen)));
  }
  // The same run of text has the same aliases on every page (a group it names is on every page that has it).
  seen.aliases ??= aliasesOf(decode(part), candidates(seen.words, table), seen.folded);
  const fresh = seen.aliases.filter((a) => !given.has(a));
  for (const a of fresh) given.add(a);
  return fresh.length > 0 ? `${part} ${ALIAS_OPEN} ${encode(fresh.join(' '))} ${ALIAS_CLOSE} ` : part;
}

/** Text as Pagefind returns it, without the aliases (whole, or cut off at either end of an excerpt). */
export function stripAliases(text: string): string {
  return text
    .replace(new RegExp(`\\s*${ALIAS_OPEN}[^${ALIAS_CLOSE}]*${ALIAS_CLOSE}`, 'g'), '')
    .replace(new RegExp(`^[^${ALIAS_OPEN}]*${ALIAS_CLOSE}\\s*`), '')
    .replace(new RegExp(`\\s*${ALIAS_OPEN}[^${ALIAS_CLOSE}]*$`), '');
}

/**
 * A query for Pagefind in which every spelling of the vocabulary is replaced by its group's canonical term, in quotes (an exact
 * phrase, so "inhibitory concentration" never matches "inhibitors"). Also returns the query's parts: the quoted terms and the
 * other words, for a search by parts when the whole query matches nothing.
 */
export function canonicalQuery(query: string, table: AliasTable): { text: string; parts: string[] } {
  let folded = foldNotation(query);
  const terms: string[] = [];
  // Longest spellings first across all groups, so "phosphorylated akt" wins over "akt" and "room temperature" over "rt".
  const all = table.groups
    .flatMap((g) => g.spellings.map((s, i) => ({ group: g, pattern: g.patterns[i]!, length: s.length })))
    .sort((a, b) => b.length - a.length);
  for (const { group, pattern } of all) {
    pattern.lastIndex = 0;
    folded = folded.replace(pattern, () => {
      terms.push(group.canonical);
      return `\u0000${terms.length - 1}\u0000`;
    });
  }
  const parts = folded
    .split(/(\u0000\d+\u0000)/)
    .flatMap((piece) => {
      const term = /^\u0000(\d+)\u0000$/.exec(piece);
      return term ? [`"${terms[Number(term[1])]}"`] : foldedWords(piece);
    })
    .filter(Boolean);
  return { text: parts.join(' '), parts };
}

/**
 * Table header cells with an id (a troubleshooting guide's problems) as headings, in the copy Pagefind reads: Pagefind makes a
 * sub-result of each heading with an id, so any client of the index is led to the problem, not just to its page.
 */
export function tableSectionsAsHeadings(html: string): string {
  return html.replace(/<th\b([^>]*?)\sid="([^"]+)"([^>]*)>([\s\S]*?)<\/th>/g, '<th$1$3><h3 id="$2">$4</h3></th>');
}

/** The words of the language's stop-word list (the interface table's `search.stopWords`). */
export const stopWordSet = (list: string): Set<string> => new Set(list.toLowerCase().split(/\s+/).filter(Boolean));

/** A query without its stop words ("what is a melt curve" → "melt curve"); unchanged when nothing else would be left. */
export function withoutStopWords(query: string, stopWords: ReadonlySet<string>): string {
  const words = query.trim().split(/\s+/);
  const kept = words.filter((w) => !stopWords.has(w.toLowerCase().replace(/[?!.,;:]+$/, '')));
  return kept.length > 0 && kept.length < words.length ? kept.join(' ').replace(/[?!]+$/, '') : query;
}

/** A text as words only, for "does the page already say this". */
const plainWords = (text: string) =>
  decode(text.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();

/**
 * The page's description (its `<meta name="description">`, a center's `summary`) as indexed text at the start of its body, with
 * half weight, when the body does not already say it: a guide whose summary names an example
 * ("… such as A/B") is found by it from any client of the index, as a search engine finds a page by its description.
 */
function withDescription(html: string): string {
  const attribute = /<meta\s+name="description"\s+content="([^"]*)"/.exec(html)?.[1];
  const body = /<main\b[^>]*\sdata-pagefind-body\b[^>]*>([\s\S]*?)<\/main>/.exec(html)?.[1];
  if (!attribute || body === undefined) return html;
  // An attribute's text: its character references decoded, and nothing in it read as markup ("at <4 °C" stays text).
  const description = decode(attribute).replace(/\s+/g, ' ').trim();
  if (!description || plainWords(body).includes(description.toLowerCase())) return html;
  return html.replace(/(<main\b[^>]*\sdata-pagefind-body\b[^>]*>)/, `$1<p data-pagefind-weight="0.5">${encode(description)}</p>`);
}

/**
 * The page as Pagefind reads it: table sections as headings, its description where the body does not say it, the other spellings
 * of what it says, and the language's stop words once at the start of its body with almost no weight, so a question typed into
 * any client of the index ("what is a melt curve") needs only its subject words to match, as in the search box.
 */
export function pageForIndex(html: string, table: AliasTable, stopWords: readonly string[] = []): string {
  const indexed = withSearchAliases(withDescription(tableSectionsAsHeadings(html)), table);
  if (stopWords.length === 0) return indexed;
  return indexed.replace(
    /(<main\b[^>]*\sdata-pagefind-body\b[^>]*>)/,
    `$1<p data-pagefind-weight="0.1">${ALIAS_OPEN} ${encode(stopWords.join(' '))} ${ALIAS_CLOSE}</p>`,
  );
}
