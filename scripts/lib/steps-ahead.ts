/**
 * Loaded (`node --import`) into the Astro process of a one-off `npm run build` (scripts/build.ts), before Astro itself: starts
 * the output steps' process at once (src/build/steps-start.ts), so that its modules load, and the printing browser starts when
 * the build prints PDFs, while Astro loads, instead of from Astro's configuration on. The outputs integration takes it over.
 * A center whose site.yaml does not load starts none: Astro's configuration reports it, once.
 */
import { isMainThread } from 'node:worker_threads';

// `--import` runs in every worker thread of the process too: only Astro's thread starts the steps.
if (isMainThread && process.env.SITE_STEP_FAILURE_FILE) {
  const { resolve } = await import('node:path');
  const { contentDir, siteOutDir } = await import('../../src/lib/paths.ts');
  const { loadSiteConfig } = await import('../../src/lib/site-config.ts');
  const { startStepsAhead } = await import('../../src/build/steps-start.ts');
  let loads = true;
  try {
    loadSiteConfig(contentDir);
  } catch {
    loads = false;
  }
  // The folder astro.config.mjs gives Astro, in the project's folder (Astro's own cwd, as scripts/build.ts starts it).
  if (loads) startStepsAhead({ contentDir, root: process.cwd(), failureFile: process.env.SITE_STEP_FAILURE_FILE, outDir: resolve(siteOutDir) });
}
