/**
 * Astro's cache, by default a folder of each center's own under node_modules/.cache/astro (src/lib/paths.ts, astroCacheDir),
 * holds every body's HTML (12 MB at 1,000 protocols). A build notes in its folder which center it is for, and removes the folders
 * of centers that are gone: a center built from a temporary folder, or moved, would otherwise leave its folder behind for good.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The note in each folder: the center's folder, resolved. */
export const CENTER_NOTE = 'center-folder.txt';

/**
 * Notes `contentDir` in `cacheDir` (a folder under `base`), and removes the other folders under `base` whose noted center is no
 * longer there; folders without a note are left alone. Returns the names of the folders removed.
 */
export function noteAndPruneAstroCaches(cacheDir: string, contentDir: string, base = dirname(resolve(cacheDir))): string[] {
  const own = resolve(cacheDir);
  const removed: string[] = [];
  try {
    mkdirSync(own, { recursive: true });
    writeFileSync(join(own, CENTER_NOTE), resolve(contentDir));
    // The one store all centers shared before each had its own.
    rmSync(join(base, 'data-store.json'), { force: true });
    for (const name of readdirSync(base)) {
      const folder = join(base, name);
      if (folder === own) continue;
      let center: string;
      try {
        center = readFileSync(join(folder, CENTER_NOTE), 'utf8');
      } catch {
        continue;
      }
      if (existsSync(center)) continue;
      rmSync(folder, { recursive: true, force: true });
      removed.push(name);
    }
  } catch {
    // A cache that cannot be written or read costs time, never the build.
  }
  return removed;
}
