import { defineConfig } from 'vitest/config';

/**
 * Generator tests in three layers, and the default center's content tests (`npx vitest --project <name>`):
 * - unit: schemas, plugins, rules, libraries and command-line scripts on small inputs; no site build, runs in seconds.
 * - site: the built fixture centers' files (pages, PDFs, zip) and the build's failure modes.
 * - browser: real Chromium and Firefox against the built fixture centers.
 * - content: the default center (content/): its facts, pages and search.
 * site, browser and content share one build of each center (test/global-setup.ts).
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // expect.poll waits for what a page does after a reload or a click: 1 s (Vitest's default) was too short on a loaded machine.
    expect: { poll: { timeout: 10_000 } },
    // Build-failure tests each run a build; two cores are best used two at a time.
    maxWorkers: 2,
    projects: [
      // The unit project renders diagrams in Chromium too, so it also makes sure the browsers are there.
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], globalSetup: ['test/browsers-setup.ts'] } },
      { extends: true, test: { name: 'site', include: ['test/site/**/*.test.ts'], globalSetup: ['test/browsers-setup.ts', 'test/global-setup.ts'] } },
      { extends: true, test: { name: 'browser', include: ['test/e2e/**/*.test.ts'], globalSetup: ['test/browsers-setup.ts', 'test/global-setup.ts'] } },
      // astro dev, after everything else: a dev server reads the project's .astro/ folder, which builds of other centers rewrite.
      {
        extends: true,
        test: { name: 'dev', include: ['test/dev/**/*.test.ts'], globalSetup: ['test/browsers-setup.ts', 'test/global-setup.ts'], sequence: { groupOrder: 1 } },
      },
      // The default center's own facts and pages (Herceptin resistance): content tests, not generator tests.
      { extends: true, test: { name: 'content', include: ['test/content/**/*.test.ts'], globalSetup: ['test/browsers-setup.ts', 'test/global-setup.ts'] } },
    ],
  },
});
