import { existsSync, realpathSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { Plugin } from 'vite';

/** YAML frontmatter at the very start of a file (after an optional byte-order mark). */
const FRONTMATTER = /^(\uFEFF?---\r?\n)((?:[^\n]*\n)*?)(---)/;

/**
 * The file with its frontmatter emptied: the fences stay and every line
 * becomes an empty line, so line numbers in MDX messages still point into the
 * file as written. Null when there is nothing to empty, and when the body
 * mentions `frontmatter` at all: MDX lets a body read its fields
 * (`{frontmatter.title}`), so such a file is left as written.
 */
export function blankFrontmatter(code: string): string | null {
  const m = FRONTMATTER.exec(code);
  if (!m || /\bfrontmatter\b/.test(code.slice(m[0].length))) return null;
  return `${m[1]}${m[2]!.replace(/[^\n]/g, '')}${m[3]}${code.slice(m[0].length)}`;
}

/**
 * Keeps content-collection frontmatter out of the compiled MDX modules.
 *
 * A collection entry's fields reach the pages through the content layer
 * (`entry.data`, validated by its schema); the MDX module is needed only for
 * the body. Left alone, Astro's MDX plugin parses the frontmatter again,
 * hands MDX a body padded with its whole length in spaces, and embeds every
 * field in the module as `export const frontmatter`. For a protocol whose
 * steps and materials live in frontmatter that is most of the module: at
 * 1000 protocols this plugin took about 3 s and 300 MiB off the build.
 *
 * A body that reads its frontmatter keeps it (see blankFrontmatter).
 */
export function vitePluginBlankFrontmatter(contentDir: string): Plugin {
  // Vite names files by their real path; the content folder may be reached through a symbolic link (a temporary folder on macOS).
  const root = (existsSync(contentDir) ? realpathSync(contentDir) : resolve(contentDir)) + sep;
  return {
    name: 'hrs:blank-frontmatter',
    // Before @astrojs/mdx, which is also `pre` and comes later in the plugin list.
    enforce: 'pre',
    transform: {
      filter: { id: /\.mdx$/ },
      handler(code, id) {
        if (!resolve(id).startsWith(root)) return null;
        const blanked = blankFrontmatter(code);
        return blanked === null ? null : { code: blanked, map: null };
      },
    },
  };
}
