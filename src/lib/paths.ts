/**
 * Where the center's content lives: `SITE_CONTENT_DIR`, which the command-line
 * scripts set from `--content <dir>`; `content/` by default.
 */
import { join } from 'node:path';
import { DIAGRAM_CACHE_FOLDER } from '../content-model.ts';

export const contentDir: string = process.env.SITE_CONTENT_DIR ?? './content';

/**
 * Rendered diagrams of the center, kept beside its content (and committed with
 * it), so a build needs a browser only when a diagram changes, and building one
 * center never writes into another's folder or the generator's.
 */
export const diagramCacheDir: string = process.env.SITE_DIAGRAM_CACHE ?? join(contentDir, DIAGRAM_CACHE_FOLDER);
