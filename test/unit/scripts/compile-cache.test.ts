import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
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
