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

/** A Node process in the project's folder with the cache loaded as the build loads it; prints where `specifier` resolves. */
function resolveInChild(specifier: string, cacheFile: string, setting?: string): string {
  const env: NodeJS.ProcessEnv = { ...process.env, SITE_RESOLVE_CACHE: setting ?? cacheFile, NODE_OPTIONS: '' };
  useResolveCache(env);
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', `console.log(import.meta.resolve(${JSON.stringify(specifier)}))`], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
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
    // Two files of one folder share the answer for a package name: Node looks it up from the folder.
    expect(answerKey('yaml', fromProject, ['node', 'import'], {}, modules)).toBe(answerKey('yaml', `${pathToFileURL(root).href}/src/lib/other.ts`, ['node', 'import'], {}, modules));
    expect(answerKey('yaml', fromProject, ['node', 'import'], {}, modules)).not.toBe(answerKey('yaml', fromProject, ['node', 'require'], {}, modules));
    expect(answerKey('./static-paths.js', fromPackage, [], {}, modules)).toContain(fromPackage);
    expect(answerKey('./other.ts', fromProject, [], {}, modules)).toBeUndefined();
    expect(answerKey('#internal', fromPackage, [], {}, modules)).toBeUndefined();
    expect(answerKey('yaml', undefined, [], {}, modules)).toBeUndefined();
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
  const file = join(dir, 'cache.json');
  const real = pathToFileURL(join(root, 'node_modules/yaml/dist/index.js')).href;

  it('resolves as Node does, and keeps the answers for package names but not for the project’s own files', () => {
    expect(resolveInChild('yaml', file)).toBe(real);
    expect(resolveInChild('./scripts/lib/log.ts', file)).toBe(`${pathToFileURL(root).href}/scripts/lib/log.ts`);
    const cache = readCache(file);
    expect(cache.answers[yamlKey(cache)]!.url).toBe(real);
    expect(Object.values(cache.answers).some((a) => a.url.endsWith('/scripts/lib/log.ts'))).toBe(false);
  });

  it('answers from the file on the next run', () => {
    const cache = readCache(file);
    // Another installed file in its place shows that the answer came from the cache, not from Node.
    const other = pathToFileURL(join(root, 'node_modules/yaml/package.json')).href;
    cache.answers[yamlKey(cache)] = { url: other };
    writeFileSync(file, JSON.stringify(cache));
    expect(resolveInChild('yaml', file)).toBe(other);
  });

  it('asks Node when the answer’s file is gone, when node_modules changed since, or when turned off', () => {
    const cache = readCache(file);
    const other = pathToFileURL(join(root, 'node_modules/yaml/package.json')).href;
    cache.answers[yamlKey(cache)] = { url: pathToFileURL(join(root, 'node_modules/yaml/dist/gone.js')).href };
    writeFileSync(file, JSON.stringify(cache));
    expect(resolveInChild('yaml', file)).toBe(real);

    cache.answers[yamlKey(cache)] = { url: other };
    writeFileSync(file, JSON.stringify({ ...cache, signature: 'another install' }));
    expect(resolveInChild('yaml', file)).toBe(real);
    expect(readCache(file).signature).not.toBe('another install');

    writeFileSync(file, JSON.stringify(cache));
    const untouched = readFileSync(file, 'utf8');
    expect(resolveInChild('yaml', file, 'off')).toBe(real);
    expect(readFileSync(file, 'utf8')).toBe(untouched);
  });
});
