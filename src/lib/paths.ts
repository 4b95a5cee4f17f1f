/**
 * Where the center's content lives: `SITE_CONTENT_DIR`, which the command-line
 * scripts set from `--content <dir>`; `content/` by default.
 */
import { createHash } from 'node:crypto';
import { basename, join, resolve } from 'node:path';
import { DIAGRAM_CACHE_FOLDER } from '../content-model.ts';

export const contentDir: string = process.env.SITE_CONTENT_DIR ?? './content';

/**
 * Where Astro writes the site (astro.config.mjs), relative to the project: `SITE_OUT_DIR`, which scripts/build.ts points at a
 * staging folder of its own.
 */
export const siteOutDir: string = process.env.SITE_OUT_DIR ?? './dist';

/**
 * Rendered diagrams of the center, kept beside its content (and committed with
 * it), so a build needs a browser only when a diagram changes, and building one
 * center never writes into another's folder or the generator's.
 */
export const diagramCacheDir: string = process.env.SITE_DIAGRAM_CACHE ?? join(contentDir, DIAGRAM_CACHE_FOLDER);

/**
 * Astro's cache, its content store among it (each body's HTML, kept between builds): `SITE_CACHE_DIR`, or a folder of the
 * center's own under `node_modules/.cache/astro`, named after its folder and where it is. Astro clears a store kept for
 * another configuration, so with one folder for all, building two centers in turn rendered every body again each time.
 */
export const astroCacheDir: string = process.env.SITE_CACHE_DIR || centerAstroCache(contentDir);

/** The default folder of Astro's cache for the center in `dir`, relative to the project. */
export function centerAstroCache(dir: string): string {
  return join('node_modules/.cache/astro', `${basename(resolve(dir))}-${createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 8)}`);
}
