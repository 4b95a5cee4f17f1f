/**
 * astro.config.mjs is loaded at the start of every build, every `npm run dev` and every build of the watch. `astro/config`
 * (for `defineConfig`, which only returns its argument) loads Astro's font providers and SVG optimiser with it: about 270 modules
 * (svgo, csso, css-tree) that the site never uses. The config exports its object, typed by a JSDoc comment, instead.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

it('loads the site config without Astro’s config helpers and the SVG optimiser they bring', () => {
  // A child Node records every module it loads while it imports the config, as Astro does at the start of a build.
  const script = `
    import { registerHooks } from 'node:module';
    const loaded = [];
    registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
    const config = (await import(${JSON.stringify(new URL('astro.config.mjs', `file://${root}/`).href)})).default;
    console.log(JSON.stringify({ loaded, integrations: config.integrations.map((i) => i.name) }));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  const { loaded, integrations } = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { loaded: string[]; integrations: string[] };
  // The config is whole: the site's integrations are there.
  expect(integrations).toContain('support-center:outputs');
  expect(loaded.length).toBeGreaterThan(100);
  const unwanted = loaded.filter((url) => /\/node_modules\/(svgo|csso)\/|\/astro\/dist\/config\/entrypoint\.js/.test(url));
  expect(unwanted, 'astro.config.mjs (or a module it imports) loads astro/config').toEqual([]);
});
