/**
 * Loaded (`node --import`) into Astro's process for a one-off `npm run build` (scripts/build.ts), before Astro itself: starts
 * the output steps' process at once (next-build-steps.ts), so that its modules load, and the printing browser starts when the
 * build prints PDFs, while Astro loads, instead of from Astro's configuration on. The outputs integration takes it over. The
 * watch's runner starts its builds' steps itself (astro-watch-runner.ts), once it has named the files they share between builds.
 */
import { isMainThread } from 'node:worker_threads';

// `--import` runs in every worker thread of the process too: only Astro's thread starts the steps (and loads what that takes).
if (isMainThread) (await import('./next-build-steps.ts')).startStepsOfNextBuild();
