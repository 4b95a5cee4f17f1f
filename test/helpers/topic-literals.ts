/**
 * Words that belong to the default center (acquired Herceptin resistance) and
 * must never appear in the generator or in another center's output: a fixed
 * list of its names, plus its topic ids and page slugs read from content/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const NAMES = ['Herceptin', 'trastuzumab', 'HER2', 'ErbB2', 'p-Akt', 'BenchChem'];

/** The default center's topic ids and entry slugs (its page addresses). */
function defaultCenterIds(): string[] {
  const site = parse(readFileSync('content/site.yaml', 'utf8')) as { topics: { id: string }[] };
  const slugs = ['faq', 'troubleshooting', 'protocols', 'data'].flatMap((folder) =>
    readdirSync(join('content', folder))
      .filter((f) => f.endsWith('.mdx'))
      .map((f) => f.replace(/\.mdx$/, '')),
  );
  return [...site.topics.map((t) => t.id), ...slugs];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Matches any of the default center's names (anywhere, any case) or ids (as whole ids). */
export const TOPIC_LITERALS = new RegExp(
  [...NAMES.map((n) => escape(n)), ...defaultCenterIds().map((id) => `(?<![a-z0-9-])${escape(id)}(?![a-z0-9-])`)].join('|'),
  'i',
);
