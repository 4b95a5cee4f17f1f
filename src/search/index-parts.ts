/**
 * What the search index is made of, shared by the build's search step
 * (src/build/search-index.ts) and the dev server's index (src/integrations/dev-search.ts):
 * the center's vocabulary, and the words of the indexed pages for spelling suggestions.
 */
import { GLOBALS } from '../contract.ts';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { searchGroups, VocabularySchema, type Vocabulary } from '../schemas/vocabulary.ts';

export function loadVocabulary(file: string): Vocabulary {
  // A center without a vocabulary searches without synonyms.
  if (!existsSync(file)) return { synonyms: [], shorthand: [] };
  const parsed = VocabularySchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}  field ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Counts the words of one page's searchable body into `counts`. Read from the markup as text, which is quick on large sites.
 * Paragraphs and navigation that Pagefind ignores are left out too; among them the PDF link or its note, which the PDF-link
 * step may still be rewriting while this runs (it replaces each page whole).
 */
export function countPageWords(html: string, counts: Map<string, number>): void {
  const body = /<main\b[^>]*data-pagefind-body[^>]*>([\s\S]*?)<\/main>/.exec(html)?.[1];
  if (!body) return;
  const text = body
    .replace(/<(script|style|svg)\b[\s\S]*?<\/\1>/g, ' ')
    .replace(/<(p|nav)\b[^>]*\sdata-pagefind-ignore\b[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .toLowerCase();
  for (const word of text.match(/\p{L}[\p{L}\p{N}-]*\p{L}/gu) ?? []) {
    if (word.length < 4) continue;
    const count = counts.get(word);
    // A new word is kept as a copy: cut from the page's text, it would keep the whole text in memory (V8's sliced strings).
    if (count === undefined) counts.set(structuredClone(word), 1);
    else counts.set(word, count + 1);
  }
}

/** Words by frequency, most frequent first. */
export const byFrequency = (counts: Map<string, number>) => [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([w]) => w);

/** search/vocabulary.js: the synonym groups and the words, as a classic script the search box reads (also over file://). */
export const vocabularyScript = (vocabulary: Vocabulary, words: string[]) =>
  `window.${GLOBALS.vocabulary}=${JSON.stringify({ synonyms: searchGroups(vocabulary), words })};\n`;
