import { defineConfig } from 'vitest/config';

/**
 * Three layers (`npx vitest --project <name>`):
 * - unit: schemas, plugins, rules, libraries and command-line scripts on small inputs; no site build, runs in seconds.
 * - site: the built sites' files (pages, PDFs, zip) and the build's failure modes.
 * - browser: real Chromium and Firefox against the built sites.
 * site and browser share one build of each center (test/global-setup.ts): the default center and the fixture centers.
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Build-failure tests each run a build; two cores are best used two at a time.
    maxWorkers: 2,
    projects: [
      // The unit project renders diagrams in Chromium too, so it also makes sure the browsers are there.
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], globalSetup: ['test/browsers-setup.ts'] } },
      { extends: true, test: { name: 'site', include: ['test/site/**/*.test.ts', 'test/content/**/*.test.ts'], globalSetup: ['test/browsers-setup.ts', 'test/global-setup.ts'] } },
      { extends: true, test: { name: 'browser', include: ['test/e2e/**/*.test.ts'], globalSetup: ['test/browsers-setup.ts', 'test/global-setup.ts'] } },
    ],
  },
});
