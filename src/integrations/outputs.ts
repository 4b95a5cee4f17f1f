/**
 * Owns the outputs beyond the pages: after Astro has written the site (and the client scripts' integration its scripts), the
 * search index, the PDFs, the offline bundle, the link check and the security headers, through src/build/steps.ts. So
 * `astro build` alone, as a static host runs it, produces the complete site; `npm run build` adds only what Astro cannot do
 * (the content checks beside it, the staging folder and the swap into dist/). A failed step fails Astro's build.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { translator } from '../i18n/ui.ts';
import { loadSiteConfig } from '../lib/site-config.ts';
import { runSteps } from '../build/steps.ts';

export interface OutputsOptions {
  contentDir: string;
  /** The project's folder, for paths in messages. */
  root: string;
}

export function outputs({ contentDir, root }: OutputsOptions): AstroIntegration {
  return {
    name: 'support-center:outputs',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const center = loadSiteConfig(contentDir);
        const epoch = process.env.SOURCE_DATE_EPOCH;
        try {
          await runSteps({
            siteDir: fileURLToPath(dir),
            contentDir,
            root,
            center,
            say: translator(center.ui),
            buildDate: (epoch ? new Date(Number(epoch) * 1000) : new Date()).toISOString().slice(0, 10),
            log: (message) => logger.info(message),
            warn: (message) => logger.warn(message),
          });
        } catch (error) {
          // The reason, for scripts/build.ts to report in one line (SITE_STEP_FAILURE_FILE), and for Astro to print without a
          // stack trace from deep inside a step: the message says what failed and what to do.
          const message = error instanceof Error ? error.message : String(error);
          if (process.env.SITE_STEP_FAILURE_FILE) writeFileSync(process.env.SITE_STEP_FAILURE_FILE, message);
          const failure = new Error(message);
          failure.stack = message;
          throw failure;
        }
      },
    },
  };
}
