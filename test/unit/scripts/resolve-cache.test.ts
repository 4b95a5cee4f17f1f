import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { answerKey, inInstalledPackages, installSignature, isBareSpecifier, useResolveCache } from '../../../scripts/lib/resolve-cache';

const root = resolve(__dirname, '../../..');
const modules = `${pathToFileURL(join(root, 'node_modules')).href}/`;
const dir = mkdtempSync(join(tmpdir(), 'resolve-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A Node process in the project's folder with the cache loaded as the build loads it; prints where `specifier` resolves for an
 * import (or for require() with `require`).
 */
function resolveInChild(specifier: string, cacheFile: string, { setting, require = false }: { setting?: string; require?: boolean } = {}): string {
  const env: NodeJS.ProcessEnv = { ...process.env, SITE_RESOLVE_CACHE: setting ?? cacheFile, NODE_OPTIONS: '' };
  useResolveCache(env);
  const code = require
    ? `console.log(require('node:url').pathToFileURL(require.resolve(${JSON.stringify(specifier)})).href)`
    : `console.log(import.meta.resolve(${JSON.stringify(specifier)}))`;
  const run = spawnSync(process.execPath, [`--input-type=${require ? 'commonjs' : 'module'}`, '-e', code], { cwd: root, env, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return run.stdout.trim();
}

interface CacheFile {
  signature: string;
  answers: Record<string, { url: string }>;
}
const readCache = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
/** The answer the first run kept for `yaml`, imported from the project's folder. */
const yamlKey = (cache: CacheFile) => Object.keys(cache.answers).find((k) => k.startsWith(`${pathToFileURL(root).href}/\0yaml\0`))!;

describe('which resolutions are kept', () => {
  it('keeps package names and relative imports between installed packages, and nothing of the project or of caches', () => {
    expect(['astro', '@astrojs/mdx/utils', 'yaml'].every(isBareSpecifier)).toBe(true);
    expect(['./a.ts', '../b.js', '.', '..', '/abs/c.js', '#internal', 'node:fs', 'file:///x.js', 'C:\\x.js'].some(isBareSpecifier)).toBe(false);

    const fromProject = `${pathToFileURL(root).href}/src/lib/paths.ts`;
    const fromPackage = `${modules}astro/dist/core/build/index.js`;
    const esm = ['node', 'import'];
    // Two files of one folder share the answer for a package name: Node looks it up from the folder; a query is no part of it.
    expect(answerKey('yaml', fromProject, esm, {}, modules)).toBe(answerKey('yaml', `${pathToFileURL(root).href}/src/lib/other.ts`, esm, {}, modules));
    expect(answerKey('yaml', `${fromProject}?t=123/4`, esm, {}, modules)).toBe(answerKey('yaml', fromProject, esm, {}, modules));
    expect(answerKey('yaml', fromProject, esm, {}, modules)).not.toBe(answerKey('yaml', fromProject, [...esm, 'development'], {}, modules));
    expect(answerKey('yaml', fromProject, esm, { type: 'json' }, modules)).not.toBe(answerKey('yaml', fromProject, esm, {}, modules));
    // require() and require.resolve(), whose `paths` the hook is not told, go to Node.
    expect(answerKey('yaml', fromProject, ['node', 'require'], {}, modules)).toBeUndefined();
    expect(answerKey('./static-paths.js', fromPackage, esm, {}, modules)).toContain(fromPackage);
    expect(answerKey('./other.ts', fromProject, esm, {}, modules)).toBeUndefined();
    expect(answerKey('#internal', fromPackage, esm, {}, modules)).toBeUndefined();
    expect(answerKey('yaml', undefined, esm, {}, modules)).toBeUndefined();
    expect(inInstalledPackages(`${modules}yaml/dist/index.js`, modules)).toBe(true);
    expect(inInstalledPackages(`${modules}.cache/x.mjs`, modules)).toBe(false);
    expect(inInstalledPackages(`${pathToFileURL(root).href}/src/x.ts`, modules)).toBe(false);
  });

  it('knows node_modules as npm left it: another install gives another signature', () => {
    const install = join(dir, 'install');
    rmSync(install, { recursive: true, force: true });
    expect(installSignature(install, join(install, 'package-lock.json'))).toBeUndefined();
    mkdirSync(install, { recursive: true });
    writeFileSync(join(install, '.package-lock.json'), '{}');
    const first = installSignature(install, join(install, 'package-lock.json'));
    expect(first).toBeDefined();
    utimesSync(join(install, '.package-lock.json'), new Date(), new Date(Date.now() + 5000));
    expect(installSignature(install, join(install, 'package-lock.json'))).not.toBe(first);
  });
});

describe('a process started with the cache', () => {
  const real = pathToFileURL(join(root, 'node_modules/yaml/dist/index.js')).href;
  const other = pathToFileURL(join(root, 'node_modules/yaml/package.json')).href;
  let n = 0;
  /** A cache file of its own, written by a first run that resolved `yaml` as Node does. */
  const firstRun = () => {
    const file = join(dir, `cache-${++n}.json`);
    expect(resolveInChild('yaml', file)).toBe(real);
    const cache = readCache(file);
    expect(yamlKey(cache), 'the first run kept its answer for yaml').toBeDefined();
    return { file, cache, key: yamlKey(cache) };
  };
  const answerWith = (file: string, cache: CacheFile, key: string, url: unknown, signature = cache.signature) =>
    writeFileSync(file, JSON.stringify({ signature, answers: { ...cache.answers, [key]: { url } } }));

  it('resolves as Node does, and keeps the answers for package names but not for the project’s own files', () => {
    const { file, cache, key } = firstRun();
    expect(cache.answers[key]!.url).toBe(real);
    expect(resolveInChild('./scripts/lib/log.ts', file)).toBe(`${pathToFileURL(root).href}/scripts/lib/log.ts`);
    expect(Object.values(readCache(file).answers).some((a) => a.url.endsWith('/scripts/lib/log.ts'))).toBe(false);
  });

  it('answers an import from the file on the next run, and leaves require() to Node', () => {
    const { file, cache, key } = firstRun();
    // Another installed file in its place shows that the answer came from the cache, not from Node.
    answerWith(file, cache, key, other);
    expect(resolveInChild('yaml', file)).toBe(other);
    expect(resolveInChild('yaml', file, { require: true })).toBe(pathToFileURL(join(root, 'node_modules/yaml/dist/index.js')).href);
  });

  it('asks Node when the answer’s file is gone, is not in node_modules or is not an address at all', () => {
    for (const url of [pathToFileURL(join(root, 'node_modules/yaml/dist/gone.js')).href, pathToFileURL(join(root, 'package.json')).href, 42, 'not a URL']) {
      const { file, cache, key } = firstRun();
      answerWith(file, cache, key, url);
      expect(resolveInChild('yaml', file), String(url)).toBe(real);
    }
  });

  it('drops the file when node_modules changed since, and reads nothing when turned off', () => {
    const first = firstRun();
    answerWith(first.file, first.cache, first.key, other, 'another install');
    expect(resolveInChild('yaml', first.file)).toBe(real);
    expect(readCache(first.file).signature).not.toBe('another install');

    const second = firstRun();
    answerWith(second.file, second.cache, second.key, other);
    const untouched = readFileSync(second.file, 'utf8');
    expect(resolveInChild('yaml', second.file, { setting: 'off' })).toBe(real);
    expect(readFileSync(second.file, 'utf8')).toBe(untouched);
  });

  it('lets a Node that cannot run it start as always', () => {
    // The system's Node 20, were it to inherit the build's NODE_OPTIONS: no resolve hooks, no TypeScript.
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
    useResolveCache(env);
    const old = spawnSync('/usr/bin/node', ['-e', 'console.log(process.version)'], { env, encoding: 'utf8' });
    if (old.error) return expect((old.error as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(old.stderr).toBe('');
    expect(old.stdout).toMatch(/^v\d+/);
  });
});
