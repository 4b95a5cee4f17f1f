/**
 * The default center's committed diagram cache is complete: the build of
 * content/ in the global setup, which keeps its renders in
 * content/.diagram-cache, needed no render the repository does not hold, so a
 * machine without Chromium builds the center as committed. (What a build does
 * with a full cache, and without a browser, is tested on the fixture center in
 * test/site/build-cache.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { expect, inject, it } from 'vitest';
import { listFiles, loadPage, urlOf } from '../helpers/built-site';

const distDir = inject('distDir');

it('holds a committed render of each of the two diagrams, and the build added, changed or removed none', () => {
  const diagrams = listFiles(distDir)
    .filter((f) => f.endsWith('.html'))
    .map(urlOf)
    .filter((path) => loadPage(distDir, path)('figure.diagram svg').length > 0);
  expect(diagrams.sort()).toEqual(['/', '/protocols/resistant-cell-lines/']);
  const renders = readdirSync('content/.diagram-cache').filter((f) => f.endsWith('.json'));
  expect(renders).toHaveLength(2);
  const tracked = spawnSync('git', ['ls-files', 'content/.diagram-cache'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  expect(tracked).toEqual(expect.arrayContaining(renders.map((f) => `content/.diagram-cache/${f}`)));
  const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=all', 'content/.diagram-cache'], { encoding: 'utf8' });
  expect(status.status).toBe(0);
  expect(status.stdout).toBe('');
});
