/**
 * Owns the outputs beyond the pages: the search index, the PDFs, the offline bundle, the link check and the security headers
 * (src/build/steps.ts), made in a process of their own (src/build/steps-process.ts) so they neither share Astro's large heap nor
 * add to its peak memory. That process starts with the build and takes each page as Astro renders it, through the middleware
 * this integration adds (src/integrations/page-middleware.ts, src/build/page-handoff.ts): the pages are indexed, packed and
 * read for links on the second core while Astro renders the next, and once Astro has written the site (and the client
 * scripts' integration its scripts) the steps finish. So `astro build`
 * alone, as a static host runs it, produces the complete site; `npm run build` adds only what Astro cannot do (the content
 * checks beside it, the staging folder and the swap into dist/). A failed step fails Astro's build, with its reason in one line.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { announcingOrder, PAGE_HANDOFF, pageHandoff, printsPdfs } from '../build/page-handoff.ts';
import { translator } from '../i18n/ui.ts';
import { loadSiteConfig } from '../lib/site-config.ts';
import { pageReuse } from '../build/page-reuse.ts';
import { startSteps, takeStepsAhead, type StartedSteps } from '../build/steps-start.ts';

export interface OutputsOptions {
  contentDir: string;
  /** The project's folder, for paths in messages. */
  root: string;
}

export function outputs({ contentDir, root }: OutputsOptions): AstroIntegration {
  // The reason a step failed comes back in this file (scripts/build.ts passes its own, to report it in one line).
  const failureFile = process.env.SITE_STEP_FAILURE_FILE ?? join(tmpdir(), `support-center-steps-${process.pid}.failure`);
  let steps: StartedSteps | undefined;
  /** Where Astro writes the site: the steps print protocol pages there as Astro writes them. */
  let outDir = '';
  return {
    name: 'support-center:outputs',
    hooks: {
      'astro:config:setup': ({ addMiddleware, command, config }) => {
        outDir = fileURLToPath(config.outDir);
        addMiddleware({ order: 'post', entrypoint: new URL('./page-middleware.ts', import.meta.url) });
        // Started before the content is synced, so that the steps' modules, and the printing browser when one will print, load
        // on the second core while Astro works on the first; `npm run build` started them before Astro loaded.
        const target = { contentDir, root, failureFile, outDir };
        if (command === 'build') steps = takeStepsAhead(target) ?? startSteps(target);
      },
      'astro:build:start': ({ setPrerenderer }) => {
        steps ??= startSteps({ contentDir, root, failureFile, outDir });
        const say = translator(loadSiteConfig(contentDir).ui);
        // In a watch's runner, pages whose keys have not changed since the last build are written as they were then.
        const reuse = pageReuse();
        const handoff = pageHandoff(steps.child.stdin!, { pdfs: printsPdfs(contentDir), say, reuse });
        (globalThis as Record<symbol, unknown>)[PAGE_HANDOFF] = handoff;
        // The steps learn the order of Astro's paths before the first page, for the search index to take the pages in it.
        setPrerenderer((base) => announcingOrder(base, handoff, reuse));
      },
      'astro:build:done': async ({ dir, logger }) => {
        delete (globalThis as Record<symbol, unknown>)[PAGE_HANDOFF];
        const reuse = pageReuse();
        if (reuse) logger.info(`${reuse.reused} page(s) kept from the last build, unchanged; the others rendered`);
        const { child, closed } = steps ?? startSteps({ contentDir, root, failureFile, outDir: fileURLToPath(dir) });
        steps = undefined;
        child.stdin!.end(`${JSON.stringify({ siteDir: fileURLToPath(dir) })}\n`);
        const code = await closed;
        if (code === 0) return;
        // Printed without a stack trace from deep inside a step: the message says what failed and what to do.
        const message = existsSync(failureFile) ? readFileSync(failureFile, 'utf8') : `the output steps stopped (exit code ${code}); see the messages above.`;
        // Our own temporary file goes; scripts/build.ts reads and removes the one it passed.
        if (!process.env.SITE_STEP_FAILURE_FILE) rmSync(failureFile, { force: true });
        const failure = new Error(message);
        failure.stack = message;
        throw failure;
      },
    },
  };
}
