/**
 * A process that builds more than once (`npm run build -- --watch`) reads a center's site.yaml again when it changed: the
 * content checks there kept the first one, and reported a topic added since as unknown.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { loadSiteConfig } from '../../../src/lib/site-config';

const dir = mkdtempSync(join(tmpdir(), 'site-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('reads site.yaml again once it changed, and not before', () => {
  cpSync('test/fixtures/centers/minimal', dir, { recursive: true });
  const file = join(dir, 'site.yaml');
  const first = loadSiteConfig(dir);
  expect(loadSiteConfig(dir)).toBe(first);
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^name: .*$/m, 'name: A Center Renamed Since'));
  const second = loadSiteConfig(dir);
  expect(second.name).toBe('A Center Renamed Since');
  expect(second.topics.map((t) => t.id)).toEqual(first.topics.map((t) => t.id));
});
