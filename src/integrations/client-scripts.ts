/**
 * The site's client scripts (search box, run mode, dose–response calculator),
 * each bundled into one classic script (no module script, no fetch), so they
 * also run from file:// in the offline bundle. Each loads only where and when
 * it is used. `astro build` writes them into the site; `astro dev` bundles
 * them on request, so the dev server runs them too.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { build, type BuildOptions } from 'esbuild';
import { presentSections } from '../content-model.ts';
import { loadSiteConfig } from '../lib/site-config.ts';
import { CLIENT_SCRIPTS } from '../contract.ts';


const srcDir = fileURLToPath(new URL('..', import.meta.url));

/** The scripts a center needs: run mode only with protocols, the calculator unless switched off. */
function wanted(contentDir: string): [entry: string, out: string][] {
  const hasProtocols = presentSections(contentDir).has('protocols');
  const calculator = loadSiteConfig(contentDir).doseResponse.enabled;
  const { search, runMode, ic50 } = CLIENT_SCRIPTS;
  return [search, ...(hasProtocols ? [runMode] : []), ...(calculator ? [ic50] : [])].map(({ source, path }) => [source, path]);
}

const options = (entry: string): BuildOptions => ({
  entryPoints: [join(srcDir, entry)],
  bundle: true,
  format: 'iife',
  minify: true,
  target: 'es2020',
  legalComments: 'none',
  logLevel: 'warning',
});

export interface ClientScriptsOptions {
  contentDir: string;
}

export function clientScripts({ contentDir }: ClientScriptsOptions): AstroIntegration {
  /** This build's scripts, bundling since it started. */
  let bundled: Promise<{ scripts: { out: string; contents: Uint8Array }[]; seconds: number }> | undefined;
  return {
    name: 'support-center:client-scripts',
    hooks: {
      'astro:server:setup': ({ server }) => {
        const byPath = new Map(wanted(contentDir).map(([entry, out]) => [`/${out}`, entry]));
        server.middlewares.use((req, res, next) => {
          const entry = byPath.get((req.url ?? '').split('?')[0]!);
          if (!entry) return next();
          // Bundled per request: a change to the script shows on the next reload.
          build({ ...options(entry), write: false })
            .then((result) => {
              res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
              res.setHeader('Cache-Control', 'no-store');
              res.end(result.outputFiles![0]!.contents);
            })
            .catch(next);
        });
      },
      // Bundled while Astro renders (esbuild works on its own threads), and written into the site when it is done.
      'astro:build:start': () => {
        const started = performance.now();
        bundled = Promise.all(wanted(contentDir).map(async ([entry, out]) => ({ out, contents: (await build({ ...options(entry), write: false })).outputFiles![0]!.contents }))).then(
          (scripts) => ({ scripts, seconds: (performance.now() - started) / 1000 }),
        );
        // A build that fails before it is done never asks: its error is not left unhandled.
        bundled.catch(() => undefined);
      },
      'astro:build:done': async ({ dir, logger }) => {
        const site = fileURLToPath(dir);
        const waited = performance.now();
        const { scripts, seconds } = await (bundled ?? Promise.reject(new Error('client scripts: astro:build:start did not run')));
        bundled = undefined;
        await Promise.all(
          scripts.map(async ({ out, contents }) => {
            await mkdir(dirname(join(site, out)), { recursive: true });
            await writeFile(join(site, out), contents);
          }),
        );
        logger.info(`bundled in ${seconds.toFixed(2)} s beside the pages; written in ${((performance.now() - waited) / 1000).toFixed(2)} s`);
      },
    },
  };
}
