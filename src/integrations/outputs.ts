/**
 * Owns the outputs beyond the pages: after Astro has written the site (and the client scripts' integration its scripts), the
 * search index, the PDFs, the offline bundle, the link check and the security headers (src/build/steps.ts), run in a process of
 * their own (src/build/steps-process.ts) so they neither share Astro's large heap nor add to its peak memory. So `astro build`
 * alone, as a static host runs it, produces the complete site; `npm run build` adds only what Astro cannot do (the content
 * checks beside it, the staging folder and the swap into dist/). A failed step fails Astro's build, with its reason in one line.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';

export interface OutputsOptions {
  contentDir: string;
  /** The project's folder, for paths in messages. */
  root: string;
}

const stepsProcess = fileURLToPath(new URL('../build/steps-process.ts', import.meta.url));

export function outputs({ contentDir, root }: OutputsOptions): AstroIntegration {
  return {
    name: 'support-center:outputs',
    hooks: {
      'astro:build:done': async ({ dir }) => {
        // The reason a step failed comes back in this file (scripts/build.ts passes its own, to report it in one line).
        const failureFile = process.env.SITE_STEP_FAILURE_FILE ?? join(tmpdir(), `support-center-steps-${process.pid}.failure`);
        const code = await new Promise<number | null>((done, fail) => {
          const child = spawn(process.execPath, [stepsProcess, fileURLToPath(dir), contentDir, root], {
            stdio: 'inherit',
            env: { ...process.env, SITE_STEP_FAILURE_FILE: failureFile },
          });
          child.on('error', fail);
          child.on('close', done);
        });
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
