/**
 * Runs the Astro CLI with telemetry off. Every npm script that calls Astro
 * goes through here, so it runs on the Node that npm put first on PATH
 * (the `node` devDependency, Node 24) and never reports usage. `--content <dir>`
 * (or SITE_CONTENT_DIR) picks the center.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentArg } from './lib/content-arg.ts';
import { astroTurn } from './lib/astro-turn.ts';
import { useCompileCache } from './lib/compile-cache.ts';

// Astro and the processes it starts keep their compiled code between runs (scripts/lib/compile-cache.ts).
useCompileCache(join(dirname(fileURLToPath(import.meta.url)), '..'));
const astroBin = join(dirname(createRequire(import.meta.url).resolve('astro/package.json')), 'bin/astro.mjs');
// `npm run dev -- --content <dir>` serves another center; Astro itself never sees the flag.
const { rest } = contentArg();
// A build takes its turn with the project's other builds (they share Astro's state folder); the dev server does not build.
const release = rest[0] === 'build' ? await astroTurn(process.cwd()) : () => undefined;
const child = spawn(process.execPath, [astroBin, ...rest], {
  stdio: 'inherit',
  env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
});
// Stopping this process (Ctrl+C, a test's kill) stops Astro too, so no dev server is left holding the project.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  release();
  process.exit(code ?? (signal ? 1 : 0));
});
