/**
 * The committed diagram cache: a build of the real content renders no diagram
 * and needs no browser, so a machine without Chromium still builds the site.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'hrs-nobrowser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('builds every diagram from the cache with no browser on the machine', () => {
  const result = spawnSync(process.execPath, ['scripts/build.ts'], {
    env: { ...process.env, SITE_OUT_DIR: join(dir, 'dist'), SITE_CACHE_DIR: join(dir, 'cache'), CHROME_PATH: '/nonexistent/chromium' },
    encoding: 'utf8',
  });
  expect(result.status, result.stdout + result.stderr).toBe(0);
  expect(result.stdout).toMatch(/\[diagrams\] 0 rendered, 2 from cache, 0 browser launches/);
  expect(existsSync(join(dir, 'dist/protocols/resistant-cell-lines/index.html'))).toBe(true);
});
