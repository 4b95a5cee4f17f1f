/**
 * Starts the output steps' process of the next build of this process (src/build/steps-start.ts), for the outputs integration to
 * take over: from Astro's process of a one-off build before Astro loads (steps-ahead.ts), and from the watch's runner before its
 * first build and when each build ends (astro-watch-runner.ts), so the steps load while Astro does, or while the author edits.
 * A center whose site.yaml does not load starts none: Astro's configuration reports it, once.
 */
import { resolve } from 'node:path';
import { contentDir, siteOutDir } from '../../src/lib/paths.ts';
import { loadSiteConfig } from '../../src/lib/site-config.ts';
import { startStepsAhead } from '../../src/build/steps-start.ts';

export function startStepsOfNextBuild(): void {
  const failureFile = process.env.SITE_STEP_FAILURE_FILE;
  if (!failureFile) return;
  try {
    loadSiteConfig(contentDir);
  } catch {
    return;
  }
  // The folder astro.config.mjs gives Astro, in the project's folder (Astro's own cwd, as scripts/build.ts starts it).
  startStepsAhead({ contentDir, root: process.cwd(), failureFile, outDir: resolve(siteOutDir) });
}
