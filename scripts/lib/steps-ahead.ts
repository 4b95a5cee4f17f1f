/**
 * Loaded (`node --import`) into Astro's process for `npm run build` (scripts/build.ts), before Astro itself: starts the output
 * steps' process at once (src/build/steps-start.ts), so that its modules load, and the printing browser starts when the build
 * prints PDFs, while Astro loads, instead of from Astro's configuration on. The outputs integration takes it over. A center whose
 * site.yaml does not load starts none: Astro's configuration reports it, once.
 *
 * The watch's runner (astro-watch-runner.ts) loads it too, for its first build, and calls {@link startStepsOfNextBuild} when each
 * build ends: the next build's steps load while the author edits, instead of beside Astro's sync and bundling.
 */
import { isMainThread } from 'node:worker_threads';

/** Starts the steps of the next build in this process, for the outputs integration to take over (when the center's site.yaml loads). */
export async function startStepsOfNextBuild(): Promise<void> {
  const failureFile = process.env.SITE_STEP_FAILURE_FILE;
  if (!failureFile) return;
  // Loaded here, not with this module: `--import` loads it into every worker thread of Astro's process too.
  const { resolve } = await import('node:path');
  const { contentDir, siteOutDir } = await import('../../src/lib/paths.ts');
  const { loadSiteConfig } = await import('../../src/lib/site-config.ts');
  const { startStepsAhead } = await import('../../src/build/steps-start.ts');
  try {
    loadSiteConfig(contentDir);
  } catch {
    return;
  }
  // The folder astro.config.mjs gives Astro, in the project's folder (Astro's own cwd, as scripts/build.ts starts it).
  startStepsAhead({ contentDir, root: process.cwd(), failureFile, outDir: resolve(siteOutDir) });
}

// `--import` runs in every worker thread of the process too: only Astro's thread starts the steps.
if (isMainThread) await startStepsOfNextBuild();
