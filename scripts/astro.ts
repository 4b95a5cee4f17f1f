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
import { watch } from 'node:fs';
import { contentArg } from './lib/content-arg.ts';
import { CONTENT_FILES, presentSections } from '../src/content-model.ts';
import { astroTurn } from './lib/astro-turn.ts';
import { useCompileCache } from './lib/compile-cache.ts';
import { useResolveCache } from './lib/resolve-cache.ts';

// Astro and the processes it starts keep their compiled code between runs (scripts/lib/compile-cache.ts).
useCompileCache(join(dirname(fileURLToPath(import.meta.url)), '..'));
// And their module resolutions into node_modules (scripts/lib/resolve-cache.ts).
useResolveCache();
const astroBin = join(dirname(createRequire(import.meta.url).resolve('astro/package.json')), 'bin/astro.mjs');
// `npm run dev -- --content <dir>` serves another center; Astro itself never sees the flag.
const { contentDir, rest } = contentArg();
// A build takes its turn with the project's other builds (they share Astro's state folder); the dev server does not build.
const release = rest[0] === 'build' ? await astroTurn(process.cwd()) : () => undefined;
const start = () =>
  spawn(process.execPath, [astroBin, ...rest], {
    stdio: 'inherit',
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
  });
let child = start();
let restarting = false;
// Stopping this process (Ctrl+C, a test's kill) stops Astro too, so no dev server is left holding the project.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
const exited = (code: number | null, signal: NodeJS.Signals | null) => {
  if (restarting) return;
  release();
  process.exit(code ?? (signal ? 1 : 0));
};
child.on('exit', exited);

/*
 * `npm run dev`: the center's own files (site.yaml, references.yaml, vocabulary.yaml) are read when Astro loads its config and
 * by modules it loads once (the citation numbers, the interface words), and the sections with content are found then too;
 * Astro's content layer renders a body again only when the body's file changes. An edit to one of those files, or a section
 * gaining its first entry or losing its last, therefore starts the dev server afresh, in a new process, so every page shows
 * it; the open page reloads when the server is back.
 */
if (rest[0] === 'dev') {
  const centerFiles = new Set<string>(Object.values(CONTENT_FILES));
  const sectionsNow = () => [...presentSections(contentDir)].sort().join(',');
  let sections = sectionsNow();
  let timer: NodeJS.Timeout | undefined;
  const restart = (why: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      console.log(`[dev] ${why}: starting the dev server afresh`);
      restarting = true;
      child.once('exit', () => {
        restarting = false;
        child = start();
        child.on('exit', exited);
      });
      child.kill('SIGTERM');
    }, 200);
  };
  watch(contentDir, { recursive: true }, (_, name) => {
    if (!name) return;
    if (centerFiles.has(name)) return restart(`${name} changed`);
    const now = sectionsNow();
    if (now !== sections) {
      sections = now;
      restart(`the sections with content are now: ${now || 'none'}`);
    }
  });
}
