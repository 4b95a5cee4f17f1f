/**
 * src/content.config.ts runs in Vite's module runner. What it imports there, the runner transforms and runs again beside
 * Node's own copy: `astro:content` brings about 120 of Astro's runtime modules, the loader the whole Markdown pipeline, half a
 * second of every build. So its imports at run time are Node's (a require), and its `import` statements are for types only.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const source = readFileSync(new URL('../../src/content.config.ts', import.meta.url), 'utf8');

it('imports at run time only what Node itself gives (node: modules), and everything else for its types only or through require', () => {
  const imports = [...source.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'([^']+)'/gm)].map((m) => ({ typeOnly: Boolean(m[1]), from: m[2]! }));
  expect(imports.length).toBeGreaterThan(0);
  const throughVite = imports.filter((i) => !i.typeOnly && !i.from.startsWith('node:')).map((i) => i.from);
  expect(throughVite, 'load these with the file’s require (createRequire), or import their types only').toEqual([]);
  // Side-effect imports and dynamic imports would go through the runner too.
  expect(source).not.toMatch(/^import\s+'[^']+'/m);
  expect(source).not.toMatch(/(?<!typeof )\bimport\(/);
});
