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

it('keeps Astro’s cache in a folder of each center’s own, unless SITE_CACHE_DIR names one', () => {
  // Astro clears a content store kept for another configuration: with one folder for every center, building two centers in
  // turn rendered every body of each again every time.
  const cacheDir = (env: NodeJS.ProcessEnv) => {
    const script = `const c = (await import(${JSON.stringify(new URL('astro.config.mjs', `file://${root}/`).href)})).default; console.log(c.cacheDir);`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', env });
    expect(run.status, run.stderr).toBe(0);
    return run.stdout.trim().split('\n').at(-1)!;
  };
  const env = (content: string): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = { ...process.env, SITE_CONTENT_DIR: content };
    delete e.SITE_CACHE_DIR;
    return e;
  };
  const real = cacheDir(env('./content'));
  const fixture = cacheDir(env('test/fixtures/centers/qpcr'));
  expect(real).toMatch(/^node_modules\/\.cache\/astro\/content-[0-9a-f]{8}$/);
  expect(fixture).toMatch(/^node_modules\/\.cache\/astro\/qpcr-[0-9a-f]{8}$/);
  // The same folder, named two ways, has one cache; an empty SITE_CACHE_DIR counts as none, as for the print cache.
  expect(cacheDir({ ...env('./content'), SITE_CACHE_DIR: '' })).toBe(real);
  expect(cacheDir(env(`${root}/content`))).toBe(real);
  expect(cacheDir({ ...env('./content'), SITE_CACHE_DIR: '/tmp/a-cache' })).toBe('/tmp/a-cache');
});
