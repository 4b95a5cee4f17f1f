/**
 * Build step: the site's client scripts, each bundled into one classic script
 * (no module script, no fetch), so they also run from file:// in the offline
 * bundle. Each loads only where and when it is used.
 */
import { join } from 'node:path';
import { build } from 'esbuild';

/** Entry point → output file, relative to the project and to the built site. */
export const CLIENT_SCRIPTS: Record<string, string> = {
  'src/search/search-ui.ts': 'search/search.js',
  'src/tools/run-mode.ts': 'tools/run-mode.js',
  'src/tools/ic50/ui.ts': 'tools/ic50.js',
};

/** Which optional tools the center has: run mode needs protocols, the calculator can be switched off. */
export interface ClientTools {
  runMode: boolean;
  doseResponse: boolean;
}

export async function bundleClientScripts(siteDir: string, root: string, tools: ClientTools): Promise<void> {
  const wanted = Object.entries(CLIENT_SCRIPTS).filter(
    ([entry]) => (entry !== 'src/tools/run-mode.ts' || tools.runMode) && (entry !== 'src/tools/ic50/ui.ts' || tools.doseResponse),
  );
  await Promise.all(
    wanted.map(([entry, out]) =>
      build({
        entryPoints: [join(root, entry)],
        outfile: join(siteDir, out),
        bundle: true,
        format: 'iife',
        minify: true,
        target: 'es2020',
        legalComments: 'none',
        logLevel: 'warning',
      }),
    ),
  );
}
