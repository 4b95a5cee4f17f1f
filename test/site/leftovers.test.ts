/** A build killed half-way leaves its staging folder; the next build removes it, and keeps a running build's own. */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'leftovers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('removes the staging folders of builds that are gone, and only those', () => {
  const content = join(dir, 'center');
  cpSync('test/fixtures/centers/minimal', content, { recursive: true });
  // A process id no process has (above the kernel's limit), and one that is alive: this test's own.
  const dead = join(dir, '.4194305.staging-dist');
  const running = join(dir, `.${process.pid}.staging-dist`);
  for (const folder of [dead, `${dead}.old`, running]) {
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'index.html'), 'half a site');
  }
  const result = spawnSync(process.execPath, ['scripts/build.ts', '--content', content], {
    env: { ...process.env, SITE_OUT_DIR: join(dir, 'dist'), SITE_CACHE_DIR: join(dir, 'cache'), SITE_PDF: 'skip' },
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  expect(result.stdout).toContain('[build] removed .4194305.staging-dist, left by a build that did not finish');
  expect(existsSync(dead)).toBe(false);
  expect(existsSync(`${dead}.old`)).toBe(false);
  expect(existsSync(running)).toBe(true);
  expect(existsSync(join(dir, 'dist/index.html'))).toBe(true);
});
