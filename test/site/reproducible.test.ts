/** Two builds of the same content with the same SOURCE_DATE_EPOCH are byte-identical, PDFs and the offline zip included. */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { listFiles } from '../helpers/built-site';

const dir = mkdtempSync(join(tmpdir(), 'reproducible-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function build(out: string): Map<string, string> {
  const result = spawnSync(process.execPath, ['scripts/build.ts', '--content', join(dir, 'center')], {
    env: { ...process.env, SITE_OUT_DIR: join(dir, out), SITE_CACHE_DIR: join(dir, `cache-${out}`), SOURCE_DATE_EPOCH: '1764547200' },
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  return new Map(
    listFiles(join(dir, out)).map((f) => [
      f,
      createHash('sha256')
        .update(readFileSync(join(dir, out, f)))
        .digest('hex'),
    ]),
  );
}

it('builds the same bytes twice', { timeout: 120_000 }, () => {
  cpSync('test/fixtures/centers/qpcr', join(dir, 'center'), { recursive: true });
  const [first, second] = [build('one'), build('two')];
  expect([...first.keys()].filter((f) => f.endsWith('.pdf') || f.endsWith('.zip')).length).toBeGreaterThanOrEqual(4);
  expect([...second].filter(([file, hash]) => first.get(file) !== hash).map(([file]) => file)).toEqual([]);
  expect(second.size).toBe(first.size);
});
