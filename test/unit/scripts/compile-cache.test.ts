import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pruneCompileCache, useCompileCache } from '../../../scripts/lib/compile-cache';

const dir = mkdtempSync(join(tmpdir(), 'compile-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('useCompileCache', () => {
  it('puts the cache in node_modules/.cache and hands it to child processes through NODE_COMPILE_CACHE', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(useCompileCache('/project', env)).toBe('/project/node_modules/.cache/support-center/compile-cache');
    expect(env.NODE_COMPILE_CACHE).toBe('/project/node_modules/.cache/support-center/compile-cache');
  });

  it('keeps a folder the caller chose, and stays off when NODE_DISABLE_COMPILE_CACHE is set', () => {
    expect(useCompileCache('/project', { NODE_COMPILE_CACHE: '/elsewhere' })).toBe('/elsewhere');
    const off: NodeJS.ProcessEnv = { NODE_DISABLE_COMPILE_CACHE: '1' };
    expect(useCompileCache('/project', off)).toBeUndefined();
    expect(off.NODE_COMPILE_CACHE).toBeUndefined();
  });
});

describe('npm run build', () => {
  it('has the compile cache on before the build script’s own modules load', () => {
    // The script's command line, with a probe in place of scripts/build.ts that says, as its first statement runs (after Node
    // has read and compiled every module it imports), where the cache is.
    const [node, ...args] = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { build: string } }).scripts.build.split(' ');
    expect(node).toBe('node');
    expect(args.at(-1)).toBe('scripts/build.ts');
    const probe = join(dir, 'probe.mjs');
    writeFileSync(probe, "import module from 'node:module';\nconsole.log(module.getCompileCacheDir());\n");
    const env = { ...process.env };
    delete env.NODE_COMPILE_CACHE;
    delete env.NODE_OPTIONS;
    const run = spawnSync(process.execPath, [...args.slice(0, -1), probe], { encoding: 'utf8', env });
    expect(run.stderr).toBe('');
    // Node keeps a subfolder for its version and flags.
    expect(run.stdout.trim().startsWith(`${join(process.cwd(), 'node_modules/.cache/support-center/compile-cache')}/`)).toBe(true);
  });
});

describe('pruneCompileCache', () => {
  const fill = (name: string, sizes: number[]) => {
    const cache = join(dir, name);
    mkdirSync(join(cache, 'v24-flags'), { recursive: true });
    sizes.forEach((size, i) => writeFileSync(join(cache, 'v24-flags', `entry${i}`), Buffer.alloc(size)));
    return cache;
  };

  it('empties the folder once its files pass the budget, counting every subfolder', () => {
    const cache = fill('over', [600, 600]);
    expect(pruneCompileCache(cache, 1000, 800)).toBe(true);
    expect(existsSync(cache)).toBe(false);
  });

  it('drops the entries too large to be code (the content chunk) and keeps the rest', () => {
    const cache = fill('large', [300, 5000, 300]);
    expect(pruneCompileCache(cache, 1000, 800)).toBe(false);
    expect(['entry0', 'entry1', 'entry2'].map((f) => existsSync(join(cache, 'v24-flags', f)))).toEqual([true, false, true]);
  });

  it('leaves a folder within the budget, and does nothing for a missing or turned-off cache', () => {
    const cache = fill('within', [400, 600]);
    expect(pruneCompileCache(cache, 1000, 800)).toBe(false);
    expect(existsSync(join(cache, 'v24-flags/entry1'))).toBe(true);
    expect(pruneCompileCache(join(dir, 'missing'), 1000)).toBe(false);
    expect(pruneCompileCache(undefined, 1000)).toBe(false);
  });
});
