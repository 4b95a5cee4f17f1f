/**
 * The reference: Starlight 0.42 on Astro 7 (`bench/starlight/`), built cold
 * beside this site in the same bench run. This machine's speed drifts by
 * 15–20% over hours, so a figure measured on another day says little; one
 * measured between this site's own builds does.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { ASTRO_NODE_FLAGS } from '../lib/astro-node-flags.ts';
import { measureNode } from './measure.ts';

/** A cold Starlight build: wall time, peak memory of its largest process, pages written. */
export interface StarlightBuild {
  wall: number;
  peak: number | null;
  pages: number;
}

/** Copies the reference project into `dir` and installs it from its lockfile. Returns why it could not, or null. */
export function installStarlight(root: string, dir: string): string | null {
  const source = join(root, 'bench/starlight');
  // The project's own files only: not a local install, build or generated pages left in the source folder.
  const generated = ['node_modules', 'dist', '.astro', join('src', 'content')];
  const ours = (path: string) => !generated.some((g) => relative(source, path) === g || relative(source, path).startsWith(g + sep));
  cpSync(source, dir, { recursive: true, filter: ours });
  // npm is a .cmd script on Windows, which only a shell can start.
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8', shell: process.platform === 'win32' });
  if (result.status !== 0) return `npm ci failed: ${(result.stderr || result.stdout || String(result.error)).trim().split('\n').slice(-3).join(' ')}`;
  return null;
}

/** Writes `pages` pages (a home page and pages − 1 docs of about 1,200 words) and builds them cold, on this process's Node. */
export function buildStarlight(dir: string, pages: number): StarlightBuild {
  const gen = spawnSync(process.execPath, ['gen.mjs', String(pages - 1)], { cwd: dir, encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`Starlight reference: gen.mjs failed:\n${gen.stderr}`);
  for (const cache of ['dist', 'node_modules/.astro', '.astro']) rmSync(join(dir, cache), { recursive: true, force: true });
  const astro = join(dir, 'node_modules/astro/bin/astro.mjs');
  const run = measureNode('Starlight reference build', [...ASTRO_NODE_FLAGS, astro, 'build'], dir, { ASTRO_TELEMETRY_DISABLED: '1' });
  const built = /(\d+) page\(s\) built/.exec(run.stdout)?.[1];
  return { wall: run.wall, peak: run.peak, pages: built ? Number(built) : Number.NaN };
}
